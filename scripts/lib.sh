# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# Environment: BUILD_DIR (default build), BUILD_TYPE (Release), JOBS (all cores),
# EQNET_CMAKE_ARGS (extra configure arguments, e.g. -DCMAKE_PREFIX_PATH=/opt/libtorch).
set -euo pipefail

EQNET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$EQNET_ROOT/build}
BUILD_TYPE=${BUILD_TYPE:-Release}
JOBS=${JOBS:-$(nproc)}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ensure_packages [LIST]: the packages of scripts/debian-packages.txt, or of LIST (a file in the
# same format, e.g. scripts/debian-packages-sanitize.txt).
ensure_packages() {
    local wanted missing=()
    wanted=$(sed -e 's/#.*//' -e '/^\s*$/d' "${1:-$EQNET_ROOT/scripts/debian-packages.txt}")
    for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        say "all Debian packages present"
        return
    fi
    apt_install "${missing[@]}"
}

apt_install() {
    say "installing: $*"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "need root (or sudo) to install: $*" >&2; exit 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "$@"
}

# ONNX Runtime for the export acceptance test (tests/core/tst_onnx_runtime.cpp): the npm
# package pinned in tests/onnx/package-lock.json, installed with `npm ci` when node_modules is
# missing (--ignore-scripts: the CPU binaries ship in the package; its install script would only
# fetch CUDA ones). node comes from the package list (nodejs); npm is installed from Debian only
# when no npm is on PATH (a NodeSource nodejs brings its own and conflicts with Debian's npm).
ensure_onnxruntime() {
    local dir="$EQNET_ROOT/tests/onnx"
    if [[ -f "$dir/node_modules/onnxruntime-node/package.json" ]]; then
        say "ONNX Runtime present (tests/onnx/node_modules)"
        return
    fi
    command -v npm >/dev/null || apt_install npm
    say "installing ONNX Runtime (npm ci in tests/onnx)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund)
}

build_project() {
    say "configuring $BUILD_TYPE build in $BUILD_DIR"
    # shellcheck disable=SC2086
    cmake -S "$EQNET_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${EQNET_CMAKE_ARGS:-} >/dev/null
    say "building with $JOBS jobs"
    cmake --build "$BUILD_DIR" -j "$JOBS"
}

# The clang build with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's coverage
# instrumentation (scripts/test --sanitize, scripts/fuzz): the core, the command line, the core
# and command-line tests and the fuzz targets (libFuzzer programs), in $SANITIZE_DIR.
SANITIZE_DIR=${SANITIZE_DIR:-$EQNET_ROOT/build-sanitize}
SANITIZE_FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
build_sanitized() {
    ensure_packages "$EQNET_ROOT/scripts/debian-packages-sanitize.txt"
    say "configuring the sanitizer build in $SANITIZE_DIR (clang, $SANITIZE_FLAGS)"
    CC=clang CXX=clang++ cmake -S "$EQNET_ROOT" -B "$SANITIZE_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEQNET_GUI=OFF \
        -DEQNET_FUZZ=ON -DCMAKE_CXX_FLAGS="$SANITIZE_FLAGS -fsanitize=fuzzer-no-link" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
    say "building with $JOBS jobs"
    cmake --build "$SANITIZE_DIR" -j "$JOBS" "$@"
}

# The clang build with ThreadSanitizer (scripts/test --sanitize): the core and the studio with
# the tests of their threaded parts, in $TSAN_DIR. Qt and LibTorch are not instrumented;
# tests/tsan.supp names what TSan reports inside them.
TSAN_DIR=${TSAN_DIR:-$EQNET_ROOT/build-tsan}
TSAN_FLAGS="-fsanitize=thread -fno-omit-frame-pointer"
build_tsan() {
    ensure_packages "$EQNET_ROOT/scripts/debian-packages-sanitize.txt"
    say "configuring the ThreadSanitizer build in $TSAN_DIR (clang, $TSAN_FLAGS)"
    CC=clang CXX=clang++ cmake -S "$EQNET_ROOT" -B "$TSAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS="$TSAN_FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
        -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" >/dev/null
    say "building with $JOBS jobs"
    cmake --build "$TSAN_DIR" -j "$JOBS" "$@"
}
