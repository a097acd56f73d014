// ONNX export (docs/export.md) on synthetic data: every model and form, the stored integer
// weights and quantization parameters against the elastic quantizer's own slots, BN statistics
// against evaluate()'s re-estimation, the supernet left as it was, and errors that write
// nothing. Running the files in ONNX Runtime is tst_onnx_runtime.
#include "eqtest.h"
#include "quick_calibration.h"

#include "engine/adaptive_bn.h"
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/onnx_export.h"
#include "eqnet/onnx_inspect.h"
#include "eqnet/supernet.h"
#include "export/onnx_ir.h"
#include "quant/fake_quant.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

Dataset synthetic(int64_t channels, int64_t size) {
    Dataset d;
    d.name = "synthetic";
    d.train = makeSynthetic(384, channels, size, size, 10, 1);
    d.val = makeSynthetic(64, channels, size, size, 10, 2);
    d.test = makeSynthetic(64, channels, size, size, 10, 3);
    channelStats(d.train, d.mean, d.std);
    return d;
}

const Dataset& gray28() {
    static const Dataset d = synthetic(1, 28);
    return d;
}
const Dataset& rgb32() {
    static const Dataset d = synthetic(3, 32);
    return d;
}

// A calibrated network of `model` for `data`'s geometry (calibration on 128 images).
Supernet calibrated(const std::string& model, const Dataset& data) {
    Supernet net(modelSpecFor(model, data.train), "cpu", 7);
    net.calibrate(data, 128);
    return net;
}

// fmnist-cnn calibrated once for the cases that use it (each export puts it back as it was).
Supernet& fmnist() {
    static Supernet net = calibrated("fmnist-cnn", gray28());
    return net;
}

// The big networks: activations calibrated for real, weights from min/max (the Lp search of
// their weights takes minutes; the export does not care how the slots were found).
Supernet quickCalibrated(const std::string& model, const Dataset& data) {
    Supernet net(modelSpecFor(model, data.train), "cpu", 7);
    eqtest::quickCalibrate(net, data, 16);
    return net;
}

std::string fileBytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A mixed subnet: bits drawn per layer, but at least one layer at 2, 3 and 4 bits each.
SubnetConfig mixed(const Supernet& net, const QuantForm& form, uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto cfg = net.random(rng, form);
    const int n = net.numLayers();
    for (int k = 0; k < 3 && 1 + k < n - 1; ++k) cfg.layers[size_t(1 + k)] = {2 + k, 4 - k};
    return cfg;
}

const onnxir::Node* findNode(const onnxir::Model& m, const std::string& name) {
    for (const auto& n : m.nodes)
        if (n.name == name) return &n;
    return nullptr;
}

std::map<std::string, int> opCounts(const onnxir::Model& m) {
    std::map<std::string, int> c;
    for (const auto& n : m.nodes) ++c[n.op];
    return c;
}

torch::Tensor asTensor(const onnxir::Tensor& t) {
    std::vector<int64_t> dims = t.dims;
    if (t.type == onnxir::ElemType::Float)
        return torch::tensor(t.floats, torch::kFloat).reshape(dims);
    std::vector<float> v(t.ints.begin(), t.ints.end());
    return torch::tensor(v, torch::kFloat).reshape(dims);
}

float scalarOf(const onnxir::Model& m, const std::string& name) {
    const auto* t = m.initializer(name);
    if (!t || t->numel() != 1) throw std::runtime_error("no scalar initializer " + name);
    return t->type == onnxir::ElemType::Float ? t->floats[0] : float(t->ints[0]);
}

