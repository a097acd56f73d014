#pragma once
// WDR-Loss, Weight Distribution Regularisation (docs/method.md §3.1): pull every quantized
// layer's shared FP weights (all but the first) towards zero skewness and the kurtosis of a
// uniform distribution (1.8), so that flat, outlier-free weights quantize well at every
// bit-width at once.
#include <torch/torch.h>

#include <vector>

namespace eqnet::train {

constexpr double kWdrSkewWeight = 1.0;    // §3.1
constexpr double kWdrKurtWeight = 0.015;  // §3.1
constexpr double kWdrSkewTarget = 0.0;    // §3.1
constexpr double kWdrKurtTarget = 1.8;    // §3.1: kurtosis of a uniform distribution

struct WdrOptions {
    double skewWeight = kWdrSkewWeight;
    double kurtWeight = kWdrKurtWeight;
    double skewTarget = kWdrSkewTarget;
    double kurtTarget = kWdrKurtTarget;
};

struct WdrResult {
    torch::Tensor loss;  // differentiable, 0-dim
    double meanSkew = 0; // mean over layers of skewness
    double meanKurt = 0; // mean over layers of kurtosis
};

// Skewness mean(z^3) and kurtosis mean(z^4) of a standardised tensor, differentiable.
std::pair<torch::Tensor, torch::Tensor> skewKurt(const torch::Tensor& w);

WdrResult wdrLoss(const std::vector<torch::Tensor>& weights, const WdrOptions& opt = {});

} // namespace eqnet::train
