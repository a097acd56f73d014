#include "graph/onnx_import.h"

#include "eqnet/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

namespace eqnet::graph {

std::string supportedOnnxOps() {
    return "Conv, Gemm, BatchNormalization, Relu, Clip, Add, Concat, MaxPool, AveragePool, "
           "GlobalAveragePool, Flatten, Reshape (to [N, -1]), Identity, Dropout";
}

namespace {

using onnxir::Attribute;

class Importer {
public:
    Importer(const onnxir::Model& m, std::string source) : m_(m), source_(std::move(source)) {}

    ImportedNetwork run() {
        for (const auto& t : m_.initializers) constants_[t.name] = &t;
        readInput();
        for (const auto& n : m_.nodes) {
            if (n.op == "Constant") {
                constant(n);
                continue;
            }
            node(n);
        }
        readOutput();
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const std::string& why) const { throw Error(source_ + ": " + why); }
    [[noreturn]] void failAt(const onnxir::Node& n, const std::string& why) const {
        fail("node '" + n.name + "' (" + n.op + "): " + why);
    }

    void readInput() {
        std::vector<const onnxir::ValueInfo*> inputs;
        for (const auto& v : m_.inputs)
            if (!constants_.count(v.name)) inputs.push_back(&v);
        if (inputs.size() != 1)
            fail("the model has " + std::to_string(inputs.size()) +
                 " inputs besides its initializers; import supports one image input [N, C, H, W]");
        const auto& in = *inputs[0];
        if (in.type != onnxir::ElemType::Float)
            fail("input '" + in.name + "' is " + onnxir::elemTypeName(in.type) + "; import supports float32 images");
        if (in.dims.size() != 4) fail("input '" + in.name + "' has " + std::to_string(in.dims.size()) +
                                      " dimensions; import supports images [N, C, H, W]");
        for (size_t d = 1; d < 4; ++d)
            if (in.dims[d] <= 0)
                fail("input '" + in.name + "' has a dynamic dimension " + std::to_string(d) +
                     (in.dimParams[d].empty() ? "" : " ('" + in.dimParams[d] + "')") +
                     "; only the batch dimension may be dynamic (export with a fixed image size)");
        if (in.dims[2] != in.dims[3])
            fail("input '" + in.name + "' is " + std::to_string(in.dims[2]) + "x" + std::to_string(in.dims[3]) +
                 "; import supports square images");
        out_.inputName = in.name;
        out_.inChannels = in.dims[1];
        out_.imageSize = in.dims[2];
        values_[in.name] = kInput;
        shapes_[kInput] = {in.dims[1], in.dims[2], in.dims[3]};
        nonNegative_.push_back(false); // normalised pixels are signed
    }

    void readOutput() {
        if (m_.outputs.size() != 1)
            fail("the model has " + std::to_string(m_.outputs.size()) + " outputs; import supports one (the logits)");
        const auto& o = m_.outputs[0];
        const auto it = values_.find(o.name);
        if (it == values_.end()) fail("output '" + o.name + "' is not computed by a supported node");
        const auto& shape = shapes_.at(it->second);
        if (shape.size() != 1)
            fail("output '" + o.name + "' has " + std::to_string(shape.size() + 1) +
                 " dimensions; import supports logits [N, classes]");
        out_.outputName = o.name;
        out_.numClasses = shape[0];
        out_.graph = builder_.finish(it->second);
    }

    void constant(const onnxir::Node& n) {
        // The parser makes a Constant holding a tensor (attribute "value") an initializer; one
        // that reaches here holds something else (a sparse tensor, a list of values).
        if (n.outputs.size() == 1 && constants_.count(n.outputs[0])) return;
        failAt(n, "Constant nodes are read only when they hold a dense tensor (attribute \"value\")");
    }

