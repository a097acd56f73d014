#!/bin/sh
# Seed corpora for the fuzz targets, made from the real files the project reads: Fashion-MNIST's
# IDX files (cut to a few images), the shipped hardware profiles, the demo run's files
# (run.json, pipeline.json, metrics.jsonl, samples.jsonl, front.json, the predictor, the
# checkpoint), an exported subnet, the test ONNX models, the icon as PNG and JPEG.
#   make_seeds.sh EQNET OUT      (EQNET may be "-": no exported-subnet seed)
set -eu
E=$1
OUT=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FMNIST=/usr/share/datasets/fashion-mnist
DEMO=$ROOT/resources/demo-run
rm -rf "$OUT"
for t in fuzz_idx fuzz_cifar fuzz_image fuzz_json fuzz_checkpoint fuzz_onnx; do mkdir -p "$OUT/$t"; done

# prefixed BYTE FILE OUT: OUT is the octal byte BYTE followed by FILE (the targets' selector).
prefixed() { { printf "\\$1"; cat "$2"; } >"$3"; }

# IDX: selector bit 0 = labels, bit 1 = gzip. Headers rewritten for the few items kept.
if [ -f "$FMNIST/t10k-labels-idx1-ubyte.gz" ]; then
    { printf '\000\000\010\001\000\000\000\062'; gzip -dc "$FMNIST/t10k-labels-idx1-ubyte.gz" | tail -c +9 | head -c 50; } >"$OUT/labels"
    { printf '\000\000\010\003\000\000\000\002\000\000\000\034\000\000\000\034'
      gzip -dc "$FMNIST/t10k-images-idx3-ubyte.gz" | tail -c +17 | head -c 1568; } >"$OUT/images"
    prefixed 000 "$OUT/images" "$OUT/fuzz_idx/images"
    prefixed 001 "$OUT/labels" "$OUT/fuzz_idx/labels"
    gzip -9nc "$OUT/images" >"$OUT/images.gz"
    prefixed 002 "$OUT/images.gz" "$OUT/fuzz_idx/images-gz"
    prefixed 003 "$FMNIST/t10k-labels-idx1-ubyte.gz" "$OUT/fuzz_idx/labels-gz-real"
    # CIFAR-10 records (label, 3 x 32 x 32 pixels) from the same pixels.
    for i in 1 2; do printf '\00%s' "$i"; gzip -dc "$FMNIST/t10k-images-idx3-ubyte.gz" | tail -c +17 | head -c 3072; done \
        >"$OUT/fuzz_cifar/two-records"
    rm -f "$OUT/labels" "$OUT/images" "$OUT/images.gz"
fi

cp "$ROOT"/resources/icons/eqnet-studio-16.png "$ROOT"/resources/icons/eqnet-studio-48.png "$OUT/fuzz_image/"
cp "$ROOT/tests/fuzz/seed-icon-16.jpg" "$OUT/fuzz_image/"

# JSON readers, by selector: 0 subnet, 1 provenance, 2 profile, 3 run.json, 4 front.json,
# 5 metrics lines, 6 predictor, 7 samples, 8 pipeline.json.
for p in "$ROOT"/resources/profiles/*.json; do prefixed 002 "$p" "$OUT/fuzz_json/profile-$(basename "$p")"; done
prefixed 003 "$DEMO/run.json" "$OUT/fuzz_json/run.json"
prefixed 004 "$DEMO/search/flex-2to8-pt/front.json" "$OUT/fuzz_json/front.json"
head -40 "$DEMO/metrics.jsonl" >"$OUT/metrics"
prefixed 005 "$OUT/metrics" "$OUT/fuzz_json/metrics.jsonl"
prefixed 006 "$DEMO/cqap/predictor.json" "$OUT/fuzz_json/predictor.json"
head -20 "$DEMO/cqap/samples.jsonl" >"$OUT/samples"
prefixed 007 "$OUT/samples" "$OUT/fuzz_json/samples.jsonl"
prefixed 010 "$DEMO/pipeline.json" "$OUT/fuzz_json/pipeline.json"
rm -f "$OUT/metrics" "$OUT/samples"
if [ "$E" != "-" ]; then
    cp -r "$DEMO" "$OUT/demo"
    if "$E" export --run "$OUT/demo" --format json --name seed >/dev/null 2>&1; then
        prefixed 000 "$OUT/demo/exports/seed.json" "$OUT/fuzz_json/subnet.json"
        prefixed 001 "$OUT/demo/exports/seed.json" "$OUT/fuzz_json/provenance.json"
    fi
    rm -rf "$OUT/demo"
fi

cp "$DEMO/checkpoints/last.pt" "$OUT/fuzz_checkpoint/demo-last.pt"
cp "$ROOT"/tests/data/onnx/*.onnx "$OUT/fuzz_onnx/"
echo "seeds in $OUT: $(find "$OUT" -type f | wc -l) files"
