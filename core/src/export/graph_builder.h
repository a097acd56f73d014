#pragma once
// The inference graph of a model, written once next to its forward(): every network emits
// the ops of its forward pass (in eval mode, with the layers' current settings) through this
// interface, and an exporter (export/onnx_export.cpp) turns them into a file format. Values
// are the names of graph tensors. Keep each model's emit() a mirror of its forward().
#include <cstdint>
#include <string>

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
    virtual Value add(const Value& a, const Value& b) = 0;
    virtual Value maxPool(const Value& x, int64_t kernel, int64_t stride, int64_t padding) = 0;
    // x.mean({2, 3}): [N, C, H, W] -> [N, C].
    virtual Value globalAveragePool(const Value& x) = 0;
};

} // namespace eqnet::exporter