    // The value a node input names; an initializer where a value is expected is an error.
    ValueId value(const onnxir::Node& n, size_t i) const {
        if (i >= n.inputs.size() || n.inputs[i].empty()) failAt(n, "input " + std::to_string(i) + " is missing");
        const auto it = values_.find(n.inputs[i]);
        if (it != values_.end()) return it->second;
        if (constants_.count(n.inputs[i]))
            failAt(n, "input '" + n.inputs[i] + "' is a constant; import supports this operator on computed values only");
        failAt(n, "input '" + n.inputs[i] + "' is not computed by a supported node");
    }

    const onnxir::Tensor* constantInput(const onnxir::Node& n, size_t i, bool required) const {
        if (i >= n.inputs.size() || n.inputs[i].empty()) {
            if (required) failAt(n, "input " + std::to_string(i) + " is missing");
            return nullptr;
        }
        const auto it = constants_.find(n.inputs[i]);
        if (it == constants_.end())
            failAt(n, "input '" + n.inputs[i] + "' must be an initializer (a trained parameter); it is computed");
        if (it->second->type != onnxir::ElemType::Float && required)
            failAt(n, "parameter '" + n.inputs[i] + "' is " + onnxir::elemTypeName(it->second->type) +
                          "; import supports float32 parameters");
        return it->second;
    }

    int64_t intAttr(const onnxir::Node& n, const std::string& name, int64_t def) const {
        const Attribute* a = n.attr(name);
        if (!a) return def;
        if (a->kind != Attribute::Kind::Int) failAt(n, "attribute " + name + " is not an integer");
        return a->i;
    }
    float floatAttr(const onnxir::Node& n, const std::string& name, float def) const {
        const Attribute* a = n.attr(name);
        if (!a) return def;
        if (a->kind != Attribute::Kind::Float) failAt(n, "attribute " + name + " is not a float");
        return a->f;
    }
    std::vector<int64_t> intsAttr(const onnxir::Node& n, const std::string& name) const {
        const Attribute* a = n.attr(name);
        if (!a) return {};
        if (a->kind != Attribute::Kind::Ints) failAt(n, "attribute " + name + " is not a list of integers");
        return a->ints;
    }
    // Attributes the operator has and import does not read: refuse rather than ignore.
    void onlyAttrs(const onnxir::Node& n, const std::set<std::string>& known) const {
        for (const auto& a : n.attrs)
            if (!known.count(a.name)) failAt(n, "attribute " + a.name + " is not supported");
    }
    std::string stringAttr(const onnxir::Node& n, const std::string& name) const {
        const Attribute* a = n.attr(name);
        return a && a->kind == Attribute::Kind::String ? a->s : std::string();
    }

    // Square kernel, equal strides, symmetric equal padding, no dilation: one number each.
    struct Window {
        int64_t kernel = 1, stride = 1, padding = 0;
    };
    Window window(const onnxir::Node& n, std::vector<int64_t> kernel) const {
        const std::string autoPad = stringAttr(n, "auto_pad");
        if (!autoPad.empty() && autoPad != "NOTSET" && autoPad != "VALID")
            failAt(n, "auto_pad " + autoPad + " is not supported (export with explicit pads)");
        if (kernel.size() != 2 || kernel[0] != kernel[1])
            failAt(n, "kernel " + dimsText(kernel) + " is not supported; import supports square 2-D kernels");
        auto strides = intsAttr(n, "strides");
        if (strides.empty()) strides = {1, 1};
        if (strides.size() != 2 || strides[0] != strides[1] || strides[0] < 1)
            failAt(n, "strides " + dimsText(strides) + " are not supported; import supports equal strides");
        auto pads = intsAttr(n, "pads");
        if (pads.empty()) pads = {0, 0, 0, 0};
        if (pads.size() != 4 || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3] || pads[0] < 0)
            failAt(n, "pads " + dimsText(pads) + " are not supported; import supports the same padding on every side");
        for (auto d : intsAttr(n, "dilations"))
            if (d != 1) failAt(n, "dilation " + std::to_string(d) + " is not supported");
        return {kernel[0], strides[0], pads[0]};
    }
    static std::string dimsText(const std::vector<int64_t>& d) {
        std::string s = "[";
        for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
        return s + "]";
    }
    static int64_t pooled(int64_t size, const Window& w) { return (size + 2 * w.padding - w.kernel) / w.stride + 1; }

