// Acceptance of ONNX import (docs/user-guide.md §10) against ONNX Runtime on the real
// Fashion-MNIST test images:
//  - FP networks as PyTorch exports them (tests/data/onnx, made by
//    scripts/make-onnx-examples.py: batch norm folded, and kept) and a graph written here with
//    the operators PyTorch did not use there (AveragePool, Concat, Gemm with transB = 0):
//    the imported network's logits equal ONNX Runtime's on the original file;
//  - an imported network (batch norm kept, and folded) trained as a supernet, its predictor
//    fitted, its front searched and a mixed-precision point exported: ONNX Runtime gets the test
//    accuracy the project reports, through the original model's input and output names.
// Skipped without node and tests/onnx/node_modules, unless EQNET_REQUIRE_ORT=1 (CI).
#include "eqtest.h"
#include "onnx_examples.h"
#include "ort_runner.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/fp_training.h"
#include "eqnet/onnx_export.h"
#include "eqnet/paired_comparison.h"
#include "eqnet/pipeline.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"
#include "export/onnx_ir.h"

#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

using eqtest::examples::kMean;
using eqtest::examples::kStd;
// LibTorch and ONNX Runtime add up convolutions in different orders: FP logits agree to about
// 1e-6 of their size; this bound leaves two orders of magnitude.
constexpr double kLogitAgreement = 1e-4;
// Exported quantized models: images judged differently where a value sits on a rounding tie
// (tst_onnx_runtime.cpp, kDemoImagesOff).
constexpr int64_t kImagesOff = 2;


Dataset fashionMnist() {
    DataSpec spec;
    spec.dir = EQ_TEST_DATA_DIR;
    spec.mean = {kMean};
    spec.std = {kStd};
    return loadDataset(spec);
}

// The first n images of `split` as the network sees them, and the same floats in a file for
// ort_run.mjs (which then feeds them unchanged).
torch::Tensor networkInput(const Dataset& data, const ImageSet& split, int64_t n, const std::string& path) {
    std::vector<int64_t> idx(size_t(std::min(n, split.size())));
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = int64_t(i);
    const auto x = imagesTensor(split, idx, Normalization{data.mean, data.std}, torch::kCPU).contiguous();
    writeFileAtomic(path, std::string(reinterpret_cast<const char*>(x.data_ptr<float>()),
                                      size_t(x.numel()) * sizeof(float)));
    return x;
}

onnxir::Tensor weights(const std::string& name, std::vector<int64_t> dims, uint64_t seed, float scale) {
    onnxir::Tensor t;
    t.name = name;
    t.dims = std::move(dims);
    auto v = torch::randn({t.numel()}, torch::TensorOptions().dtype(torch::kFloat))
                 .mul(scale)
                 .add(float(seed % 7) * 0.01f);
    t.floats.assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
    return t;
}

onnxir::Node node(const std::string& op, const std::string& name, std::vector<std::string> in,
                  std::vector<onnxir::Attribute> attrs = {}) {
    onnxir::Node n;
    n.op = op;
    n.name = name;
    n.inputs = std::move(in);
    n.outputs = {name};
    n.attrs = std::move(attrs);
    return n;
}

// x [N, 1, 28, 28] -> Conv 3x3 (8, bias) -> Relu -> { Conv 1x1 (8), AveragePool 3x3 pad 1 }
// -> Concat (16) -> MaxPool 2x2 -> Clip(0, 6) -> GlobalAveragePool -> Flatten -> Gemm
// (transB = 0, weights [16, 10]).
std::string writeHandmadeModel(const std::string& path) {
    using onnxir::Attribute;
    torch::manual_seed(3);
    onnxir::Model m;
    m.opset = 13;
    m.graphName = "handmade";
    onnxir::ValueInfo in;
    in.name = "pixels";
    in.dims = {-1, 1, 28, 28};
    in.dimParams = {"batch", "", "", ""};
    m.inputs = {in};
    onnxir::ValueInfo out;
    out.name = "scores";
    out.dims = {-1, 10};
    out.dimParams = {"batch", ""};
    m.outputs = {out};
    onnxir::Tensor lo, hi;
    lo.name = "clip_lo";
    lo.floats = {0.f};
    hi.name = "clip_hi";
    hi.floats = {6.f};
    m.initializers = {weights("stem.weight", {8, 1, 3, 3}, 1, 0.5f), weights("stem.bias", {8}, 2, 0.1f),
                      weights("branch.weight", {8, 8, 1, 1}, 3, 0.4f), weights("fc.weight", {16, 10}, 4, 0.5f),
                      weights("fc.bias", {10}, 5, 0.1f), lo, hi};
    m.nodes = {node("Conv", "stem", {"pixels", "stem.weight", "stem.bias"},
                    {Attribute::integers("kernel_shape", {3, 3}), Attribute::integers("pads", {1, 1, 1, 1})}),
               node("Relu", "stem_relu", {"stem"}),
               node("Conv", "branch", {"stem_relu", "branch.weight"}, {Attribute::integers("kernel_shape", {1, 1})}),
               node("AveragePool", "smooth", {"stem_relu"},
                    {Attribute::integers("kernel_shape", {3, 3}), Attribute::integers("pads", {1, 1, 1, 1}),
                     Attribute::integers("strides", {1, 1})}),
               node("Concat", "both", {"branch", "smooth"}, {Attribute::integer("axis", 1)}),
               node("MaxPool", "pool", {"both"},
                    {Attribute::integers("kernel_shape", {2, 2}), Attribute::integers("strides", {2, 2})}),
               node("Clip", "six", {"pool", "clip_lo", "clip_hi"}),
               node("GlobalAveragePool", "gap", {"six"}),
               node("Flatten", "flat", {"gap"}, {Attribute::integer("axis", 1)}),
               node("Gemm", "scores", {"flat", "fc.weight", "fc.bias"})};
    writeFileAtomic(path, onnxir::serialize(m));
    return path;
}

} // namespace

