#include "train/wdr_loss.h"

namespace eqnet::train {

std::pair<torch::Tensor, torch::Tensor> skewKurt(const torch::Tensor& w) {
    auto f = w.reshape({-1});
    auto z = (f - f.mean()) / (f.var(/*unbiased=*/false) + 1e-12).sqrt();
    auto z2 = z * z;
    return {(z2 * z).mean(), (z2 * z2).mean()};
}

WdrResult wdrLoss(const std::vector<torch::Tensor>& weights, const WdrOptions& opt) {
    WdrResult r;
    if (weights.empty()) {
        r.loss = torch::zeros({});
        return r;
    }
    std::vector<torch::Tensor> skews, kurts;
    for (const auto& w : weights) {
        auto [s, k] = skewKurt(w);
        skews.push_back(s);
        kurts.push_back(k);
    }
    auto s = torch::stack(skews), k = torch::stack(kurts);
    r.loss = opt.skewWeight * (s - opt.skewTarget).pow(2).mean() +
             opt.kurtWeight * (k - opt.kurtTarget).pow(2).mean();
    r.meanSkew = s.mean().item<double>();
    r.meanKurt = k.mean().item<double>();
    return r;
}

} // namespace eqnet::train