    // A module name for a layer: the parameter's own name without ".weight" when it has one
    // (an export that keeps the framework's names), else "<kind><k>"; dots and other
    // characters outside [A-Za-z0-9_] become '_', so imported modules never nest.
    std::string moduleName(const std::string& paramName, const std::string& kind, int& counter) {
        ++counter;
        std::string base;
        const std::string suffix = ".weight";
        if (paramName.size() > suffix.size() && paramName.compare(paramName.size() - suffix.size(), suffix.size(), suffix) == 0)
            base = paramName.substr(0, paramName.size() - suffix.size());
        for (auto& c : base)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
        if (base.empty() || std::isdigit(static_cast<unsigned char>(base[0])) || usedNames_.count(base))
            base = kind + std::to_string(counter);
        while (usedNames_.count(base)) base += "_";
        usedNames_.insert(base);
        return base;
    }

    void param(const std::string& key, const onnxir::Tensor& t, std::vector<int64_t> dims) {
        onnxir::Tensor p = t;
        p.name = key;
        p.dims = std::move(dims);
        out_.parameters[key] = std::move(p);
    }

    ValueId define(const onnxir::Node& n, ValueId v, std::vector<int64_t> shape, bool nonNegative) {
        if (n.outputs.empty() || n.outputs[0].empty()) failAt(n, "has no output");
        values_[n.outputs[0]] = v;
        shapes_[v] = std::move(shape);
        if (size_t(v) >= nonNegative_.size()) nonNegative_.resize(size_t(v) + 1, false);
        nonNegative_[size_t(v)] = nonNegative;
        return v;
    }
    const std::vector<int64_t>& shape(ValueId v) const { return shapes_.at(v); }
    bool nonNegative(ValueId v) const { return nonNegative_.at(size_t(v)); }
    void needRank(const onnxir::Node& n, ValueId v, size_t rank) const {
        if (shape(v).size() != rank)
            failAt(n, "input of shape [N, " + dimsText(shape(v)).substr(1) + " where import supports " +
                          (rank == 3 ? "[N, C, H, W]" : "[N, features]"));
    }

