// An imported network as a model of the project (eqnet/model_spec.h): read from a PyTorch
// export (tests/data/onnx), it carries its FP parameters; a checkpoint of it rebuilds it
// without the file; a run keeps its own copy and records the preprocessing; and a damaged
// or unusable file is an error naming it, with nothing written.
#include "eqtest.h"
#include "onnx_examples.h"

#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/onnx_export.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"
#include "export/onnx_ir.h"
#include "graph/imported_network_json.h"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

using eqtest::examples::kFolded;
using eqtest::examples::kWithBn;

torch::Tensor fpLogits(Supernet& net, const torch::Tensor& x) {
    net.setFullPrecision();
    auto& m = *net.impl().model;
    m.eval();
    torch::NoGradGuard ng;
    return m.forward(x);
}

// x [N, 3, 8, 8] -> Conv 1x1 (4) -> GlobalAveragePool -> Flatten -> Gemm (10 classes).
std::string writeRgbModel(const std::string& path) {
    using onnxir::Attribute;
    const auto tensor = [](const std::string& name, std::vector<int64_t> dims) {
        onnxir::Tensor t;
        t.name = name;
        t.dims = std::move(dims);
        t.floats.assign(size_t(t.numel()), 0.1f);
        return t;
    };
    const auto node = [](const std::string& op, const std::string& out, std::vector<std::string> in,
                         std::vector<Attribute> attrs = {}) {
        onnxir::Node n;
        n.op = op;
        n.name = out;
        n.inputs = std::move(in);
        n.outputs = {out};
        n.attrs = std::move(attrs);
        return n;
    };
    onnxir::Model m;
    m.graphName = "rgb";
    onnxir::ValueInfo in;
    in.name = "x";
    in.dims = {-1, 3, 8, 8};
    in.dimParams = {"N", "", "", ""};
    onnxir::ValueInfo out;
    out.name = "y";
    out.dims = {-1, 10};
    out.dimParams = {"N", ""};
    m.inputs = {in};
    m.outputs = {out};
    m.initializers = {tensor("c.weight", {4, 3, 1, 1}), tensor("fc.weight", {10, 4}), tensor("fc.bias", {10})};
    m.nodes = {node("Conv", "c", {"x", "c.weight"}, {Attribute::integers("kernel_shape", {1, 1})}),
               node("GlobalAveragePool", "g", {"c"}), node("Flatten", "f", {"g"}),
               node("Gemm", "y", {"f", "fc.weight", "fc.bias"}, {Attribute::integer("transB", 1)})};
    writeFileAtomic(path, onnxir::serialize(m));
    return path;
}

} // namespace

EQ_TEST(importedModelsCarryTheirGeometryAndParameters) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX support (libonnx-dev)");
    EQ_VERIFY(isModelFile(kFolded));
    EQ_VERIFY(!isModelFile("mbv2-28"));
    const ModelSpec folded = importModel(kFolded), withBn = importModel(kWithBn);
    EQ_COMPARE(folded.name, eqtest::examples::kFoldedFile);
    EQ_COMPARE(folded.inChannels, int64_t(1));
    EQ_COMPARE(folded.imageSize, int64_t(28));
    EQ_COMPARE(folded.numClasses, 10);
    EQ_COMPARE(folded.imported->batchNorms, 0); // an inference export folds them
    EQ_COMPARE(withBn.imported->batchNorms, 7);
    EQ_COMPARE(folded.imported->inputName, std::string("input"));
    EQ_COMPARE(folded.imported->outputName, std::string("logits"));

    // The same trained network, folded or not: the same function (up to float rounding).
    torch::manual_seed(0);
    const auto x = torch::randn({8, 1, 28, 28});
    Supernet a(folded, "cpu", 1), b(withBn, "cpu", 2); // seeds do not matter: the file's values are used
    const auto la = fpLogits(a, x), lb = fpLogits(b, x);
    EQ_VERIFY2((la - lb).abs().max().item<double>() < 1e-4, std::to_string((la - lb).abs().max().item<double>()));
    EQ_COMPARE(a.numLayers(), 8);
    EQ_VERIFY(a.layers().front().fixedBits && a.layers().back().fixedBits);
    EQ_VERIFY(!a.layers()[1].fixedBits);
}

EQ_TEST(aCheckpointRebuildsTheImportedNetworkWithoutTheFile) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX support (libonnx-dev)");
    const std::string dir = eqtest::scratchDir();
    const std::string copy = dir + "/net.onnx";
    fs::copy_file(kWithBn, copy);
    Supernet net(importModel(copy));
    const std::string ckpt = dir + "/net.pt";
    net.save(ckpt);
    fs::remove(copy);
    Supernet back = Supernet::load(ckpt);
    EQ_COMPARE(back.spec().name, std::string("net.onnx"));
    EQ_VERIFY(back.spec().imported != nullptr);
    EQ_COMPARE(back.spec().imported->inputName, std::string("input"));
    EQ_COMPARE(back.numLayers(), net.numLayers());
    const auto x = torch::randn({4, 1, 28, 28});
    EQ_VERIFY(torch::equal(fpLogits(net, x), fpLogits(back, x)));
}

