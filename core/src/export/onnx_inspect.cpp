#include "eqnet/onnx_inspect.h"

#include "eqnet/error.h"
#include "export/onnx_ir.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace eqnet {

int QdqNodeInfo::bits() const {
    int b = 1;
    while (b < 62 && (int64_t(1) << b) < levels()) ++b;
    return b;
}

namespace {

using onnxir::ElemType;

std::pair<int64_t, int64_t> storageRange(ElemType t) {
    switch (t) {
    case ElemType::UInt8: return {0, 255};
    case ElemType::Int8: return {-128, 127};
    case ElemType::Int32: return {INT32_MIN, INT32_MAX};
    default: return {0, 0};
    }
}

// The single value of a scalar (or one-element) float initializer; NaN when there is none.
double scalarOf(const onnxir::Model& m, const std::string& name) {
    const onnxir::Tensor* t = m.initializer(name);
    if (!t || t->numel() != 1) return std::nan("");
    if (t->type == ElemType::Float && !t->floats.empty()) return t->floats[0];
    if (!t->ints.empty()) return double(t->ints[0]);
    return std::nan("");
}

} // namespace

OnnxQdqReport inspectOnnxQdq(const std::string& path) {
    const onnxir::Model m = onnxir::readFile(path); // throws naming the path
    OnnxQdqReport r;
    r.path = path;
    r.opset = m.opset;
    r.producer = m.producerName + (m.producerVersion.empty() ? "" : " " + m.producerVersion);
    r.nodes = int64_t(m.nodes.size());
    r.metadata = m.metadata;
    std::map<std::string, std::vector<size_t>> readers; // tensor -> nodes reading it
    std::map<std::string, size_t> producer;             // tensor -> node writing it
    for (size_t i = 0; i < m.nodes.size(); ++i) {
        for (const std::string& in : m.nodes[i].inputs) readers[in].push_back(i);
        for (const std::string& out : m.nodes[i].outputs) producer[out] = i;
    }
    const auto isLayer = [](const std::string& op) { return op == "Conv" || op == "Gemm" || op == "MatMul"; };
    for (size_t i = 0; i < m.nodes.size(); ++i) {
        const onnxir::Node& n = m.nodes[i];
        if (n.op != "QuantizeLinear" && n.op != "DequantizeLinear") continue;
        if (n.inputs.size() < 2) throw Error(path + ": node " + n.name + " (" + n.op + ") has no scale input");
        QdqNodeInfo q;
        q.node = n.name.empty() ? n.op + " #" + std::to_string(i) : n.name;
        q.op = n.op;
        q.input = n.inputs[0];
        const onnxir::Tensor* x = m.initializer(q.input);
        q.constantInput = x != nullptr;
        const onnxir::Tensor* scale = m.initializer(n.inputs[1]);
        if (!scale || scale->type != ElemType::Float)
            throw Error(path + ": node " + q.node + ": its scale " + n.inputs[1] + " is not a float initializer");
        q.scales.assign(scale->floats.begin(), scale->floats.end());
        q.perChannel = !scale->dims.empty() && scale->numel() > 1;
        if (const onnxir::Attribute* a = n.attr("axis")) q.axis = a->i;
        ElemType storage = ElemType::UInt8; // ONNX's default without a zero point
        if (n.inputs.size() >= 3 && !n.inputs[2].empty()) {
            const onnxir::Tensor* zp = m.initializer(n.inputs[2]);
            if (!zp) throw Error(path + ": node " + q.node + ": its zero point " + n.inputs[2] + " is not an initializer");
            q.zeroPoints = zp->ints;
            storage = zp->type;
        } else if (x && n.op == "DequantizeLinear") {
            storage = x->type;
        }
        q.storageType = onnxir::elemTypeName(storage);
        std::tie(q.levelMin, q.levelMax) = storageRange(storage);
        if (x && n.op == "DequantizeLinear" && !x->ints.empty()) {
            const auto [lo, hi] = std::minmax_element(x->ints.begin(), x->ints.end());
            q.levelMin = *lo;
            q.levelMax = *hi;
        } else if (n.op == "QuantizeLinear") {
            // A Clip just before: the levels of its bounds.
            const auto p = producer.find(q.input);
            if (p != producer.end() && m.nodes[p->second].op == "Clip" && m.nodes[p->second].inputs.size() >= 3 &&
                q.scales.size() == 1) {
                const onnxir::Node& clip = m.nodes[p->second];
                const double lo = scalarOf(m, clip.inputs[1]), hi = scalarOf(m, clip.inputs[2]);
                const double z = q.zeroPoints.empty() ? 0.0 : double(q.zeroPoints[0]);
                if (std::isfinite(lo) && std::isfinite(hi) && q.scales[0] > 0) {
                    // Inside the storage range before rounding: a file's absurd bounds cannot overflow.
                    const auto level = [&](double v) {
                        return int64_t(std::llround(std::clamp(v / q.scales[0] + z, double(q.levelMin), double(q.levelMax))));
                    };
                    q.levelMin = level(lo);
                    q.levelMax = level(hi);
                    q.clipped = true;
                }
            }
        }
        // The layer these values reach: a reader of the output, or a reader of that.
        for (int hop = 0, node = int(i); hop < 2 && q.layer.empty(); ++hop) {
            int next = -1;
            for (const std::string& out : m.nodes[size_t(node)].outputs)
                for (size_t reader : readers[out]) {
                    if (isLayer(m.nodes[reader].op)) {
                        q.layer = m.nodes[reader].name;
                        q.layerOp = m.nodes[reader].op;
                    } else if (next < 0) {
                        next = int(reader);
                    }
                }
            if (next < 0) break;
            node = next;
        }
        r.qdq.push_back(std::move(q));
    }
    return r;
}

} // namespace eqnet
