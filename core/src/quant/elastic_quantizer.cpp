#include "quant/elastic_quantizer.h"

#include <ATen/Parallel.h>

#include <atomic>
#include <cmath>
#include <sstream>

namespace eqnet::quant {

SlotBank::SlotBank(torch::nn::Module& owner, const std::string& prefix, const std::string& description,
                   const std::vector<int64_t>& shape, bool asymmetric, bool isUnsigned)
    : prefix_(prefix), description_(description), asym_(asymmetric), unsigned_(isUnsigned) {
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        const size_t k = size_t(slotIndex(b));
        logStep_[k] = owner.register_parameter(prefix + "_log_step_" + std::to_string(b), torch::zeros(shape));
        if (asym_) zero_[k] = owner.register_parameter(prefix + "_zero_" + std::to_string(b), torch::zeros(shape));
    }
}

void SlotBank::set(int bits, const torch::Tensor& step, const torch::Tensor& zero) {
    torch::NoGradGuard ng;
    const size_t k = size_t(slotIndex(bits));
    auto s = step.detach().to(logStep_[k].device(), logStep_[k].scalar_type()).reshape(logStep_[k].sizes());
    TORCH_CHECK(torch::all(s > 0).item<bool>(), "quantizer step must be positive");
    logStep_[k].copy_(s.log());
    if (asym_) {
        const QuantRange r = range(bits);
        zero_[k].copy_(zero.detach().to(zero_[k].device(), zero_[k].scalar_type())
                           .reshape(zero_[k].sizes()).clamp(double(r.n), double(r.p)));
    }
}

void SlotBank::constrain() {
    if (!asym_) return;
    torch::NoGradGuard ng;
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        auto& z = zero_[size_t(slotIndex(b))];
        if (!z.grad().defined()) continue; // not moved by this step
        const QuantRange r = range(b);
        z.clamp_(double(r.n), double(r.p));
    }
}

namespace {
std::string num(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}
} // namespace

void SlotBank::check(std::vector<SlotProblem>& out) const {
    for (int b = kMinBits; b <= kMaxBits; ++b) checkBits(b, out);
}

bool SlotBank::valid(int bits) const {
    std::vector<SlotProblem> p;
    checkBits(bits, p);
    return p.empty();
}

std::string SlotBank::location(int bits, int64_t channel) const {
    std::string w = description_ + ", " + std::to_string(bits) + "-bit";
    if (logStep_[size_t(slotIndex(bits))].numel() > 1) w += ", channel " + std::to_string(channel);
    return w;
}

void SlotBank::checkBits(int b, std::vector<SlotProblem>& out) const {
    {
        const size_t k = size_t(slotIndex(b));
        const auto ls = logStep_[k].detach().to(torch::kCPU, torch::kDouble).reshape({-1}).contiguous();
        const QuantRange r = range(b);
        const auto zs = asym_ ? zero_[k].detach().to(torch::kCPU, torch::kDouble).reshape({-1}).contiguous()
                              : torch::Tensor();
        const double* lp = ls.data_ptr<double>();
        const double* zp = zs.defined() ? zs.data_ptr<double>() : nullptr;
        for (int64_t c = 0; c < ls.numel(); ++c) {
            const auto where = [&] { return location(b, c); };
            const double s = std::exp(lp[c]);
            if (!std::isfinite(lp[c]) || !(s > 0) || !std::isfinite(s))
                out.push_back({where(), "step " + num(s) + " is not a positive finite number"});
            if (zp && (!std::isfinite(zp[c]) || zp[c] < double(r.n) || zp[c] > double(r.p)))
                out.push_back({where(), "zero point " + num(zp[c]) + " is outside the integer range [" +
                                            std::to_string(r.n) + ", " + std::to_string(r.p) + "]"});
        }
    }
}

WeightQuantizerImpl::WeightQuantizerImpl(int64_t outChannels)
    : pcSym_(*this, "pc_sym", "weight per-channel symmetric", {outChannels}, false, false),
      pcAsym_(*this, "pc_asym", "weight per-channel asymmetric", {outChannels}, true, false),
      ptSym_(*this, "pt_sym", "weight per-tensor symmetric", {}, false, false),
      ptAsym_(*this, "pt_asym", "weight per-tensor asymmetric", {}, true, false) {}

SlotBank& WeightQuantizerImpl::bank(Granularity g, bool symmetric) {
    if (g == Granularity::PerChannel) return symmetric ? pcSym_ : pcAsym_;
    return symmetric ? ptSym_ : ptAsym_;
}

const SlotBank& WeightQuantizerImpl::bank(Granularity g, bool symmetric) const {
    return const_cast<WeightQuantizerImpl*>(this)->bank(g, symmetric);
}

