#pragma once
// A quantized Conv2d or Linear: shared FP weights, an elastic weight quantizer and an elastic
// quantizer for its input activation. Which slot is used is the layer's current setting.
#include "eqnet/quant_types.h"
#include "quant/elastic_quantizer.h"

#include <torch/torch.h>

namespace eqnet::quant {

struct LayerSetting {
    int wBits = kMaxBits;
    int aBits = kMaxBits;
    QuantForm form;
    bool quantize = false; // false: the plain FP layer (stage-1 training, calibration)
};

struct QuantLayerOptions {
    LayerKind kind = LayerKind::Conv2d;
    int64_t in = 0, out = 0;
    int64_t kernel = 1, stride = 1, padding = 0, groups = 1;
    bool bias = false;
    bool actUnsigned = false; // input is non-negative (after ReLU)
};

class QuantLayerImpl : public torch::nn::Module {
public:
    explicit QuantLayerImpl(const QuantLayerOptions& o);
    torch::Tensor forward(const torch::Tensor& x);
    // Every slot bank of the layer: its weight quantizer's four settings, then the activation
    // quantizer's two.
    std::vector<SlotBank*> slotBanks();
    std::vector<const SlotBank*> slotBanks() const;

    // The op with explicit (already fake-quantized or FP) input, weight and bias.
    torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) const;

    const QuantLayerOptions& options() const { return opts_; }
    // True for a parameter of a layer's quantizers (its slots, under "wq" and "aq"), false for
    // the shared FP weights and biases: keys as named_parameters() gives them ("block0.dw.wq.x").
    static bool isQuantizerParameter(const std::string& key);
    LayerSetting setting;
    torch::Tensor weight, bias;
    WeightQuantizer weightQuant{nullptr};
    ActQuantizer actQuant{nullptr};

    // When set, forward() stores its input here (calibration) and its output shape.
    std::vector<torch::Tensor>* inputSink = nullptr;
    std::vector<int64_t> lastOutputShape;

private:
    QuantLayerOptions opts_;
};
TORCH_MODULE(QuantLayer);

} // namespace eqnet::quant