// Checks one exported layer against the supernet's own quantizer in the same setting: the
// stored weights dequantize to exactly what the fake quantizer computes, levels lie in the
// narrow range, scales have the right shape and axis, activation parameters match the slot.
// Returns "" or what is wrong.
std::string checkLayer(const onnxir::Model& m, quant::QuantLayerImpl& layer, const std::string& name,
                       const LayerBits& bits, const QuantForm& form) {
    torch::NoGradGuard ng;
    const auto fail = [&](const std::string& what) { return name + ": " + what; };
    // Weights.
    const auto* wq = m.initializer(name + ".weight_quantized");
    const auto* ws = m.initializer(name + ".weight_scale");
    const auto* wz = m.initializer(name + ".weight_zero_point");
    const auto* wdq = findNode(m, name + ".weight_dequantize");
    if (!wq || !ws || !wz || !wdq) return fail("weight initializers or DequantizeLinear missing");
    if (wq->type != onnxir::ElemType::Int8 || wz->type != onnxir::ElemType::Int8)
        return fail("weights or their zero point not int8");
    if (wq->dims != layer.weight.sizes().vec()) return fail("weight shape");
    const auto wr = quant::quantRange(bits.w, false);
    for (auto v : wq->ints)
        if (v < wr.n || v > wr.p)
            return fail("weight level " + std::to_string(v) + " outside [" + std::to_string(wr.n) + ", " +
                        std::to_string(wr.p) + "] of " + std::to_string(bits.w) + " bits");
    const int64_t channels = layer.weight.size(0);
    const auto* axis = wdq->attr("axis");
    if (form.granularity == Granularity::PerChannel) {
        if (ws->dims != std::vector<int64_t>{channels} || wz->dims != std::vector<int64_t>{channels})
            return fail("per-channel scale/zero point not of shape [C]");
        if (!axis || axis->i != 0) return fail("per-channel DequantizeLinear without axis=0");
    } else {
        if (!ws->dims.empty() || !wz->dims.empty()) return fail("per-tensor scale/zero point not scalars");
        if (axis) return fail("per-tensor DequantizeLinear with an axis");
    }
    if (form.weightSymmetric)
        for (auto z : wz->ints)
            if (z != 0) return fail("symmetric weights with a non-zero zero point");
    auto levels = asTensor(*wq);
    auto s = asTensor(*ws), z = asTensor(*wz);
    if (s.dim() == 1) {
        std::vector<int64_t> shape(size_t(levels.dim()), 1);
        shape[0] = channels;
        s = s.reshape(shape);
        z = z.reshape(shape);
    }
    const auto dequantized = (levels - z) * s; // ONNX DequantizeLinear
    const auto reference = layer.weightQuant->forward(layer.weight, bits.w, form.granularity, form.weightSymmetric);
    if (!torch::equal(dequantized, reference))
        return fail("dequantized weights differ from the fake quantizer's by up to " +
                    std::to_string((dequantized - reference).abs().max().item<float>()));

    // Bias: int32 levels at s_x * s_w, dequantized to exactly the bias the project adds.
    if (layer.bias.defined()) {
        const auto* bq = m.initializer(name + ".bias_quantized");
        const auto* bs = m.initializer(name + ".bias_scale");
        if (!bq || bq->type != onnxir::ElemType::Int32 || !bs) return fail("bias is not int32 levels with a scale");
        const auto sx = layer.actQuant->slot(bits.a, form.actSymmetric).first;
        const auto step = quant::biasStep(sx, s);
        auto lv = torch::tensor(std::vector<float>(bq->ints.begin(), bq->ints.end()));
        auto sc = torch::tensor(bs->floats);
        if (!torch::equal(sc.reshape({-1}), step.reshape({-1}))) return fail("bias scale is not s_x * s_w");
        if (!torch::equal(lv * sc, quant::fakeQuantizeBias(layer.bias.detach(), step)))
            return fail("dequantized bias differs from the project's");
    }

    // Input activation.
    const bool isUnsigned = layer.actQuant->isUnsigned();
    const auto ar = quant::quantRange(bits.a, isUnsigned);
    const auto* az = m.initializer(name + ".input_zero_point");
    if (!az || az->type != (isUnsigned ? onnxir::ElemType::UInt8 : onnxir::ElemType::Int8))
        return fail("activation zero point missing or not " + std::string(isUnsigned ? "uint8" : "int8"));
    auto [as, azSlot] = layer.actQuant->slot(bits.a, form.actSymmetric);
    const float sa = scalarOf(m, name + ".input_scale");
    if (sa != as.item<float>()) return fail("activation scale differs from the slot");
    const float za = scalarOf(m, name + ".input_zero_point");
    const float zExpected =
        azSlot.defined() ? std::min(std::max(std::nearbyint(azSlot.item<float>()), float(ar.n)), float(ar.p)) : 0.f;
    if (za != zExpected) return fail("activation zero point differs from the slot");
    const auto* clip = findNode(m, name + ".input_clip");
    if ((clip != nullptr) != (bits.a < 8)) return fail("Clip present iff a_bits < 8 violated");
    if (clip) {
        if (scalarOf(m, name + ".input_min") != (float(ar.n) - za) * sa ||
            scalarOf(m, name + ".input_max") != (float(ar.p) - za) * sa)
            return fail("Clip bounds are not the lowest and highest level");
        // Clip -> Q -> DQ equals the fake quantizer on values across and beyond the range.
        auto x = torch::linspace((float(ar.n) - za - 3) * sa, (float(ar.p) - za + 3) * sa, 4001);
        auto c = x.clamp((float(ar.n) - za) * sa, (float(ar.p) - za) * sa);
        auto q = (torch::round(c / sa) + za).clamp(isUnsigned ? 0 : -128, isUnsigned ? 255 : 127);
        auto qdq = (q - za) * sa;
        auto ref = layer.actQuant->forward(x, bits.a, form.actSymmetric);
        if (!torch::equal(qdq, ref)) return fail("Clip/QuantizeLinear/DequantizeLinear differ from the fake quantizer");
    }
    return {};
}