EQ_TEST(imported_networks_compute_what_onnx_runtime_computes) {
    EQ_REQUIRE_ORT();
    const Dataset data = fashionMnist();
    const std::string dir = eqtest::scratchDir();
    const std::string images = dir + "/test.f32";
    const auto x = networkInput(data, data.test, 1000, images);
    const std::vector<std::string> models = {eqtest::examples::kFolded, eqtest::examples::kWithBn,
                                             writeHandmadeModel(dir + "/handmade.onnx")};
    for (const auto& path : models) {
        Supernet net(importModel(path));
        net.setFullPrecision();
        auto& model = *net.impl().model;
        model.eval();
        torch::Tensor ours;
        {
            torch::NoGradGuard ng;
            ours = model.forward(x);
        }
        std::string log;
        const auto ort = eqtest::runOrt(path, images, {1, 28, 28}, x.size(0), 10, dir, log);
        EQ_VERIFY2(ort.defined(), log);
        const double diff = (ort - ours).abs().max().item<double>();
        const double scale = ours.abs().max().item<double>();
        std::cout << "import " << fs::path(path).filename().string() << ": max |logit difference| vs ONNX Runtime "
                  << diff << " (logits up to " << scale << ")\n" << std::flush;
        EQ_VERIFY2(diff <= kLogitAgreement, path + ": " + std::to_string(diff));
        EQ_VERIFY2(scale > 1.0, path + ": logits too small to tell anything apart"); // a live network
    }
}

// The round trip a user of a built-in network makes: train it FP, export it FP (as a
// framework would: normalised input, float Conv/Gemm, batch norm kept), import that file.
// The imported network computes the original's logits, and so does ONNX Runtime on the file.
EQ_TEST(builtin_networks_exported_fp_import_to_the_same_logits) {
    EQ_REQUIRE_ORT();
    Dataset data = fashionMnist();
    std::vector<int64_t> first(2048);
    for (size_t i = 0; i < first.size(); ++i) first[i] = int64_t(i);
    data.train = data.train.subset(first);
    const std::string dir = eqtest::scratchDir();
    const std::string images = dir + "/test.f32";
    const auto x = networkInput(data, data.test, 500, images);
    for (const std::string model : {"fmnist-cnn", "mbv2-28"}) {
        Supernet original(modelSpecFor(model, data.train), "cpu", 3);
        FpTrainOptions fp;
        fp.epochs = 1;
        trainFullPrecision(original, data, fp);
        const std::string file = dir + "/" + model + "-fp.onnx";
        OnnxExportOptions opt;
        opt.bn.bnImages = 0; // the trained statistics, as they are
        exportOnnxFullPrecision(original, data, file, opt);

        auto logits = [&](Supernet& net) {
            net.setFullPrecision();
            net.impl().model->eval();
            torch::NoGradGuard ng;
            return net.impl().model->forward(x);
        };
        const auto ours = logits(original);
        Supernet imported(importModel(file));
        EQ_COMPARE(imported.layers().size(), original.layers().size());
        const double importDiff = (logits(imported) - ours).abs().max().item<double>();
        std::string log;
        const auto ort = eqtest::runOrt(file, images, {1, 28, 28}, x.size(0), 10, dir, log);
        EQ_VERIFY2(ort.defined(), log);
        const double ortDiff = (ort - ours).abs().max().item<double>();
        const double scale = ours.abs().max().item<double>();
        std::cout << model << " exported FP: max |logit difference| imported " << importDiff << ", ONNX Runtime "
                  << ortDiff << " (logits up to " << scale << ")\n" << std::flush;
        EQ_VERIFY2(importDiff <= kLogitAgreement, model + ": " + std::to_string(importDiff));
        EQ_VERIFY2(ortDiff <= kLogitAgreement, model + ": " + std::to_string(ortDiff));
        // A live network: its predictions tell the classes apart.
        const auto predicted = std::get<0>(at::_unique(ours.argmax(1)));
        EQ_VERIFY2(predicted.numel() >= 5, model + ": " + std::to_string(predicted.numel()) + " classes predicted");
    }
    // A subnet export still refuses an uncalibrated quantizer; the FP export needs none.
    Supernet fresh(modelSpecFor("fmnist-cnn", data.train), "cpu", 3);
    EQ_THROWS(exportOnnx(fresh, data, fresh.uniform(4, 4, QuantForm{}), dir + "/q.onnx"), eqnet::Error, "not calibrated");
    exportOnnxFullPrecision(fresh, data, dir + "/fresh.onnx");
    EQ_VERIFY(fs::exists(dir + "/fresh.onnx"));
}