std::pair<torch::Tensor, torch::Tensor> WeightQuantizerImpl::slot(int bits, Granularity g,
                                                                 bool symmetric) const {
    const SlotBank& b = bank(g, symmetric);
    return {b.step(bits), b.zero(bits)};
}

torch::Tensor WeightQuantizerImpl::forward(const torch::Tensor& w, int bits, Granularity g,
                                           bool symmetric) {
    const QuantRange r = quantRange(bits, /*isUnsigned=*/false);
    auto [s, z] = slot(bits, g, symmetric);
    const int64_t perStep = g == Granularity::PerChannel ? w.numel() / w.size(0) : w.numel();
    return fakeQuantize(w, s, z, r, lsqGradScale(r, perStep));
}

bool runClipSearches(std::vector<SlotSearch>& todo, ClipSearch search, const std::function<bool()>& stopped,
                     const std::function<void(const SlotSearch&, size_t done)>& onDone) {
    torch::NoGradGuard ng;
    // Searches differ in cost (a low bit-width drops fewer candidates early): each thread takes
    // the next one when it is free, rather than a fixed share. Only the calling thread (task 0)
    // reports progress.
    std::atomic<size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), int64_t(todo.size())));
    at::parallel_for(0, threads, 1, [&](int64_t b, int64_t e) {
        for (int64_t w = b; w < e; ++w)
            for (size_t k = next++; k < todo.size() && !stop; k = next++) {
                auto& t = todo[k];
                t.choice = search(t.x, t.range, t.symmetric, t.perChannel, kClipCandidates);
                const size_t d = ++done;
                if (w == 0) {
                    if (onDone) onDone(t, d);
                    if (stopped && stopped()) stop = true;
                }
            }
    });
    if (stop) return false;
    for (auto& t : todo) {
        t.bank->set(t.bits, t.choice.scale, t.symmetric ? torch::Tensor() : t.choice.zero);
        if (t.sameChoice) t.sameChoice->set(t.bits, t.choice.scale, t.choice.zero);
    }
    return true;
}

std::vector<SlotSearch> WeightQuantizerImpl::clipSearches(const torch::Tensor& w) {
    std::vector<SlotSearch> todo;
    const auto x = w.detach();
    for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
        const QuantRange r = quantRange(bits, false);
        for (bool perChannel : {true, false}) {
            const Granularity g = perChannel ? Granularity::PerChannel : Granularity::PerTensor;
            for (bool symmetric : {true, false}) todo.push_back({&bank(g, symmetric), x, bits, r, symmetric, perChannel, {}});
        }
    }
    return todo;
}

void WeightQuantizerImpl::calibrate(const torch::Tensor& w, ClipSearch search) {
    auto todo = clipSearches(w);
    runClipSearches(todo, search, {}, {});
}

ActQuantizerImpl::ActQuantizerImpl(bool isUnsigned)
    : unsigned_(isUnsigned),
      sym_(*this, "sym", "activation symmetric", {}, false, isUnsigned),
      asym_(*this, "asym", "activation asymmetric", {}, true, isUnsigned) {}

std::pair<torch::Tensor, torch::Tensor> ActQuantizerImpl::slot(int bits, bool symmetric) const {
    const SlotBank& b = bank(symmetric);
    return {b.step(bits), b.zero(bits)};
}

torch::Tensor ActQuantizerImpl::forward(const torch::Tensor& x, int bits, bool symmetric) {
    const QuantRange r = quantRange(bits, unsigned_);
    auto [s, z] = slot(bits, symmetric);
    // LSQ: N is the number of features of the layer, i.e. elements per image.
    const int64_t perImage = x.dim() > 0 && x.size(0) > 0 ? x.numel() / x.size(0) : x.numel();
    return fakeQuantize(x, s, z, r, lsqGradScale(r, perImage));
}

std::vector<SlotSearch> ActQuantizerImpl::clipSearches(const torch::Tensor& sample, bool shareUnsigned) {
    std::vector<SlotSearch> todo;
    const auto x = sample.detach();
    const bool shared = shareUnsigned && unsigned_ && x.numel() > 0 && x.min().item<float>() >= 0.0f;
    for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
        const QuantRange r = quantRange(bits, unsigned_);
        if (shared) {
            todo.push_back({&bank(true), x, bits, r, true, false, {}, &bank(false)});
            continue;
        }
        for (bool symmetric : {true, false}) todo.push_back({&bank(symmetric), x, bits, r, symmetric, false, {}});
    }
    return todo;
}

void ActQuantizerImpl::calibrate(const torch::Tensor& sample, ClipSearch search) {
    auto todo = clipSearches(sample);
    runClipSearches(todo, search, {}, {});
}

} // namespace eqnet::quant