// Exports `cfg`, re-reads the file and checks it layer by layer; "" or what is wrong.
std::string exportAndCheck(Supernet& net, const Dataset& data, const SubnetConfig& cfg, const std::string& path,
                           const OnnxExportOptions& opt = {}) {
    const auto sum = exportOnnx(net, data, cfg, path, opt);
    const auto m = onnxir::readFile(path); // parses and runs the checker again
    const auto& spec = net.spec();
    if (sum.path != path || sum.fileBytes != int64_t(fs::file_size(path))) return "summary path/size";
    if (m.opset != opt.opset) return "opset " + std::to_string(m.opset);
    if (m.inputs.size() != 1 || m.inputs[0].name != "image" ||
        m.inputs[0].dims != std::vector<int64_t>{-1, spec.inChannels, spec.imageSize, spec.imageSize} ||
        m.inputs[0].dimParams[0] != "N")
        return "input is not image[N, C, H, W]";
    if (m.outputs.size() != 1 || m.outputs[0].name != "logits" ||
        m.outputs[0].dims != std::vector<int64_t>{-1, spec.numClasses})
        return "output is not logits[N, classes]";
    if (m.nodes.front().op != "Sub" || m.nodes[1].op != "Div") return "normalisation is not the first nodes";
    const auto* mean = m.initializer("normalize.mean");
    if (!mean || mean->floats != data.mean) return "normalisation mean";
    if (m.metadataValue("eqnet.model") != spec.name || m.metadataValue("eqnet.form") != formName(cfg.form))
        return "metadata";
    auto ops = opCounts(m);
    const int layers = net.numLayers();
    int below8 = 0;
    for (const auto& b : cfg.layers) below8 += b.a < 8;
    if (ops["QuantizeLinear"] != layers || sum.quantizeNodes != layers) return "QuantizeLinear count";
    int biased = 0; // a layer with a bias adds its int32 bias's DequantizeLinear
    for (const auto& [name, layer] : net.impl().qlayers) biased += layer->bias.defined();
    if (ops["DequantizeLinear"] != 2 * layers + biased || sum.dequantizeNodes != 2 * layers + biased)
        return "DequantizeLinear count";
    if (ops["Conv"] + ops["Gemm"] != layers) return "Conv/Gemm count";
    if (ops["BatchNormalization"] != int(net.impl().model->batchNorms().size())) return "BN count";
    if (sum.nodes != int64_t(m.nodes.size())) return "node count";
    if (sum.clipNodes != ops["Clip"]) return "Clip count";
    if (ops["Clip"] < below8) return "Clip count below 8 bits";
    for (size_t i = 0; i < net.impl().qlayers.size(); ++i) {
        auto& [name, layer] = net.impl().qlayers[i];
        const auto err = checkLayer(m, *layer, name, cfg.layers[i], cfg.form);
        if (!err.empty()) return err;
    }
    return {};
}

} // namespace