    void node(const onnxir::Node& n) {
        const std::string& op = n.op;
        if (op == "Conv") return conv(n);
        if (op == "Gemm") return gemm(n);
        if (op == "BatchNormalization") return batchNorm(n);
        if (op == "Relu") {
            onlyAttrs(n, {});
            const ValueId x = value(n, 0);
            define(n, builder_.relu(x), shape(x), true);
            return;
        }
        if (op == "Clip") return clip(n);
        if (op == "Add") {
            onlyAttrs(n, {});
            const ValueId a = value(n, 0), b = value(n, 1);
            if (shape(a) != shape(b))
                failAt(n, "adds " + dimsText(shape(a)) + " and " + dimsText(shape(b)) +
                              " (per image); import supports adding values of the same shape");
            define(n, builder_.add(a, b), shape(a), nonNegative(a) && nonNegative(b));
            return;
        }
        if (op == "Concat") {
            onlyAttrs(n, {"axis"});
            std::vector<ValueId> xs;
            for (size_t i = 0; i < n.inputs.size(); ++i) xs.push_back(value(n, i));
            const int64_t axis = intAttr(n, "axis", 1);
            const int64_t rank = int64_t(shape(xs[0]).size()) + 1;
            if (axis != 1 && axis != 1 - rank)
                failAt(n, "axis " + std::to_string(axis) + " is not supported; import concatenates channels (axis 1)");
            std::vector<int64_t> s = shape(xs[0]);
            bool nn = true;
            for (size_t i = 1; i < xs.size(); ++i) {
                const auto& o = shape(xs[i]);
                if (o.size() != s.size() || !std::equal(o.begin() + 1, o.end(), s.begin() + 1))
                    failAt(n, "concatenates " + dimsText(s) + " and " + dimsText(o) + " (per image)");
                s[0] += o[0];
            }
            for (auto x : xs) nn = nn && nonNegative(x);
            define(n, builder_.concat(xs, 1), s, nn);
            return;
        }
        if (op == "MaxPool" || op == "AveragePool") return pool(n);
        if (op == "GlobalAveragePool") {
            onlyAttrs(n, {});
            const ValueId x = value(n, 0);
            needRank(n, x, 3);
            define(n, builder_.globalAvgPool(x, /*keepDims=*/true), {shape(x)[0], 1, 1}, nonNegative(x));
            return;
        }
        if (op == "Flatten") {
            onlyAttrs(n, {"axis"});
            if (intAttr(n, "axis", 1) != 1) failAt(n, "axis " + std::to_string(intAttr(n, "axis", 1)) +
                                                          " is not supported; import flattens to [N, features] (axis 1)");
            return flatten(n, value(n, 0));
        }
        if (op == "Reshape") {
            onlyAttrs(n, {"allowzero"});
            const ValueId x = value(n, 0);
            const onnxir::Tensor* s = nullptr;
            if (n.inputs.size() > 1) {
                const auto it = constants_.find(n.inputs[1]);
                if (it != constants_.end()) s = it->second;
            }
            if (!s) failAt(n, "the target shape is computed (a Shape/Gather chain); export with constant "
                              "folding or use torch.flatten(x, 1)");
            const bool toFlat = s->ints.size() == 2 && s->ints[1] == -1 && (s->ints[0] == 0 || s->ints[0] >= 1);
            if (!toFlat) failAt(n, "shape " + dimsText(s->ints) + " is not supported; import reshapes to [N, -1] only");
            return flatten(n, x);
        }
        if (op == "Identity" && n.inputs.size() == 1 && n.outputs.size() == 1 && constants_.count(n.inputs[0])) {
            // PyTorch writes one initializer once and an Identity for each further use of it.
            constants_[n.outputs[0]] = constants_.at(n.inputs[0]);
            return;
        }
        if (op == "Identity" || op == "Dropout") {
            const ValueId x = value(n, 0);
            if (op == "Dropout" && n.inputs.size() > 2 && !n.inputs[2].empty()) {
                const auto it = constants_.find(n.inputs[2]);
                if (it == constants_.end() || it->second->ints.empty() || it->second->ints[0] != 0)
                    failAt(n, "training_mode must be a constant false");
            }
            values_[n.outputs.at(0)] = x; // a pass-through at inference
            return;
        }
        failAt(n, "operator not supported; import supports " + supportedOnnxOps());
    }

    void flatten(const onnxir::Node& n, ValueId x) {
        int64_t features = 1;
        for (auto d : shape(x)) features *= d;
        // Flattening [N, F] is the identity; keep the graph free of no-ops.
        if (shape(x).size() == 1) {
            values_[n.outputs.at(0)] = x;
            return;
        }
        define(n, builder_.flatten(x), {features}, nonNegative(x));
    }

