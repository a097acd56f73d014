#pragma once
// A network as a small graph of typed nodes: the one description from which both the LibTorch
// forward pass (models/quant_model.cpp) and the ONNX QDQ export (through
// exporter::GraphBuilder) are derived, so that the two cannot drift apart. The built-in
// networks (models/builtin_networks.cpp) are written in it. Plain data, no LibTorch.
#include <cstdint>
#include <string>
#include <vector>

namespace eqnet::graph {

enum class Op {
    Conv,          // quantizable 2-D convolution (grouped and depthwise included)
    Linear,        // quantizable fully connected layer, [N, in] -> [N, out]
    BatchNorm,     // 2-D batch norm over channels
    Relu,
    Clip,          // clamp(x, lo, hi); ReLU6 is Clip(0, 6)
    Add,           // elementwise, same shapes
    Concat,        // along `axis`
    MaxPool,       // kernel x kernel, stride, symmetric padding
    AvgPool,       // kernel x kernel, stride, symmetric padding, padding excluded from the mean
    GlobalAvgPool, // mean over H and W: [N, C, H, W] -> [N, C] (keepDims: [N, C, 1, 1])
    Flatten,       // [N, ...] -> [N, product of the rest]
};

const char* opName(Op op);

// Values are numbered: 0 is the network's input, node i writes value i + 1.
using ValueId = int;
constexpr ValueId kInput = 0;

struct Node {
    Op op = Op::Relu;
    // Module name of a Conv, Linear or BatchNorm node, dotted for nesting ("block0.expand"):
    // the checkpoint key of its parameters and the name of its ONNX nodes. Empty otherwise.
    std::string name;
    std::vector<ValueId> inputs;
    // Conv / Linear: channels (features) in and out; Conv also kernel, stride, padding and
    // groups. BatchNorm: channels in `out`. MaxPool / AvgPool: kernel, stride, padding.
    int64_t in = 0, out = 0, kernel = 1, stride = 1, padding = 0, groups = 1;
    bool bias = false;        // Conv / Linear
    bool actUnsigned = false; // Conv / Linear: the input is non-negative (after ReLU or ReLU6)
    double eps = 1e-5;        // BatchNorm
    float lo = 0.f, hi = 6.f; // Clip
    int64_t axis = 1;         // Concat
    bool keepDims = false;    // GlobalAvgPool
};

struct NetworkGraph {
    std::vector<Node> nodes;
    ValueId output = kInput;

    // For each value, the index of the last node that reads it (-1: none; the output is read
    // after the last node), so that an executor can free values as soon as they are dead.
    std::vector<int> lastUses() const;
};

// Writes a NetworkGraph in execution order. Module nodes must be created in the order their
// parameters should be registered (and initialised): the order of a checkpoint's keys.
class NetworkBuilder {
public:
    ValueId input() const { return kInput; }
    ValueId conv(ValueId x, const std::string& name, int64_t in, int64_t out, int64_t kernel, int64_t stride,
                 bool actUnsigned, int64_t groups = 1);
    ValueId linear(ValueId x, const std::string& name, int64_t in, int64_t out, bool actUnsigned);
    ValueId batchNorm(ValueId x, const std::string& name, int64_t channels);
    ValueId relu(ValueId x);
    ValueId relu6(ValueId x) { return clip(x, 0.f, 6.f); }
    ValueId clip(ValueId x, float lo, float hi);
    ValueId add(ValueId a, ValueId b);
    ValueId concat(const std::vector<ValueId>& xs, int64_t axis);
    ValueId maxPool(ValueId x, int64_t kernel, int64_t stride, int64_t padding);
    ValueId avgPool(ValueId x, int64_t kernel, int64_t stride, int64_t padding);
    ValueId globalAvgPool(ValueId x, bool keepDims = false);
    ValueId flatten(ValueId x);
    // Appends a node as it is (its inputs must exist) and returns its value.
    ValueId push(Node n);

    // The finished graph with `output` as the network's output.
    NetworkGraph finish(ValueId output);

private:
    NetworkGraph g_;
};

} // namespace eqnet::graph