EQ_TEST(fmnist_cnn_every_form_stores_what_the_quantizer_computes) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    auto& net = fmnist();
    uint64_t seed = 1;
    for (const auto& form : allForms()) {
        const auto cfg = mixed(net, form, seed++);
        const auto err = exportAndCheck(net, gray28(), cfg, dir + "/" + formName(form) + ".onnx");
        EQ_VERIFY2(err.empty(), formName(form) + ": " + err);
    }
    // Uniform 8-bit: no Clip at all; uniform 2-bit: a Clip on every searchable layer.
    const QuantForm f{Granularity::PerChannel, false, false};
    EQ_VERIFY(exportAndCheck(net, gray28(), net.largest(f), dir + "/w8.onnx").empty());
    EQ_COMPARE(opCounts(onnxir::readFile(dir + "/w8.onnx"))["Clip"], 0);
    EQ_VERIFY(exportAndCheck(net, gray28(), net.smallest(f), dir + "/w2.onnx").empty());
    EQ_COMPARE(opCounts(onnxir::readFile(dir + "/w2.onnx"))["Clip"], net.numLayers() - 2);
}

// Reading an exported file back (the studio's Model tab): every QuantizeLinear/DequantizeLinear
// node, the layer it feeds, its parameters as stored, and the bit-width its levels say, which
// is the exported subnet's: an activation's Clip range holds exactly 2^a levels, a weight's
// stored levels lie within its signed w-bit range.
EQ_TEST(inspecting_an_export_gives_back_each_layers_bits) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    auto& net = fmnist();
    const QuantForm form{Granularity::PerChannel, true, false};
    const auto cfg = mixed(net, form, 11);
    const std::string path = dir + "/inspect.onnx";
    const auto sum = exportOnnx(net, gray28(), cfg, path);
    const OnnxQdqReport r = inspectOnnxQdq(path);
    EQ_COMPARE(r.path, path);
    EQ_COMPARE(r.nodes, sum.nodes);
    EQ_COMPARE(r.opset, int64_t(sum.opset));
    int64_t q = 0, dq = 0;
    for (const auto& n : r.qdq) (n.op == "QuantizeLinear" ? q : dq) += 1;
    EQ_COMPARE(q, sum.quantizeNodes);
    EQ_COMPARE(dq, sum.dequantizeNodes);
    const auto model = onnxir::readFile(path);
    for (size_t i = 0; i < net.impl().qlayers.size(); ++i) {
        const std::string& name = net.impl().qlayers[i].first;
        const LayerBits bits = cfg.layers[i];
        const QdqNodeInfo *act = nullptr, *weight = nullptr;
        for (const auto& n : r.qdq) {
            if (n.layer != name) continue;
            if (n.op == "QuantizeLinear") act = &n;
            if (n.op == "DequantizeLinear" && n.constantInput && n.storageType == "int8") weight = &n;
        }
        EQ_VERIFY2(act && weight, name);
        EQ_COMPARE(act->layerOp, std::string(net.layers()[i].kind == LayerKind::Conv2d ? "Conv" : "Gemm"));
        EQ_COMPARE(act->clipped, bits.a < 8);
        EQ_COMPARE(act->levels(), int64_t(1) << bits.a);
        EQ_COMPARE(act->bits(), bits.a);
        EQ_COMPARE(act->scales.size(), size_t(1));
        EQ_COMPARE(act->scales[0], double(scalarOf(model, name + ".input_scale")));
        EQ_VERIFY(weight->perChannel);
        EQ_COMPARE(weight->axis, int64_t(0));
        EQ_COMPARE(int64_t(weight->scales.size()), net.layers()[i].outChannels);
        EQ_COMPARE(weight->zeroPoints.size(), weight->scales.size());
        EQ_VERIFY2(weight->levelMin >= -(int64_t(1) << (bits.w - 1)) && weight->levelMax <= (int64_t(1) << (bits.w - 1)) - 1,
                   name + ": levels " + std::to_string(weight->levelMin) + ".." + std::to_string(weight->levelMax));
        EQ_VERIFY(weight->bits() <= bits.w);
        EQ_VERIFY(weight->bits() >= bits.w - 1); // calibrated clipping uses (nearly) the whole range
    }
    // Not an ONNX file: an error naming it.
    const std::string bad = dir + "/bad.onnx";
    { std::ofstream(bad) << "not a model"; }
    EQ_THROWS(inspectOnnxQdq(bad), Error, bad);
}