EQ_TEST(theNetworkDescriptionRoundTripsAndNamesItsFaults) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX support (libonnx-dev)");
    const auto spec = importModel(kWithBn);
    const std::string text = graph::importedNetworkToJson(*spec.imported);
    const auto back = graph::importedNetworkFromJson(text, "ckpt");
    EQ_COMPARE(graph::importedNetworkToJson(back), text);
    EQ_COMPARE(back.graph.nodes.size(), spec.imported->graph.nodes.size());
    EQ_VERIFY(back.parameters.empty()); // the checkpoint holds them

    auto broken = nlohmann::json::parse(text);
    broken["nodes"][3]["inputs"] = {99};
    EQ_THROWS(graph::importedNetworkFromJson(broken.dump(), "ckpt"), Error, "ckpt: nodes[3]: ");
    broken = nlohmann::json::parse(text);
    broken["nodes"][0]["op"] = "Softmax";
    EQ_THROWS(graph::importedNetworkFromJson(broken.dump(), "ckpt"), Error, "network node op \"Softmax\"");
    broken = nlohmann::json::parse(text);
    broken["nodes"][0]["kernel"] = "three";
    EQ_THROWS(graph::importedNetworkFromJson(broken.dump(), "ckpt"), Error, "field \"nodes[0].kernel\" = \"three\" must be an integer");
}

EQ_TEST(damagedModelFilesAreNamedErrors) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX support (libonnx-dev)");
    const std::string dir = eqtest::scratchDir();
    const std::string bytes = readTextFile(kFolded);
    // Cut at many places: every one is an error naming the file, never a crash.
    for (size_t cut : {size_t(0), size_t(7), bytes.size() / 3, bytes.size() / 2, bytes.size() - 9}) {
        const std::string p = dir + "/cut-" + std::to_string(cut) + ".onnx";
        writeFileAtomic(p, bytes.substr(0, cut));
        EQ_THROWS(importModel(p), Error, p + ": ");
    }
    EQ_THROWS(importModel(dir + "/missing.onnx"), Error, "missing.onnx: model file not found");
    EQ_THROWS(defaultModelSpec("resnet99"), Error, "or the path of an FP .onnx file");
}

EQ_TEST(aRunKeepsItsCopyOfTheModelAndItsPreprocessing) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX support (libonnx-dev)");
    const std::string dir = eqtest::scratchDir();
    TrainConfig cfg;
    cfg.model = kFolded;
    cfg.data.mean = {0.25f};
    cfg.data.std = {0.5f};
    const TrainingJob job = TrainingJob::create(dir + "/run", cfg);
    const std::string file = eqtest::examples::kFoldedFile;
    EQ_COMPARE(job.config().model, file);
    EQ_COMPARE(readTextFile(dir + "/run/" + file), readTextFile(kFolded));
    EQ_COMPARE(runModelPath(dir + "/run", job.config().model), (fs::path(dir) / "run" / file).string());
    EQ_COMPARE(runModelPath(dir + "/run", "mbv2-28"), std::string("mbv2-28"));
    const TrainConfig back = TrainingJob::open(dir + "/run").config();
    EQ_COMPARE(back.data.mean, std::vector<float>{0.25f});
    EQ_COMPARE(back.data.std, std::vector<float>{0.5f});

    // A file that cannot be imported stops the run before anything is written.
    const std::string bad = dir + "/bad.onnx";
    writeFileAtomic(bad, "not a model");
    cfg.model = bad;
    EQ_THROWS(TrainingJob::create(dir + "/run2", cfg), Error, "bad.onnx: ");
    EQ_VERIFY(!fs::exists(dir + "/run2"));
    // So does preprocessing that does not fit the images, and images that do not fit the model.
    cfg.model = kFolded;
    cfg.data.mean = {0.1f, 0.2f};
    EQ_THROWS(TrainingJob::create(dir + "/run3", cfg), Error, "--mean has 2 values for images of 1 channel(s)");
    EQ_VERIFY(!fs::exists(dir + "/run3"));
    cfg.data.mean = {};
    cfg.model = writeRgbModel(dir + "/rgb.onnx"); // 3x8x8 images; the data is 1x28x28
    cfg.data.format = DataFormat::Synthetic;
    cfg.data.validationSize = 16;
    cfg.data.syntheticTrain = 32;
    cfg.data.syntheticTest = 16;
    EQ_THROWS(TrainingJob::create(dir + "/run4", cfg), Error, "rgb.onnx takes 3x8x8 images but the data");
    EQ_VERIFY(!fs::exists(dir + "/run4"));
}

EQ_TEST(preprocessingIsPerChannelAndChecked) {
    EQ_COMPARE(perChannel({0.5f}, 3, "--mean"), (std::vector<float>{0.5f, 0.5f, 0.5f}));
    EQ_COMPARE(perChannel({0.1f, 0.2f, 0.3f}, 3, "--mean"), (std::vector<float>{0.1f, 0.2f, 0.3f}));
    EQ_THROWS(perChannel({0.1f, 0.2f}, 3, "--std"), Error, "--std has 2 values for images of 3 channel(s)");
    DataSpec spec;
    spec.format = DataFormat::Synthetic;
    spec.validationSize = 64;
    spec.syntheticTrain = 128;
    spec.syntheticTest = 32;
    spec.mean = {0.5f};
    spec.std = {0.25f};
    const Dataset d = loadDataset(spec);
    EQ_COMPARE(d.mean, std::vector<float>(size_t(d.train.channels), 0.5f));
    EQ_COMPARE(d.std, std::vector<float>(size_t(d.train.channels), 0.25f));
    spec.std = {0.f};
    EQ_THROWS(loadDataset(spec), Error, "--std: every value must be positive");
}