namespace {

// Trains the imported network `file` briefly as a supernet, fits CQAP, searches, exports a
// mixed-precision front point and runs it in ONNX Runtime.
void trainSearchExportAndCompare(const std::string& file) {
    const std::string dir = eqtest::scratchDir();
    const std::string run = dir + "/run";
    TrainConfig cfg;
    cfg.model = eqtest::examples::kDir + "/" + file;
    cfg.data.dir = EQ_TEST_DATA_DIR;
    cfg.data.mean = {kMean};
    cfg.data.std = {kStd};
    cfg.data.trainLimit = 2048;
    cfg.fpEpochs = 0; // the imported network is trained already
    cfg.epochs = 1;
    cfg.calibImages = 64;
    cfg.eval.bnImages = 256;
    cfg.evalImages = 500;
    cfg.snapshotEvery = 0;
    TrainingJob job = TrainingJob::create(run, cfg);
    EQ_COMPARE(job.config().model, file); // the run's own copy
    EQ_VERIFY(fs::is_regular_file(run + "/" + file));
    EQ_VERIFY(job.run({}, {}).finished);

    CqapStageOptions co;
    co.sampling.perForm = 3;
    co.workers = 1;
    co.sampling.eval.bnImages = 256;
    co.sampling.eval.maxImages = 500;
    EQ_VERIFY(runCqapStage(run, co).fitted);
    SearchStageOptions so;
    so.verify = false;
    so.search.population = 16;
    so.search.generations = 8;
    const FrontFile front = runSearchStage(run, so);
    EQ_VERIFY(front.points.size() >= 2);
    // A mixed-precision point: not every searchable layer at the same bits.
    const FrontPoint* mixed = nullptr;
    for (const auto& p : front.points) {
        std::set<int> bits;
        for (size_t i = 1; i + 1 < p.config.layers.size(); ++i) bits.insert(p.config.layers[i].w);
        if (bits.size() > 1) mixed = &p;
    }
    EQ_VERIFY(mixed != nullptr);

    // The checkpoint alone rebuilds the network: the ONNX copy is not needed any more.
    fs::rename(run + "/" + file, dir + "/moved.onnx");
    const SubnetMeasurement m = measureRunSubnet(run, mixed->config, true);
    SubnetExportOptions xo;
    xo.onnxPath = dir + "/mixed.onnx";
    exportRunSubnet(run, mixed->config, xo);
    const onnxir::Model exported = onnxir::readFile(xo.onnxPath);
    EQ_COMPARE(exported.inputs.size(), size_t(1));
    EQ_COMPARE(exported.inputs[0].name, std::string("input"));   // as the original model
    EQ_COMPARE(exported.outputs[0].name, std::string("logits"));
    EQ_VERIFY(exported.metadataValue("eqnet.normalization.mean").find("0.286") == 0);

    const Dataset data = fashionMnist();
    const std::string images = dir + "/test.f32";
    networkInput(data, data.test, data.test.size(), images);
    std::string log;
    const auto ort = eqtest::runOrt(xo.onnxPath, images, {1, 28, 28}, data.test.size(), 10, dir, log);
    EQ_VERIFY2(ort.defined(), log);
    const auto ours = unpackCorrect(m.testCorrect, "measurement");
    const auto pred = ort.argmax(1);
    int64_t right = 0, differ = 0;
    for (int64_t i = 0; i < data.test.size(); ++i) {
        const bool ok = pred[i].item<int64_t>() == int64_t(data.test.labels[size_t(i)]);
        right += ok;
        differ += ok != bool(ours[size_t(i)]);
    }
    const double ortAccuracy = double(right) / double(data.test.size());
    std::cout << "imported " << file << ", front point at " << formatBitops(mixed->cost.bitops) << ": project "
              << 100 * *m.test << " %, ONNX Runtime " << 100 * ortAccuracy << " %, images judged differently: "
              << differ << "\n" << std::flush;
    EQ_VERIFY(differ <= kImagesOff);
    EQ_VERIFY(*m.test > 0.3); // a trained network, not chance
}

} // namespace

// Batch norm kept: re-estimated for every subnet, exported as BatchNormalization nodes.
EQ_TEST(an_imported_network_with_batch_norm_trains_searches_and_exports_what_onnx_runtime_gets) {
    EQ_REQUIRE_ORT();
    trainSearchExportAndCompare(eqtest::examples::kWithBnFile);
}

// Batch norm folded: every convolution has a bias, which the deployed model adds as int32
// levels at s_x * s_w (ONNX Runtime rounds a float bias so; the project must measure that).
EQ_TEST(an_imported_network_with_folded_batch_norm_trains_and_exports_what_onnx_runtime_gets) {
    EQ_REQUIRE_ORT();
    trainSearchExportAndCompare(eqtest::examples::kFoldedFile);
}