EQ_TEST(resnet20_and_mobilenetv2_export) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    for (const std::string model : {"resnet20", "mobilenetv2"}) {
        auto net = quickCalibrated(model, rgb32());
        const QuantForm forms[2] = {{Granularity::PerChannel, true, false}, {Granularity::PerTensor, false, true}};
        for (const auto& form : forms) {
            const auto cfg = mixed(net, form, 11);
            const auto err = exportAndCheck(net, rgb32(), cfg, dir + "/" + model + ".onnx");
            EQ_VERIFY2(err.empty(), model + " " + formName(form) + ": " + err);
        }
        const auto ops = opCounts(onnxir::readFile(dir + "/" + model + ".onnx"));
        EQ_VERIFY(ops.at("Add") > 0); // residuals
        if (model == "mobilenetv2") EQ_VERIFY(ops.at("Clip") >= 35); // ReLU6 after 35 convolutions
        EQ_COMPARE(ops.at("GlobalAveragePool"), 1);
        EQ_COMPARE(ops.at("Flatten"), 1);
    }
}

EQ_TEST(resnet18_exports_with_max_pool) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    // The ImageNet network at 32x32 (its layers do not depend on the image size).
    auto net = quickCalibrated("resnet18", rgb32());
    const auto cfg = mixed(net, QuantForm{Granularity::PerChannel, false, false}, 5);
    const auto err = exportAndCheck(net, rgb32(), cfg, dir + "/resnet18.onnx");
    EQ_VERIFY2(err.empty(), err);
    const auto ops = opCounts(onnxir::readFile(dir + "/resnet18.onnx"));
    EQ_COMPARE(ops.at("MaxPool"), 1);
    EQ_COMPARE(ops.at("Add"), 8);
}

EQ_TEST(bn_is_reestimated_like_evaluate_and_the_supernet_is_left_as_it_was) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    auto& net = fmnist();
    auto& d = net.impl();
    // A state to come back to: another subnet, training mode.
    const auto before = net.uniform(6, 5, QuantForm{Granularity::PerTensor, true, true});
    net.setSubnet(before);
    d.model->train();
    const auto bnBefore = saveBatchNorm(*d.model);
    const auto paramsBefore = d.model->parameters();
    std::vector<torch::Tensor> paramCopies;
    for (const auto& p : paramsBefore) paramCopies.push_back(p.detach().clone());

    OnnxExportOptions opt;
    opt.bn.bnImages = 200;
    opt.bn.bnBatchSize = 64;
    opt.bn.bnSeed = 9;
    const auto cfg = mixed(net, QuantForm{Granularity::PerChannel, false, true}, 3);
    exportOnnx(net, gray28(), cfg, dir + "/m.onnx", opt);

    // Left as it was.
    EQ_VERIFY(d.current == before);
    EQ_VERIFY(!net.isFullPrecision());
    EQ_VERIFY(d.model->is_training());
    for (size_t i = 0; i < d.qlayers.size(); ++i) {
        const auto& s = d.qlayers[i].second->setting;
        EQ_VERIFY(s.quantize && s.wBits == before.layers[i].w && s.aBits == before.layers[i].a &&
                  s.form == before.form);
    }
    const auto bnAfter = saveBatchNorm(*d.model);
    for (size_t i = 0; i < bnBefore.buffers.size(); ++i)
        for (size_t k = 0; k < 3; ++k) EQ_VERIFY(torch::equal(bnBefore.buffers[i][k], bnAfter.buffers[i][k]));
    for (size_t i = 0; i < paramsBefore.size(); ++i) EQ_VERIFY(torch::equal(paramsBefore[i], paramCopies[i]));

    // The statistics in the file are those evaluate() re-estimates with the same options.
    net.setSubnet(cfg);
    const Normalization norm{gray28().mean, gray28().std};
    reestimateBatchNorm(*d.model, gray28().train, norm, opt.bn.bnImages, opt.bn.bnBatchSize, opt.bn.bnSeed,
                        d.device);
    const auto m = onnxir::readFile(dir + "/m.onnx");
    int checked = 0;
    for (const auto& item : d.model->named_modules("", false)) {
        auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(item.value());
        if (!bn) continue;
        const auto* mean = m.initializer(item.key() + ".running_mean");
        const auto* var = m.initializer(item.key() + ".running_var");
        EQ_VERIFY2(mean && var, item.key());
        EQ_VERIFY2(torch::equal(asTensor(*mean), bn->running_mean), item.key());
        EQ_VERIFY2(torch::equal(asTensor(*var), bn->running_var), item.key());
        const auto* node = findNode(m, item.key());
        EQ_VERIFY(node && node->op == "BatchNormalization");
        EQ_COMPARE(node->attr("epsilon")->f, float(bn->options.eps()));
        ++checked;
    }
    EQ_COMPARE(checked, 5);
    restoreBatchNorm(*d.model, bnBefore);
}