    void conv(const onnxir::Node& n) {
        onlyAttrs(n, {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"});
        const ValueId x = value(n, 0);
        needRank(n, x, 3);
        const onnxir::Tensor* w = constantInput(n, 1, true);
        const onnxir::Tensor* b = constantInput(n, 2, false);
        if (w->dims.size() != 4) failAt(n, "weight " + dimsText(w->dims) + " is not a 2-D convolution's [out, in/groups, kH, kW]");
        auto kernel = intsAttr(n, "kernel_shape");
        if (kernel.empty()) kernel = {w->dims[2], w->dims[3]};
        const Window win = window(n, kernel);
        const int64_t groups = intAttr(n, "group", 1);
        const int64_t in = shape(x)[0], out = w->dims[0];
        if (groups < 1 || in % groups != 0 || out % groups != 0 || w->dims[1] * groups != in)
            failAt(n, "weight " + dimsText(w->dims) + " with group " + std::to_string(groups) + " does not fit " +
                          std::to_string(in) + " input channels");
        if (b && (b->dims.size() != 1 || b->dims[0] != out)) failAt(n, "bias " + dimsText(b->dims) + " does not fit " + std::to_string(out) + " channels");
        Node g;
        g.op = Op::Conv;
        g.name = moduleName(n.inputs[1], "conv", convs_);
        g.inputs = {x};
        g.in = in;
        g.out = out;
        g.kernel = win.kernel;
        g.stride = win.stride;
        g.padding = win.padding;
        g.groups = groups;
        g.bias = b != nullptr;
        g.actUnsigned = nonNegative(x);
        param(g.name + ".weight", *w, w->dims);
        if (b) param(g.name + ".bias", *b, b->dims);
        const int64_t h = pooled(shape(x)[1], win), wd = pooled(shape(x)[2], win);
        if (h < 1 || wd < 1) failAt(n, "the output would be empty");
        define(n, builder_.push(std::move(g)), {out, h, wd}, false);
    }

    void gemm(const onnxir::Node& n) {
        onlyAttrs(n, {"alpha", "beta", "transA", "transB"});
        const ValueId x = value(n, 0);
        needRank(n, x, 1);
        if (intAttr(n, "transA", 0) != 0) failAt(n, "transA = 1 is not supported");
        if (floatAttr(n, "alpha", 1.f) != 1.f || floatAttr(n, "beta", 1.f) != 1.f)
            failAt(n, "alpha and beta other than 1 are not supported");
        const onnxir::Tensor* w = constantInput(n, 1, true);
        const onnxir::Tensor* b = constantInput(n, 2, false);
        if (w->dims.size() != 2) failAt(n, "weight " + dimsText(w->dims) + " is not a matrix");
        const bool transB = intAttr(n, "transB", 0) != 0;
        const int64_t in = transB ? w->dims[1] : w->dims[0], out = transB ? w->dims[0] : w->dims[1];
        if (in != shape(x)[0])
            failAt(n, "weight " + dimsText(w->dims) + " does not fit " + std::to_string(shape(x)[0]) + " input features");
        if (b && (b->numel() != out))
            failAt(n, "bias " + dimsText(b->dims) + " does not fit " + std::to_string(out) + " outputs");
        Node g;
        g.op = Op::Linear;
        g.name = moduleName(n.inputs[1], "fc", linears_);
        g.inputs = {x};
        g.in = in;
        g.out = out;
        g.bias = b != nullptr;
        g.actUnsigned = nonNegative(x);
        if (transB) {
            param(g.name + ".weight", *w, w->dims);
        } else { // [in, out] -> [out, in]
            onnxir::Tensor t = *w;
            for (int64_t o = 0; o < out; ++o)
                for (int64_t i = 0; i < in; ++i) t.floats[size_t(o * in + i)] = w->floats[size_t(i * out + o)];
            param(g.name + ".weight", t, {out, in});
        }
        if (b) param(g.name + ".bias", *b, {out});
        define(n, builder_.push(std::move(g)), {out}, false);
    }

    void batchNorm(const onnxir::Node& n) {
        onlyAttrs(n, {"epsilon", "momentum", "training_mode", "spatial"});
        if (intAttr(n, "training_mode", 0) != 0) failAt(n, "training_mode = 1 is not supported (export in eval mode)");
        if (n.outputs.size() > 1) failAt(n, "running-statistics outputs are not supported (export in eval mode)");
        const ValueId x = value(n, 0);
        needRank(n, x, 3);
        const int64_t c = shape(x)[0];
        const char* roles[4] = {"weight", "bias", "running_mean", "running_var"};
        std::vector<const onnxir::Tensor*> p;
        for (size_t i = 0; i < 4; ++i) {
            p.push_back(constantInput(n, i + 1, true));
            if (p.back()->numel() != c)
                failAt(n, std::string(roles[i]) + " " + dimsText(p.back()->dims) + " does not fit " + std::to_string(c) + " channels");
        }
        Node g;
        g.op = Op::BatchNorm;
        g.name = moduleName(n.inputs[1], "bn", batchNorms_);
        g.inputs = {x};
        g.out = c;
        g.eps = floatAttr(n, "epsilon", 1e-5f);
        for (size_t i = 0; i < 4; ++i) param(g.name + "." + roles[i], *p[i], {c});
        ++out_.batchNorms;
        define(n, builder_.push(std::move(g)), shape(x), false);
    }

    void clip(const onnxir::Node& n) {
        const ValueId x = value(n, 0);
        float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
        if (m_.opset < 11) { // bounds as attributes
            onlyAttrs(n, {"min", "max"});
            lo = floatAttr(n, "min", lo);
            hi = floatAttr(n, "max", hi);
        } else {
            onlyAttrs(n, {});
            for (size_t i = 1; i < 3; ++i) {
                const onnxir::Tensor* t = constantInput(n, i, false);
                if (!t) continue;
                if (t->floats.size() != 1) failAt(n, "bound '" + n.inputs[i] + "' is not a float scalar");
                (i == 1 ? lo : hi) = t->floats[0];
            }
        }
        if (!(lo <= hi)) failAt(n, "min " + std::to_string(lo) + " is above max " + std::to_string(hi));
        define(n, builder_.clip(x, lo, hi), shape(x), lo >= 0.f || (nonNegative(x) && !(hi < 0.f)));
    }

    void pool(const onnxir::Node& n) {
        const bool isMax = n.op == "MaxPool";
        if (isMax) onlyAttrs(n, {"kernel_shape", "strides", "pads", "dilations", "auto_pad", "ceil_mode", "storage_order"});
        else onlyAttrs(n, {"kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad"});
        if (intAttr(n, "ceil_mode", 0) != 0) failAt(n, "ceil_mode = 1 is not supported");
        if (isMax && n.outputs.size() > 1 && !n.outputs[1].empty()) failAt(n, "the Indices output is not supported");
        const ValueId x = value(n, 0);
        needRank(n, x, 3);
        const Window w = window(n, intsAttr(n, "kernel_shape"));
        if (!isMax && w.padding > 0 && intAttr(n, "count_include_pad", 0) != 0)
            failAt(n, "count_include_pad = 1 with padding is not supported");
        const int64_t h = pooled(shape(x)[1], w), wd = pooled(shape(x)[2], w);
        if (h < 1 || wd < 1) failAt(n, "the output would be empty");
        const ValueId v = isMax ? builder_.maxPool(x, w.kernel, w.stride, w.padding)
                                : builder_.avgPool(x, w.kernel, w.stride, w.padding);
        define(n, v, {shape(x)[0], h, wd}, nonNegative(x));
    }

    const onnxir::Model& m_;
    std::string source_;
    std::map<std::string, const onnxir::Tensor*> constants_;
    std::map<std::string, ValueId> values_;
    std::map<ValueId, std::vector<int64_t>> shapes_; // per image: [C, H, W] or [features]
    std::vector<bool> nonNegative_;
    std::set<std::string> usedNames_;
    int convs_ = 0, linears_ = 0, batchNorms_ = 0;
    NetworkBuilder builder_;
    ImportedNetwork out_;
};

} // namespace

ImportedNetwork importOnnxGraph(const onnxir::Model& m, const std::string& source) {
    return Importer(m, source).run();
}

} // namespace eqnet::graph
