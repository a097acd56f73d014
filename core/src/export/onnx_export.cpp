// ONNX export, LibTorch side: puts the supernet into the subnet, re-estimates BN as
// Supernet::evaluate() does, lets the model emit its network graph (models::QuantModelImpl::emit)
// into an onnxir::Model, and hands that to export/onnx_proto.cpp to check and serialise.
#include "eqnet/onnx_export.h"

#include "engine/adaptive_bn.h"
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/subnet_json.h"
#include "export/graph_builder.h"
#include "export/onnx_ir.h"
#include "graph/onnx_import.h"
#include "quant/fake_quant.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace eqnet {

namespace {

using onnxir::Attribute;
using onnxir::ElemType;

std::string joinFloats(const std::vector<float>& v) {
    std::ostringstream os;
    os.precision(9);
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
    return os.str();
}

// Float values of a tensor (any device, any float dtype), flattened.
std::vector<float> floats(const torch::Tensor& t) {
    auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Builds the onnxir graph from the ops the model emits.
class OnnxGraph : public exporter::GraphBuilder {
public:
    OnnxGraph(onnxir::Model& m, std::map<const torch::nn::Module*, std::string> names)
        : m_(m), names_(std::move(names)) {}

    exporter::Value quantLayer(const exporter::Value& x, quant::QuantLayerImpl& layer) override {
        const std::string name = nameOf(static_cast<const torch::nn::Module*>(&layer));
        const auto& st = layer.setting;
        const auto& o = layer.options();
        if (!st.quantize) {
            if (!fullPrecision_) throw Error("layer " + name + " is not quantized (full-precision setting)");
            // The FP layer as a framework exports it: float weight and bias initializers.
            std::vector<std::string> inputs{x, floatTensor(name + ".weight", layer.weight.sizes().vec(),
                                                           floats(layer.weight))};
            if (layer.bias.defined()) inputs.push_back(floatTensor(name + ".bias", {o.out}, floats(layer.bias)));
            return layerOp(name, o, inputs);
        }

        // Input activation: [Clip] -> QuantizeLinear -> DequantizeLinear.
        const bool isUnsigned = layer.actQuant->isUnsigned();
        const quant::QuantRange ar = quant::quantRange(st.aBits, isUnsigned);
        auto [as, az] = layer.actQuant->slot(st.aBits, st.form.actSymmetric);
        const float s = floats(as).at(0);
        if (!(s > 0.f) || !std::isfinite(s))
            throw Error("layer " + name + ": activation step for a_bits=" + std::to_string(st.aBits) +
                        " is " + std::to_string(s) + "; a quantization step must be positive");
        // As the fake quantizer: the zero point rounded half to even and clamped into [n, p].
        const float z = az.defined() ? clampLevel(std::nearbyint(floats(az).at(0)), ar) : 0.f;
        exporter::Value in = x;
        if (st.aBits < 8) {
            // QuantizeLinear saturates to the 8-bit storage type; the narrower range of 2..7
            // bits is the Clip to the dequantized values of its lowest and highest level.
            const float lo = (float(ar.n) - z) * s, hi = (float(ar.p) - z) * s;
            in = node("Clip", name + ".input_clip",
                      {x, scalar(name + ".input_min", lo), scalar(name + ".input_max", hi)});
            ++clips;
        }
        const ElemType azType = isUnsigned ? ElemType::UInt8 : ElemType::Int8;
        const std::string aScale = scalar(name + ".input_scale", s);
        const std::string aZero = intScalar(name + ".input_zero_point", azType, int64_t(z));
        auto q = node("QuantizeLinear", name + ".input_quantize", {in, aScale, aZero});
        ++quantizes;
        auto xdq = node("DequantizeLinear", name + ".input_dequantize", {q, aScale, aZero});
        ++dequantizes;

        // Weights: int8 levels -> DequantizeLinear (axis 0 per channel).
        const quant::QuantRange wr = quant::quantRange(st.wBits, /*isUnsigned=*/false);
        auto [ws, wz] = layer.weightQuant->slot(st.wBits, st.form.granularity, st.form.weightSymmetric);
        const auto wsv = floats(ws);
        for (size_t c = 0; c < wsv.size(); ++c)
            if (!(wsv[c] > 0.f) || !std::isfinite(wsv[c]))
                throw Error("layer " + name + ": weight step for w_bits=" + std::to_string(st.wBits) +
                            (wsv.size() > 1 ? " of channel " + std::to_string(c) : std::string()) +
                            " is " + std::to_string(wsv[c]) + "; a quantization step must be positive");
        std::vector<int64_t> wzv(wsv.size(), 0);
        if (wz.defined()) {
            const auto raw = floats(wz);
            for (size_t c = 0; c < raw.size(); ++c) wzv[c] = int64_t(clampLevel(std::nearbyint(raw[c]), wr));
        }
        const auto w = layer.weight.detach().to(torch::kCPU, torch::kFloat);
        const auto levels = quant::quantizeToLevels(w, ws.detach().to(torch::kCPU, torch::kFloat),
                                                    wz.defined() ? wz.detach().to(torch::kCPU, torch::kFloat)
                                                                 : torch::Tensor(),
                                                    wr)
                                .contiguous();
        onnxir::Tensor wq;
        wq.name = name + ".weight_quantized";
        wq.type = ElemType::Int8;
        wq.dims = w.sizes().vec();
        wq.ints.resize(size_t(levels.numel()));
        const float* lp = levels.data_ptr<float>();
        for (int64_t i = 0; i < levels.numel(); ++i) wq.ints[size_t(i)] = int64_t(lp[i]);
        weightBytes += levels.numel();
        m_.initializers.push_back(std::move(wq));
        const bool perChannel = st.form.granularity == Granularity::PerChannel;
        std::string wScale, wZero;
        if (perChannel) {
            wScale = floatTensor(name + ".weight_scale", {int64_t(wsv.size())}, wsv);
            wZero = intTensor(name + ".weight_zero_point", ElemType::Int8, {int64_t(wzv.size())}, wzv);
        } else {
            wScale = scalar(name + ".weight_scale", wsv.at(0));
            wZero = intScalar(name + ".weight_zero_point", ElemType::Int8, wzv.at(0));
        }
        std::vector<Attribute> dqAttrs;
        if (perChannel) dqAttrs.push_back(Attribute::integer("axis", 0));
        auto wdq = node("DequantizeLinear", name + ".weight_dequantize",
                        {name + ".weight_quantized", wScale, wZero}, dqAttrs);
        ++dequantizes;

        std::vector<std::string> inputs{xdq, wdq};
        if (layer.bias.defined()) {
            // int32 levels at the accumulator's step s_x * s_w -> DequantizeLinear, exactly the
            // bias the project adds (quant::fakeQuantizeBias) and integer hardware can add.
            const auto step = quant::biasStep(as, ws).to(torch::kCPU, torch::kFloat);
            const auto bl = quant::biasLevels(layer.bias.detach().to(torch::kCPU, torch::kFloat), step).contiguous();
            std::vector<int64_t> levels(size_t(bl.numel()));
            for (int64_t i = 0; i < bl.numel(); ++i) levels[size_t(i)] = int64_t(bl.data_ptr<float>()[i]);
            const std::string bq = intTensor(name + ".bias_quantized", ElemType::Int32, {o.out}, std::move(levels));
            const auto sv = floats(step);
            const std::string bScale = sv.size() > 1 ? floatTensor(name + ".bias_scale", {int64_t(sv.size())}, sv)
                                                     : scalar(name + ".bias_scale", sv.at(0));
            std::vector<Attribute> bAttrs;
            if (sv.size() > 1) bAttrs.push_back(Attribute::integer("axis", 0));
            inputs.push_back(node("DequantizeLinear", name + ".bias_dequantize", {bq, bScale}, bAttrs));
            ++dequantizes;
        }
        return layerOp(name, o, inputs);
    }

    // Conv or Gemm of the layer on [input, weight(, bias)].
    exporter::Value layerOp(const std::string& name, const quant::QuantLayerOptions& o,
                            const std::vector<std::string>& inputs) {
        if (o.kind == LayerKind::Conv2d) {
            return node("Conv", name, inputs,
                        {Attribute::integers("kernel_shape", {o.kernel, o.kernel}),
                         Attribute::integers("strides", {o.stride, o.stride}),
                         Attribute::integers("pads", {o.padding, o.padding, o.padding, o.padding}),
                         Attribute::integers("dilations", {1, 1}), Attribute::integer("group", o.groups)});
        }
        // Linear: y = x W^T + b.
        return node("Gemm", name, inputs,
                    {Attribute::integer("transB", 1), Attribute::real("alpha", 1.f), Attribute::real("beta", 1.f)});
    }

    // Full-precision export: layers without quantization become plain Conv/Gemm.
    void allowFullPrecision() { fullPrecision_ = true; }

    exporter::Value batchNorm(const exporter::Value& x, torch::nn::BatchNorm2dImpl& bn) override {
        // BatchNorm2dImpl derives virtually from Module: compare Module addresses.
        const std::string name = nameOf(static_cast<const torch::nn::Module*>(&bn));
        const int64_t c = bn.options.num_features();
        std::vector<float> gamma(size_t(c), 1.f), beta(size_t(c), 0.f);
        if (bn.weight.defined()) gamma = floats(bn.weight);
        if (bn.bias.defined()) beta = floats(bn.bias);
        if (!bn.running_mean.defined())
            throw Error("batch norm " + name + " has no running statistics to export");
        return node("BatchNormalization", name,
                    {x, floatTensor(name + ".weight", {c}, gamma), floatTensor(name + ".bias", {c}, beta),
                     floatTensor(name + ".running_mean", {c}, floats(bn.running_mean)),
                     floatTensor(name + ".running_var", {c}, floats(bn.running_var))},
                    {Attribute::real("epsilon", float(bn.options.eps()))});
    }

    exporter::Value relu(const exporter::Value& x) override { return node("Relu", fresh("relu"), {x}); }

    exporter::Value relu6(const exporter::Value& x) override {
        if (!relu6Bounds_) {
            scalar("relu6_min", 0.f);
            scalar("relu6_max", 6.f);
            relu6Bounds_ = true;
        }
        ++clips;
        return node("Clip", fresh("relu6"), {x, "relu6_min", "relu6_max"});
    }

    exporter::Value clip(const exporter::Value& x, float lo, float hi) override {
        const std::string name = fresh("clip");
        ++clips;
        return node("Clip", name, {x, scalar(name + ".min", lo), scalar(name + ".max", hi)});
    }

    exporter::Value add(const exporter::Value& a, const exporter::Value& b) override {
        return node("Add", fresh("add"), {a, b});
    }

    exporter::Value concat(const std::vector<exporter::Value>& xs, int64_t axis) override {
        return node("Concat", fresh("concat"), xs, {Attribute::integer("axis", axis)});
    }

    exporter::Value maxPool(const exporter::Value& x, int64_t k, int64_t stride, int64_t pad) override {
        return node("MaxPool", fresh("maxpool"), {x},
                    {Attribute::integers("kernel_shape", {k, k}), Attribute::integers("strides", {stride, stride}),
                     Attribute::integers("pads", {pad, pad, pad, pad})});
    }

    exporter::Value avgPool(const exporter::Value& x, int64_t k, int64_t stride, int64_t pad) override {
        return node("AveragePool", fresh("avgpool"), {x},
                    {Attribute::integers("kernel_shape", {k, k}), Attribute::integers("strides", {stride, stride}),
                     Attribute::integers("pads", {pad, pad, pad, pad}), Attribute::integer("count_include_pad", 0)});
    }

    exporter::Value globalAveragePool(const exporter::Value& x, bool keepDims) override {
        auto p = node("GlobalAveragePool", fresh("global_avg_pool"), {x});
        return keepDims ? p : flatten(p);
    }

    exporter::Value flatten(const exporter::Value& x) override {
        return node("Flatten", fresh("flatten"), {x}, {Attribute::integer("axis", 1)});
    }

    // (x - mean) / std per channel, as engine/batches.cpp normalises.
    exporter::Value normalize(const exporter::Value& x, const std::vector<float>& mean,
                              const std::vector<float>& std) {
        const int64_t c = int64_t(mean.size());
        auto centred = node("Sub", "normalize_mean", {x, floatTensor("normalize.mean", {1, c, 1, 1}, mean)});
        return node("Div", "normalize_std", {centred, floatTensor("normalize.std", {1, c, 1, 1}, std)});
    }

    // The node that produced `v` now writes `name` instead (the graph output).
    void renameOutput(const std::string& v, const std::string& name) {
        for (auto& n : m_.nodes)
            for (auto& o : n.outputs)
                if (o == v) o = name;
    }

    int64_t quantizes = 0, dequantizes = 0, clips = 0, weightBytes = 0;

private:
    static float clampLevel(float v, const quant::QuantRange& r) {
        return std::min(std::max(v, float(r.n)), float(r.p));
    }

    std::string nameOf(const torch::nn::Module* module) const {
        auto it = names_.find(module);
        if (it == names_.end()) throw Error("internal: a module of the network has no name");
        return it->second;
    }

    std::string fresh(const std::string& base) { return base + "_" + std::to_string(++counter_[base]); }

    std::string node(const std::string& op, const std::string& name, std::vector<std::string> inputs,
                     std::vector<Attribute> attrs = {}) {
        onnxir::Node n;
        n.op = op;
        n.name = name;
        n.inputs = std::move(inputs);
        n.outputs = {name + ".out"};
        n.attrs = std::move(attrs);
        m_.nodes.push_back(std::move(n));
        return m_.nodes.back().outputs[0];
    }

    std::string floatTensor(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
        onnxir::Tensor t;
        t.name = name;
        t.type = ElemType::Float;
        t.dims = std::move(dims);
        t.floats = std::move(v);
        m_.initializers.push_back(std::move(t));
        return name;
    }
    std::string scalar(const std::string& name, float v) { return floatTensor(name, {}, {v}); }
    std::string intTensor(const std::string& name, ElemType type, std::vector<int64_t> dims,
                          std::vector<int64_t> v) {
        onnxir::Tensor t;
        t.name = name;
        t.type = type;
        t.dims = std::move(dims);
        t.ints = std::move(v);
        m_.initializers.push_back(std::move(t));
        return name;
    }
    std::string intScalar(const std::string& name, ElemType type, int64_t v) {
        return intTensor(name, type, {}, {v});
    }

    onnxir::Model& m_;
    std::map<const torch::nn::Module*, std::string> names_;
    bool relu6Bounds_ = false;
    bool fullPrecision_ = false;
    std::map<std::string, int> counter_;
};

// Puts the supernet back as it was found: BN statistics, every layer's setting, the current
// subnet, FP/quantized, train/eval mode. Runs on success and on every error.
class StateGuard {
public:
    explicit StateGuard(Supernet& net) : net_(net), impl_(net.impl()) {
        bn_ = saveBatchNorm(*impl_.model);
        for (auto& [n, l] : impl_.qlayers) settings_.push_back(l->setting);
        current_ = impl_.current;
        fullPrecision_ = impl_.fullPrecision;
        training_ = impl_.model->is_training();
    }
    ~StateGuard() {
        restoreBatchNorm(*impl_.model, bn_);
        for (size_t i = 0; i < settings_.size(); ++i) impl_.qlayers[i].second->setting = settings_[i];
        impl_.current = current_;
        impl_.fullPrecision = fullPrecision_;
        impl_.model->train(training_);
    }

private:
    Supernet& net_;
    Supernet::Impl& impl_;
    BatchNormSnapshot bn_;
    std::vector<quant::LayerSetting> settings_;
    SubnetConfig current_;
    bool fullPrecision_ = true;
    bool training_ = false;
};

// `cfg` null: the FP network (fullPrecision export).
onnxir::Model buildOnnxModel(Supernet& net, const Dataset& data, const SubnetConfig* cfg,
                             const OnnxExportOptions& opt, OnnxExportSummary& sum) {
    if (opt.bn.bnRepeats != 1)
        throw Error("ONNX export: a model holds one BN estimate, not the mean of " + std::to_string(opt.bn.bnRepeats) +
                    " (export with deployedEval() of the measurement protocol)");
    auto& d = net.impl();
    StateGuard guard(net);
    if (cfg)
        net.setSubnet(*cfg);
    else
        net.setFullPrecision();
    const Normalization norm{data.mean, data.std};
    reestimateBatchNorm(*d.model, data.train, norm, opt.bn.bnImages, opt.bn.bnBatchSize, opt.bn.bnSeed,
                        d.device);
    d.model->eval();
    torch::NoGradGuard ng;

    onnxir::Model m;
    m.opset = opt.opset;
    m.irVersion = opt.opset <= 14 ? 7 : 8; // the IR version that introduced the opset
    m.producerName = opt.producerName;
#ifdef EQNET_VERSION
    m.producerVersion = opt.producerVersion.empty() ? std::string(EQNET_VERSION) : opt.producerVersion;
#else
    m.producerVersion = opt.producerVersion;
#endif
    const auto& spec = d.spec;
    const std::string what = cfg ? formName(cfg->form) : std::string("fp");
    m.graphName = opt.graphName.empty() ? spec.name + "-" + what : opt.graphName;
    // A built-in network's subnet takes pixels in [0, 1] and normalises inside the graph; an
    // imported one, and any FP export, take exactly what a framework's model takes: the
    // input normalised outside the graph ((pixel - mean) / std), and (imported) the original
    // input and output names.
    const bool imported = spec.imported != nullptr;
    const bool outside = imported || !cfg;
    const std::string inName = imported ? spec.imported->inputName : "image";
    const std::string outName = imported ? spec.imported->outputName : "logits";
    const std::string shape = "[N, " + std::to_string(spec.inChannels) + ", " + std::to_string(spec.imageSize) +
                              ", " + std::to_string(spec.imageSize) + "]";
    m.docString = (cfg ? "EQ-Net subnet of " + spec.name + " (" + formDescription(cfg->form) + ")"
                       : "The full-precision network " + spec.name) +
                  ". Input '" + inName + "': float32 " + shape +
                  (outside ? ", (pixel / 255 - mean) / std per channel, normalised outside the graph."
                           : ", pixel values in [0, 1]; the normalisation is inside the graph.") +
                  " Output '" + outName + "': float32 [N, " + std::to_string(spec.numClasses) + "].";
    m.metadata = {{"eqnet.model", spec.name},
                  {"eqnet.form", what},
                  {"eqnet.input", outside ? "float32 NCHW, (byte/255 - mean) / std per channel (normalised outside the graph)"
                                          : "float32 NCHW pixel values in [0,1] (byte/255); normalised in the graph"},
                  {"eqnet.normalization.mean", joinFloats(data.mean)},
                  {"eqnet.normalization.std", joinFloats(data.std)},
                  {"eqnet.bn_reestimation", "images=" + std::to_string(opt.bn.bnImages) +
                                                ",batch=" + std::to_string(opt.bn.bnBatchSize) +
                                                ",seed=" + std::to_string(opt.bn.bnSeed)}};
    if (cfg) m.metadata.push_back({"eqnet.subnet", subnetToJson(*cfg, spec.name, d.layers)});

    onnxir::ValueInfo in;
    in.name = inName;
    in.dims = {-1, spec.inChannels, spec.imageSize, spec.imageSize};
    in.dimParams = {"N", "", "", ""};
    m.inputs.push_back(in);
    onnxir::ValueInfo out;
    out.name = outName;
    out.dims = {-1, int64_t(spec.numClasses)};
    out.dimParams = {"N", ""};
    m.outputs.push_back(out);

    std::map<const torch::nn::Module*, std::string> names;
    for (const auto& item : d.model->named_modules("", /*include_self=*/false))
        names[item.value().get()] = item.key();
    OnnxGraph g(m, std::move(names));
    if (!cfg) g.allowFullPrecision();
    exporter::Value x = inName;
    if (!outside && !data.mean.empty()) {
        if (int64_t(data.mean.size()) != spec.inChannels || data.std.size() != data.mean.size())
            throw Error("the data set's normalisation has " + std::to_string(data.mean.size()) +
                        " channels but model " + spec.name + " takes " + std::to_string(spec.inChannels));
        x = g.normalize(x, data.mean, data.std);
    }
    const auto logits = d.model->emit(g, x);
    g.renameOutput(logits, outName);

    sum.quantizeNodes = g.quantizes;
    sum.dequantizeNodes = g.dequantizes;
    sum.clipNodes = g.clips;
    sum.weightBytes = g.weightBytes;
    return m; // the guard puts BN, settings and mode back
}

} // namespace

bool onnxExportAvailable() { return onnxir::available(); }

namespace {

// The checks both exports share, then build, check, serialise and write atomically.
OnnxExportSummary writeOnnx(Supernet& net, const Dataset& data, const SubnetConfig* cfg, const std::string& path,
                            const OnnxExportOptions& opt) {
    const auto fail = [&](const std::string& why) { return Error(path + ": cannot export ONNX: " + why); };
    if (!onnxir::available())
        throw fail("this build was made without libonnx (install libonnx-dev and reconfigure)");
    if (opt.opset < kOnnxMinOpset || opt.opset > onnxir::maxOpset())
        throw fail("opset " + std::to_string(opt.opset) + " is not supported; allowed " +
                   std::to_string(kOnnxMinOpset) + ".." + std::to_string(onnxir::maxOpset()) +
                   " (ONNX " + onnxir::onnxVersion() + ")");
    if (cfg && !net.calibrated())
        throw fail("the quantizer is not calibrated: run calibration (or load a calibrated "
                   "checkpoint) first");
    if (data.train.size() > 0 && (data.train.channels != net.spec().inChannels ||
                                  data.train.height != net.spec().imageSize))
        throw fail("the data (" + std::to_string(data.train.channels) + "x" +
                   std::to_string(data.train.height) + "x" + std::to_string(data.train.width) +
                   ") does not fit model " + net.spec().name + " (" + std::to_string(net.spec().inChannels) +
                   "x" + std::to_string(net.spec().imageSize) + "x" + std::to_string(net.spec().imageSize) + ")");
    OnnxExportSummary sum;
    sum.path = path;
    sum.opset = opt.opset;
    std::string bytes;
    try {
        if (cfg) net.validate(*cfg);
        const onnxir::Model m = buildOnnxModel(net, data, cfg, opt, sum);
        sum.nodes = int64_t(m.nodes.size());
        sum.initializers = int64_t(m.initializers.size());
        bytes = onnxir::serialize(m);
    } catch (const Error& e) {
        throw fail(e.what());
    } catch (const std::exception& e) { // c10::Error and the like
        throw fail(firstLine(e.what()));
    }
    writeFileAtomic(path, bytes); // throws eqnet::Error naming the path; the old file stays
    sum.fileBytes = int64_t(bytes.size());
    return sum;
}

} // namespace

OnnxExportSummary exportOnnx(Supernet& net, const Dataset& data, const SubnetConfig& cfg,
                             const std::string& path, const OnnxExportOptions& opt) {
    return writeOnnx(net, data, &cfg, path, opt);
}

OnnxExportSummary exportOnnxFullPrecision(Supernet& net, const Dataset& data, const std::string& path,
                                          const OnnxExportOptions& opt) {
    return writeOnnx(net, data, nullptr, path, opt);
}

} // namespace eqnet
