#include "graph/network_graph.h"

#include "eqnet/error.h"

namespace eqnet::graph {

const char* opName(Op op) {
    switch (op) {
    case Op::Conv: return "Conv";
    case Op::Linear: return "Linear";
    case Op::BatchNorm: return "BatchNorm";
    case Op::Relu: return "Relu";
    case Op::Clip: return "Clip";
    case Op::Add: return "Add";
    case Op::Concat: return "Concat";
    case Op::MaxPool: return "MaxPool";
    case Op::AvgPool: return "AvgPool";
    case Op::GlobalAvgPool: return "GlobalAvgPool";
    case Op::Flatten: return "Flatten";
    }
    return "?";
}

std::vector<int> NetworkGraph::lastUses() const {
    std::vector<int> last(nodes.size() + 1, -1);
    for (size_t i = 0; i < nodes.size(); ++i)
        for (ValueId v : nodes[i].inputs) last[size_t(v)] = int(i);
    last[size_t(output)] = int(nodes.size());
    return last;
}

namespace {
// A node of kind `op` reading `x`; the callers set what else it needs.
Node reading(Op op, ValueId x) {
    Node n;
    n.op = op;
    n.inputs = {x};
    return n;
}
} // namespace

ValueId NetworkBuilder::push(Node n) {
    const ValueId next = ValueId(g_.nodes.size()) + 1;
    if (n.inputs.empty()) throw Error(std::string("internal: graph node ") + opName(n.op) + " has no input");
    for (ValueId v : n.inputs)
        if (v < 0 || v >= next)
            throw Error(std::string("internal: graph node ") + opName(n.op) + " reads value " +
                        std::to_string(v) + ", which is not written before it");
    g_.nodes.push_back(std::move(n));
    return next;
}

ValueId NetworkBuilder::conv(ValueId x, const std::string& name, int64_t in, int64_t out, int64_t kernel,
                             int64_t stride, bool actUnsigned, int64_t groups) {
    Node n = reading(Op::Conv, x);
    n.name = name;
    n.in = in;
    n.out = out;
    n.kernel = kernel;
    n.stride = stride;
    n.padding = kernel / 2;
    n.groups = groups;
    n.actUnsigned = actUnsigned;
    return push(std::move(n));
}

ValueId NetworkBuilder::linear(ValueId x, const std::string& name, int64_t in, int64_t out, bool actUnsigned) {
    Node n = reading(Op::Linear, x);
    n.name = name;
    n.in = in;
    n.out = out;
    n.bias = true;
    n.actUnsigned = actUnsigned;
    return push(std::move(n));
}

ValueId NetworkBuilder::batchNorm(ValueId x, const std::string& name, int64_t channels) {
    Node n = reading(Op::BatchNorm, x);
    n.name = name;
    n.out = channels;
    return push(std::move(n));
}

ValueId NetworkBuilder::relu(ValueId x) { return push(reading(Op::Relu, x)); }

ValueId NetworkBuilder::clip(ValueId x, float lo, float hi) {
    Node n = reading(Op::Clip, x);
    n.lo = lo;
    n.hi = hi;
    return push(std::move(n));
}

ValueId NetworkBuilder::add(ValueId a, ValueId b) {
    Node n;
    n.op = Op::Add;
    n.inputs = {a, b};
    return push(std::move(n));
}

ValueId NetworkBuilder::concat(const std::vector<ValueId>& xs, int64_t axis) {
    Node n;
    n.op = Op::Concat;
    n.inputs = xs;
    n.axis = axis;
    return push(std::move(n));
}

namespace {
Node pool(Op op, ValueId x, int64_t kernel, int64_t stride, int64_t padding) {
    Node n = reading(op, x);
    n.kernel = kernel;
    n.stride = stride;
    n.padding = padding;
    return n;
}
} // namespace

ValueId NetworkBuilder::maxPool(ValueId x, int64_t kernel, int64_t stride, int64_t padding) {
    return push(pool(Op::MaxPool, x, kernel, stride, padding));
}

ValueId NetworkBuilder::avgPool(ValueId x, int64_t kernel, int64_t stride, int64_t padding) {
    return push(pool(Op::AvgPool, x, kernel, stride, padding));
}

ValueId NetworkBuilder::globalAvgPool(ValueId x, bool keepDims) {
    Node n = reading(Op::GlobalAvgPool, x);
    n.keepDims = keepDims;
    return push(std::move(n));
}

ValueId NetworkBuilder::flatten(ValueId x) { return push(reading(Op::Flatten, x)); }

NetworkGraph NetworkBuilder::finish(ValueId output) {
    if (output < 0 || output > ValueId(g_.nodes.size()))
        throw Error("internal: graph output " + std::to_string(output) + " is not a value of the graph");
    g_.output = output;
    return std::move(g_);
}

} // namespace eqnet::graph
