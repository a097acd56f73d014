#include "train/sandwich_trainer.h"

#include "common/random.h"

namespace eqnet::train {

namespace F = torch::nn::functional;

std::mt19937_64 stepRng(uint64_t seed, int64_t step) {
    return seededEngine({seed, uint64_t(step)});
}

std::vector<QuantForm> drawForms(std::mt19937_64& rng, size_t layers, bool perLayer) {
    const auto forms = allForms();
    std::vector<QuantForm> out(layers);
    const QuantForm shared = forms[rng() % forms.size()];
    for (auto& f : out) f = perLayer ? forms[rng() % forms.size()] : shared;
    return out;
}

torch::Tensor labelLoss(const torch::Tensor& logits, const torch::Tensor& y, double smoothing) {
    return F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().label_smoothing(smoothing));
}

torch::Tensor guidedLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                         const torch::Tensor& y, double alpha, double smoothing) {
    auto kl = F::kl_div(F::log_softmax(student, F::LogSoftmaxFuncOptions(1)),
                        F::softmax(teacher, F::SoftmaxFuncOptions(1)),
                        F::KLDivFuncOptions().reduction(torch::kBatchMean));
    return alpha * kl + (1.0 - alpha) * labelLoss(student, y, smoothing);
}

double cosineLr(double base, int64_t step, int64_t total) {
    return total > 0 ? 0.5 * base * (1.0 + std::cos(M_PI * double(step) / double(total))) : base;
}

void clearGradients(const std::vector<torch::Tensor>& params) {
    for (const auto& p : params)
        if (p.grad().defined()) p.mutable_grad().reset();
}

void applyUpdate(torch::optim::Optimizer& optim, const std::vector<torch::Tensor>& params,
                 double gradClip, Supernet::Impl& net) {
    torch::nn::utils::clip_grad_value_(params, gradClip);
    optim.step();
    net.constrainQuantizers();
}

void zeroUnusedSlotGradients(Supernet::Impl& net) {
    for (auto& [name, layer] : net.qlayers) {
        for (auto* bank : layer->slotBanks()) {
            bool used = false;
            for (int bits = kMinBits; bits <= kMaxBits; ++bits) used |= bank->logStepParam(bits).grad().defined();
            if (!used) continue;
            for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
                std::vector<torch::Tensor> ps{bank->logStepParam(bits)};
                if (bank->asymmetric()) ps.push_back(bank->zeroParam(bits));
                for (auto& p : ps)
                    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
            }
        }
    }
}

std::vector<torch::Tensor> wdrWeights(Supernet::Impl& net) {
    std::vector<torch::Tensor> w;
    for (size_t i = 1; i < net.qlayers.size(); ++i) w.push_back(net.qlayers[i].second->weight);
    return w;
}

StepResult sandwichStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                        const TrainConfig& cfg, int64_t step) {
    StepResult r;
    if (cfg.wdr) {
        WdrOptions o{cfg.wdrSkewWeight, cfg.wdrKurtWeight, cfg.wdrSkewTarget, cfg.wdrKurtTarget};
        r.wdr = wdrLoss(wdrWeights(net), o);
        r.wdr.loss.backward();
    }
    auto rng = stepRng(cfg.seed, step);
    const size_t L = net.layers.size();
    const int K = std::max(cfg.subnetsPerStep, 2);
    torch::Tensor prev, largest;
    for (int k = 0; k < K; ++k) {
        const bool isLargest = k == 0, isSmallest = k == K - 1;
        const auto forms = drawForms(rng, L, cfg.formPerLayer);
        for (size_t i = 0; i < L; ++i) {
            LayerBits b{kMaxBits, kMaxBits};
            if (!net.layers[i].fixedBits) {
                if (isSmallest) b = {kMinBits, kMinBits};
                else if (!isLargest) b = {kMinBits + int(rng() % kNumBitSlots), kMinBits + int(rng() % kNumBitSlots)};
            }
            net.applyLayer(i, b, forms[i]);
        }
        auto logits = net.model->forward(x);
        torch::Tensor loss;
        if (isLargest || cfg.guidance == Guidance::Labels)
            loss = labelLoss(logits, y, cfg.labelSmoothing);
        else
            loss = guidedLoss(logits, cfg.guidance == Guidance::Gpg ? prev : largest, y, cfg.alpha,
                              cfg.labelSmoothing);
        loss.backward();
        // The next, lower-precision subnet is guided by this one's output, detached (GPG).
        prev = logits.detach();
        if (isLargest) largest = prev;
        r.names.push_back(isLargest ? "largest" : isSmallest ? "smallest" : "random" + std::to_string(k));
        r.losses.push_back(loss.item<double>());
    }
    net.fullPrecision = false;
    return r;
}

StepResult staticStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                      const TrainConfig& cfg) {
    for (size_t i = 0; i < net.layers.size(); ++i) {
        const int b = net.layers[i].fixedBits ? kFixedLayerBits : cfg.staticBits;
        net.applyLayer(i, {b, b}, cfg.staticForm);
    }
    net.fullPrecision = false;
    auto loss = labelLoss(net.model->forward(x), y, cfg.labelSmoothing);
    loss.backward();
    StepResult r;
    r.names = {"W" + std::to_string(cfg.staticBits) + "A" + std::to_string(cfg.staticBits)};
    r.losses = {loss.item<double>()};
    return r;
}

StepResult fpStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                  const TrainConfig& cfg) {
    for (auto& [name, layer] : net.qlayers) layer->setting.quantize = false;
    net.fullPrecision = true;
    auto loss = labelLoss(net.model->forward(x), y, cfg.labelSmoothing);
    loss.backward();
    StepResult r;
    r.names = {"fp"};
    r.losses = {loss.item<double>()};
    return r;
}

} // namespace eqnet::train
