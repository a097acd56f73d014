#pragma once
// The inference graph of a model as an exporter sees it: a model walks its network graph
// (graph/network_graph.h) in eval mode, with the layers' current settings, and calls one
// method per node (models::QuantModelImpl::emit); an exporter (export/onnx_export.cpp) turns
// the calls into a file format. Values are the names of graph tensors.
#include <cstdint>
#include <string>
#include <vector>

namespace torch::nn {
class BatchNorm2dImpl;
}
namespace eqnet::quant {
class QuantLayerImpl;
}

namespace eqnet::exporter {

using Value = std::string;

class GraphBuilder {
public:
    virtual ~GraphBuilder() = default;
    // QuantLayerImpl::forward with its current setting: input fake-quantized by its activation
    // slot, weights by its weight slot, then Conv2d or Linear (with the layer's bias).
    virtual Value quantLayer(const Value& x, quant::QuantLayerImpl& layer) = 0;
    // BatchNorm2d in eval mode (running statistics).
    virtual Value batchNorm(const Value& x, torch::nn::BatchNorm2dImpl& bn) = 0;
    virtual Value relu(const Value& x) = 0;
    virtual Value relu6(const Value& x) = 0; // clamp(x, 0, 6)
    virtual Value clip(const Value& x, float lo, float hi) = 0;
    virtual Value add(const Value& a, const Value& b) = 0;
    virtual Value concat(const std::vector<Value>& xs, int64_t axis) = 0;
    virtual Value maxPool(const Value& x, int64_t kernel, int64_t stride, int64_t padding) = 0;
    // Padding is not counted in the mean.
    virtual Value avgPool(const Value& x, int64_t kernel, int64_t stride, int64_t padding) = 0;
    // x.mean({2, 3}): [N, C, H, W] -> [N, C], or [N, C, 1, 1] with keepDims.
    virtual Value globalAveragePool(const Value& x, bool keepDims) = 0;
    // [N, ...] -> [N, product of the rest].
    virtual Value flatten(const Value& x) = 0;
};

} // namespace eqnet::exporter
