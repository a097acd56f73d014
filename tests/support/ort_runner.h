#pragma once
// Running a model with ONNX Runtime from a test: tests/onnx/ort_run.mjs under node (the ONNX
// Runtime suites). A case without node or tests/onnx/node_modules is skipped, unless
// EQNET_REQUIRE_ORT=1 (CI), which fails it.
#include "eqtest.h"

#include "eqnet/onnx_export.h"

#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef EQ_ORT_DIR
#define EQ_ORT_DIR "tests/onnx"
#endif

namespace eqtest {

namespace ortfs = std::filesystem;

inline bool ortRequired() {
    const char* v = std::getenv("EQNET_REQUIRE_ORT");
    return v && std::string(v) == "1";
}

// EQNET_NODE, else the first executable `node` on PATH; "" when there is none.
inline std::string findNode() {
    if (const char* e = std::getenv("EQNET_NODE"); e && *e) return access(e, X_OK) == 0 ? e : "";
    const char* path = std::getenv("PATH");
    std::stringstream ss(path ? path : "");
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        const ortfs::path p = ortfs::path(dir.empty() ? "." : dir) / "node";
        std::error_code ec;
        if (ortfs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return p.string();
    }
    return {};
}

inline std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

inline std::string readAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline const std::string kOrtDir = EQ_ORT_DIR;

// What is missing to run ONNX Runtime here ("" when nothing is).
inline std::string ortMissing() {
    if (!eqnet::onnxExportAvailable()) return "this build has no ONNX export (libonnx-dev)";
    if (findNode().empty()) return "node (Node.js) not found on PATH (or at EQNET_NODE)";
    if (!ortfs::exists(kOrtDir + "/node_modules/onnxruntime-node/package.json"))
        return "ONNX Runtime is not installed: run `npm ci --ignore-scripts` in " + kOrtDir;
    return {};
}

// Runs ort_run.mjs on raw float32 images; the logits [N, classes], or an undefined tensor
// with `log` holding what went wrong.
inline torch::Tensor runOrt(const std::string& model, const std::string& images, const std::vector<int64_t>& chw,
                     int64_t n, int64_t classes, const std::string& dir, std::string& log,
                     const std::string& dumpDir = {}) {
    const std::string logitsPath = model + ".logits.f32";
    const std::string logPath = dir + "/ort.log";
    const std::string cmd = shellQuote(findNode()) + " " + shellQuote(kOrtDir + "/ort_run.mjs") + " " +
                            shellQuote(model) + " --images " + shellQuote(images) + " --shape " +
                            std::to_string(chw[0]) + "," + std::to_string(chw[1]) + "," + std::to_string(chw[2]) +
                            " --out " + shellQuote(logitsPath) +
                            (dumpDir.empty() ? std::string() : " --dump " + shellQuote(dumpDir)) +
                            " --batch 500 --threads 1 > " +
                            shellQuote(logPath) + " 2>&1";
    const int rc = std::system(cmd.c_str());
    log = readAll(logPath);
    if (rc != 0) {
        log = "ort_run.mjs failed (" + std::to_string(rc) + "): " + log;
        return {};
    }
    const std::string raw = readAll(logitsPath);
    if (int64_t(raw.size()) != n * classes * int64_t(sizeof(float))) {
        log = "ort_run.mjs wrote " + std::to_string(raw.size()) + " bytes of logits: " + log;
        return {};
    }
    auto out = torch::empty({n, classes}, torch::kFloat);
    std::memcpy(out.data_ptr<float>(), raw.data(), raw.size());
    return out;
}

} // namespace eqtest

// Skips (or fails, with EQNET_REQUIRE_ORT=1) the case when ONNX Runtime cannot run here.
#define EQ_REQUIRE_ORT()                                                                      \
    do {                                                                                      \
        const std::string eq_missing_ = eqtest::ortMissing();                                         \
        if (!eq_missing_.empty()) {                                                           \
            if (eqtest::ortRequired()) EQ_FAIL(eq_missing_ + " (EQNET_REQUIRE_ORT=1 makes this a failure)"); \
            EQ_SKIP(eq_missing_ + "; set EQNET_REQUIRE_ORT=1 to make this a failure");        \
        }                                                                                     \
    } while (0)