EQ_TEST(opsets_13_to_the_newest_known) {
    if (!onnxExportAvailable()) EQ_SKIP("this build has no ONNX export");
    const auto dir = eqtest::scratchDir();
    auto& net = fmnist();
    const auto cfg = mixed(net, QuantForm{Granularity::PerTensor, false, false}, 4);
    const int newest = int(onnxir::maxOpset());
    EQ_VERIFY(newest >= 13);
    for (int opset : {13, newest}) {
        OnnxExportOptions opt;
        opt.opset = opset;
        EQ_VERIFY(exportAndCheck(net, gray28(), cfg, dir + "/o.onnx", opt).empty());
        const auto m = onnxir::readFile(dir + "/o.onnx");
        EQ_COMPARE(m.opset, int64_t(opset));
        EQ_COMPARE(m.irVersion, int64_t(opset <= 14 ? 7 : 8));
    }
    OnnxExportOptions bad;
    bad.opset = 12;
    EQ_THROWS(exportOnnx(net, gray28(), cfg, dir + "/o12.onnx", bad), Error, "opset 12 is not supported");
    bad.opset = newest + 1;
    EQ_THROWS(exportOnnx(net, gray28(), cfg, dir + "/o12.onnx", bad), Error, "is not supported");
    EQ_VERIFY(!fs::exists(dir + "/o12.onnx"));
}

EQ_TEST(errors_write_nothing_and_keep_the_existing_file) {
    const auto dir = eqtest::scratchDir();
    auto& net = fmnist();
    const auto target = dir + "/model.onnx";
    const std::string old = "previous model bytes";
    {
        std::ofstream(target, std::ios::binary) << old;
    }
    const auto good = mixed(net, QuantForm{}, 2);
    if (!onnxExportAvailable()) {
        EQ_THROWS(exportOnnx(net, gray28(), good, target), Error, "without libonnx");
        EQ_COMPARE(fileBytes(target), old);
        return;
    }
    auto bad = good;
    bad.layers[2].w = 9;
    EQ_THROWS(exportOnnx(net, gray28(), bad, target), Error, target + ": cannot export ONNX: layers[2]");
    bad = good;
    bad.layers[0].a = 4;
    EQ_THROWS(exportOnnx(net, gray28(), bad, target), Error, "fixed at 8 bits");
    bad = good;
    bad.layers.pop_back();
    EQ_THROWS(exportOnnx(net, gray28(), bad, target), Error, "has 6 quantized layers");
    EQ_COMPARE(fileBytes(target), old);

    // Not calibrated.
    Supernet fresh(modelSpecFor("fmnist-cnn", gray28().train));
    EQ_THROWS(exportOnnx(fresh, gray28(), good, target), Error, "not calibrated");
    // Data of another geometry.
    EQ_THROWS(exportOnnx(net, rgb32(), good, target), Error, "does not fit model fmnist-cnn");
    EQ_COMPARE(fileBytes(target), old);

    // Unwritable places: below a regular file, and a folder in the way of the file.
    const auto blocker = dir + "/plain-file";
    {
        std::ofstream(blocker) << "x";
    }
    EQ_THROWS(exportOnnx(net, gray28(), good, blocker + "/model.onnx"), Error, blocker + "/model.onnx");
    fs::create_directories(dir + "/folder.onnx/inside");
    EQ_THROWS(exportOnnx(net, gray28(), good, dir + "/folder.onnx"), Error, dir + "/folder.onnx");
    EQ_VERIFY(fs::is_directory(dir + "/folder.onnx/inside"));
    EQ_COMPARE(fileBytes(blocker), std::string("x"));

    // No temporary file is left behind anywhere.
    for (const auto& e : fs::recursive_directory_iterator(dir))
        EQ_VERIFY2(e.path().extension() != ".part", e.path().string());

    // A good export replaces the file.
    const auto sum = exportOnnx(net, gray28(), good, target);
    EQ_VERIFY(fileBytes(target) != old);
    EQ_COMPARE(int64_t(fs::file_size(target)), sum.fileBytes);
    EQ_VERIFY(onnxir::readFile(target).nodes.size() == size_t(sum.nodes));
    // Something that is not a model is reported as such.
    EQ_THROWS(onnxir::readFile(blocker), Error, blocker + ": not an ONNX model");
}
