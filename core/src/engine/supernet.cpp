#include "eqnet/supernet.h"

#include "engine/adaptive_bn.h"
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/timing.h"
#include "graph/imported_network_json.h"

#include <chrono>
#include <cmath>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eqnet {

namespace fs = std::filesystem;


std::vector<LayerInfo> describeLayers(models::QuantModelImpl& model,
                                      std::vector<std::pair<std::string, quant::QuantLayer>>& q,
                                      const ModelSpec& spec) {
    torch::NoGradGuard ng;
    std::vector<std::vector<torch::Tensor>> sinks(q.size());
    for (size_t i = 0; i < q.size(); ++i) q[i].second->inputSink = &sinks[i];
    const bool wasTraining = model.is_training();
    model.eval();
    model.forward(torch::zeros({1, spec.inChannels, spec.imageSize, spec.imageSize},
                               model.parameters().front().options()));
    model.train(wasTraining);
    std::vector<LayerInfo> out;
    for (size_t i = 0; i < q.size(); ++i) {
        auto& layer = *q[i].second;
        layer.inputSink = nullptr;
        const auto& o = layer.options();
        LayerInfo info;
        info.name = q[i].first;
        info.kind = o.kind;
        info.weightShape = layer.weight.sizes().vec();
        info.outputShape.assign(layer.lastOutputShape.begin() + 1, layer.lastOutputShape.end());
        info.inChannels = o.in;
        info.outChannels = o.out;
        info.kernel = o.kernel;
        info.stride = o.stride;
        info.groups = o.groups;
        info.weightParams = layer.weight.numel();
        info.biasParams = layer.bias.defined() ? layer.bias.numel() : 0;
        int64_t spatial = 1;
        for (size_t k = 1; k < info.outputShape.size(); ++k) spatial *= info.outputShape[k];
        // Each output element costs one MAC per weight of its filter.
        info.macs = (o.kind == LayerKind::Conv2d ? spatial * o.out : o.out) * (info.weightParams / o.out);
        info.fixedBits = (i == 0 || i + 1 == q.size());
        info.actUnsigned = o.actUnsigned;
        out.push_back(std::move(info));
    }
    return out;
}

void Supernet::Impl::applyLayer(size_t i, const LayerBits& bits, const QuantForm& form) {
    auto& s = qlayers[i].second->setting;
    s.quantize = true;
    s.wBits = bits.w;
    s.aBits = bits.a;
    s.form = form;
}

std::vector<torch::Tensor> Supernet::Impl::sharedParameters() const {
    std::vector<torch::Tensor> params;
    for (const auto& p : model->named_parameters())
        if (!quant::QuantLayerImpl::isQuantizerParameter(p.key()))
            params.push_back(p.value());
    return params;
}

Supernet::Supernet(const ModelSpec& spec, const std::string& device, uint64_t seed)
    : d_(std::make_unique<Impl>()) {
    d_->spec = spec;
    d_->device = parseDevice(device);
    torch::manual_seed(seed);
    d_->model = models::buildModel(spec);
    d_->calibratedFlag = d_->model->register_buffer("eqnet_calibrated", torch::zeros({1}));
    d_->qlayers = d_->model->quantLayers();
    if (d_->qlayers.size() < 2) throw Error("model " + spec.name + " has fewer than two quantized layers");
    d_->layers = describeLayers(*d_->model, d_->qlayers, spec);
    d_->model->to(d_->device);
    d_->current = uniformSubnet(numLayers(), kMaxBits, kMaxBits, QuantForm{});
}

Supernet::~Supernet() = default;
Supernet::Supernet(Supernet&&) noexcept = default;
Supernet& Supernet::operator=(Supernet&&) noexcept = default;

const ModelSpec& Supernet::spec() const { return d_->spec; }
const std::vector<LayerInfo>& Supernet::layers() const { return d_->layers; }
std::string Supernet::device() const { return d_->device.str(); }
Supernet::Impl& Supernet::impl() { return *d_; }
const Supernet::Impl& Supernet::impl() const { return *d_; }

void Supernet::validate(const SubnetConfig& cfg) const {
    const auto& L = d_->layers;
    if (cfg.layers.size() != L.size())
        throw Error("subnet has " + std::to_string(cfg.layers.size()) + " layers but model " +
                    d_->spec.name + " has " + std::to_string(L.size()) + " quantized layers");
    for (size_t i = 0; i < L.size(); ++i) {
        const auto& b = cfg.layers[i];
        for (auto [v, field] : {std::pair<int, const char*>{b.w, "w_bits"}, {b.a, "a_bits"}}) {
            if (v < kMinBits || v > kMaxBits)
                throw Error("layers[" + std::to_string(i) + "] (" + L[i].name + ") " + field + " = " +
                            std::to_string(v) + " is out of range; allowed " +
                            std::to_string(kMinBits) + ".." + std::to_string(kMaxBits));
            if (L[i].fixedBits && v != kFixedLayerBits)
                throw Error("layers[" + std::to_string(i) + "] (" + L[i].name + ") " + field + " = " +
                            std::to_string(v) + ": the first and the last layer are fixed at " +
                            std::to_string(kFixedLayerBits) + " bits");
        }
    }
}

void Supernet::setSubnet(const SubnetConfig& cfg) {
    validate(cfg);
    for (size_t i = 0; i < cfg.layers.size(); ++i) d_->applyLayer(i, cfg.layers[i], cfg.form);
    d_->current = cfg;
    d_->fullPrecision = false;
}

void Supernet::setFullPrecision() {
    for (auto& [name, layer] : d_->qlayers) layer->setting.quantize = false;
    d_->fullPrecision = true;
}

bool Supernet::isFullPrecision() const { return d_->fullPrecision; }

SubnetConfig Supernet::largest(const QuantForm& form) const { return uniform(kMaxBits, kMaxBits, form); }
SubnetConfig Supernet::smallest(const QuantForm& form) const { return uniform(kMinBits, kMinBits, form); }
SubnetConfig Supernet::uniform(int w, int a, const QuantForm& form) const {
    return uniformSubnet(numLayers(), w, a, form);
}

SubnetConfig Supernet::random(std::mt19937_64& rng, const QuantForm& form) const {
    SubnetConfig cfg = uniform(kMaxBits, kMaxBits, form);
    for (size_t i = 0; i < cfg.layers.size(); ++i) {
        if (d_->layers[i].fixedBits) continue;
        cfg.layers[i].w = kMinBits + int(rng() % kNumBitSlots);
        cfg.layers[i].a = kMinBits + int(rng() % kNumBitSlots);
    }
    return cfg;
}

bool calibrateSupernet(Supernet::Impl& net, const Dataset& data, int64_t images, const ProgressFn& progress,
                       const StopToken& stop, CalibrationMethod method) {
    const bool fast = method == CalibrationMethod::Fast;
    const quant::ClipSearch search = fast ? quant::searchClipRange : quant::searchClipRangeReference;
    torch::NoGradGuard ng;
    const auto t0 = SteadyClock::now();
    auto& q = net.qlayers;
    std::vector<std::vector<torch::Tensor>> sinks(q.size());
    std::vector<quant::LayerSetting> saved;
    for (size_t i = 0; i < q.size(); ++i) {
        saved.push_back(q[i].second->setting);
        q[i].second->setting.quantize = false; // calibrate on FP activations
        q[i].second->inputSink = &sinks[i];
    }
    const bool wasTraining = net.model->is_training();
    const auto restore = [&] {
        for (size_t i = 0; i < q.size(); ++i) {
            q[i].second->inputSink = nullptr;
            q[i].second->setting = saved[i];
        }
        net.model->train(wasTraining);
    };
    net.model->eval();
    const Normalization norm{data.mean, data.std};
    // A fixed, seeded choice of training images: calibration is reproducible.
    const auto perm = seededPermutation(data.train.size(), 0x5EED);
    const int64_t n = std::min<int64_t>(images, data.train.size());
    try {
        for (int64_t b = 0; b < n; b += 128) {
            if (stop.stopRequested()) {
                restore();
                return false;
            }
            std::vector<int64_t> idx(perm.begin() + b, perm.begin() + std::min<int64_t>(n, b + 128));
            net.model->forward(imagesTensor(data.train, idx, norm, net.device));
        }
        for (auto& [name, layer] : q) layer->inputSink = nullptr;
        // Every slot's search of every layer in one pool (28 per weight, 14 per activation).
        std::vector<quant::SlotSearch> todo;
        std::vector<size_t> layerOf;
        for (size_t i = 0; i < q.size(); ++i) {
            auto& layer = *q[i].second;
            for (auto& t : layer.weightQuant->clipSearches(layer.weight.detach())) {
                todo.push_back(std::move(t));
                layerOf.push_back(i);
            }
            for (auto& t : layer.actQuant->clipSearches(torch::cat(sinks[i]), fast)) {
                todo.push_back(std::move(t));
                layerOf.push_back(i);
            }
            sinks[i].clear();
        }
        Progress p;
        p.stage = "calibrate";
        p.total = int64_t(todo.size());
        const bool finished = quant::runClipSearches(
            todo, search, [&] { return stop.stopRequested(); },
            [&](const quant::SlotSearch& t, size_t done) {
                if (!progress) return;
                p.done = int64_t(done);
                p.elapsedSeconds = secondsSince(t0);
                p.message = q[layerOf[size_t(&t - todo.data())]].first;
                progress(p);
            });
        if (!finished) {
            restore();
            return false;
        }
    } catch (...) {
        restore();
        throw;
    }
    restore();
    net.calibratedFlag.fill_(1);
    return true;
}

bool Supernet::calibrate(const Dataset& data, int64_t images, const ProgressFn& progress, const StopToken& stop) {
    return calibrateSupernet(*d_, data, images, progress, stop, CalibrationMethod::Fast);
}

int Supernet::recalibrate(const Dataset& data, int64_t images, bool all, const ProgressFn& progress) {
    struct Kept {
        quant::SlotBank* bank;
        int bits;
        torch::Tensor logStep, zero;
    };
    std::vector<Kept> kept;
    int replaced = 0;
    for (auto& [name, layer] : d_->qlayers) {
        for (auto* bank : layer->slotBanks())
            for (int bits = kMinBits; bits <= kMaxBits; ++bits) {
                if (all || !bank->valid(bits)) {
                    ++replaced;
                    continue;
                }
                kept.push_back({bank, bits, bank->logStepParam(bits).detach().clone(),
                                bank->asymmetric() ? bank->zeroParam(bits).detach().clone() : torch::Tensor()});
            }
    }
    calibrate(data, images, progress);
    torch::NoGradGuard ng;
    for (const auto& k : kept) {
        k.bank->logStepParam(k.bits).copy_(k.logStep);
        if (k.zero.defined()) k.bank->zeroParam(k.bits).copy_(k.zero);
    }
    return replaced;
}

bool Supernet::calibrated() const { return d_->calibratedFlag.item<float>() > 0; }

namespace {
// The seed of BN estimate r of a measurement (EvalOptions::bnRepeats).
uint64_t bnEstimateSeed(const EvalOptions& opt, int r) {
    return opt.bnSeed * uint64_t(std::max(1, opt.bnRepeats)) + uint64_t(r);
}
} // namespace

EvalOptions deployedEval(EvalOptions opt) {
    opt.bnSeed = bnEstimateSeed(opt, 0);
    opt.bnRepeats = 1;
    return opt;
}

std::string describeBn(const EvalOptions& opt) {
    if (opt.bnImages <= 0) return "BN statistics kept as trained";
    std::string s = "BN re-estimated on " + std::to_string(opt.bnImages) + " training images";
    if (opt.bnRepeats > 1) s += ", mean of " + std::to_string(opt.bnRepeats) + " estimates";
    return s;
}

namespace {
// What one measurement of a split adds up (over its BN estimates).
struct SplitTally {
    const ImageSet* split = nullptr;
    int64_t images = 0; // the split's images measured (maxImages)
    int64_t correct = 0;
    double lossSum = 0;
    int estimates = 0;
    std::vector<uint8_t> perImage; // kept with one estimate only
};

void measureSplit(models::QuantModelImpl& model, SplitTally& t, int64_t batchSize, const Normalization& norm,
                  const torch::Device& device, bool keepPerImage) {
    torch::NoGradGuard ng;
    if (keepPerImage) t.perImage.reserve(size_t(t.images));
    for (int64_t b = 0; b < t.images; b += batchSize) {
        std::vector<int64_t> idx;
        for (int64_t i = b; i < std::min(t.images, b + batchSize); ++i) idx.push_back(i);
        auto logits = model.forward(imagesTensor(*t.split, idx, norm, device));
        auto y = labelsTensor(*t.split, idx, device);
        t.lossSum += torch::nn::functional::cross_entropy(
                         logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                         .item<double>();
        const auto hit = logits.argmax(1).eq(y).to(torch::kCPU, torch::kUInt8).contiguous();
        if (keepPerImage) t.perImage.insert(t.perImage.end(), hit.data_ptr<uint8_t>(), hit.data_ptr<uint8_t>() + hit.numel());
        t.correct += hit.sum().item<int64_t>();
    }
    ++t.estimates;
}

EvalResult tallyResult(SplitTally& t) {
    EvalResult r;
    r.images = t.images;
    r.correct = std::move(t.perImage);
    const double n = double(t.images) * std::max(1, t.estimates);
    r.accuracy = t.images ? double(t.correct) / n : 0.0;
    r.loss = t.images ? t.lossSum / n : 0.0;
    return r;
}

int64_t imagesOf(const ImageSet& split, const EvalOptions& opt) {
    return opt.maxImages > 0 ? std::min(opt.maxImages, split.size()) : split.size();
}

// One BN estimate per repetition r of `opt`; `second` (when given) is measured under the first
// estimate only, which is deployedEval(opt)'s.
void measureSplits(Supernet& net, const Dataset& data, const EvalOptions& opt, SplitTally& first,
                   SplitTally* second) {
    if (!net.isFullPrecision() && !net.calibrated())
        throw Error("the quantizer is not calibrated: run calibration (or load a calibrated "
                    "checkpoint) before measuring a quantized subnet");
    if (opt.bnRepeats < 1) throw Error("BN repetitions per measurement must be at least 1");
    auto& model = *net.impl().model;
    const torch::Device device = net.impl().device;
    const bool wasTraining = model.is_training();
    const auto snapshot = saveBatchNorm(model);
    const Normalization norm{data.mean, data.std};
    const int repeats = opt.bnImages > 0 ? opt.bnRepeats : 1; // without re-estimation all agree
    for (int r = 0; r < repeats; ++r) {
        reestimateBatchNorm(model, data.train, norm, opt.bnImages, opt.bnBatchSize, bnEstimateSeed(opt, r), device);
        model.eval();
        measureSplit(model, first, opt.batchSize, norm, device, repeats == 1);
        if (r == 0 && second) measureSplit(model, *second, opt.batchSize, norm, device, true);
    }
    restoreBatchNorm(model, snapshot);
    model.train(wasTraining);
}
} // namespace

EvalResult Supernet::evaluate(const Dataset& data, const ImageSet& split, const EvalOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    SplitTally t;
    t.split = &split;
    t.images = imagesOf(split, opt);
    measureSplits(*this, data, opt, t, nullptr);
    EvalResult r = tallyResult(t);
    r.seconds = secondsSince(t0);
    return r;
}

SubnetEvaluation Supernet::evaluateSubnet(const Dataset& data, const EvalOptions& opt, bool test) {
    const auto t0 = std::chrono::steady_clock::now();
    SplitTally v, t;
    v.split = &data.val;
    v.images = imagesOf(data.val, opt);
    t.split = &data.test;
    t.images = imagesOf(data.test, opt);
    measureSplits(*this, data, opt, v, test ? &t : nullptr);
    SubnetEvaluation e;
    e.validation = tallyResult(v);
    if (test) e.test = tallyResult(t);
    e.seconds = secondsSince(t0);
    e.validation.seconds = e.seconds;
    if (e.test) e.test->seconds = e.seconds;
    return e;
}

} // namespace eqnet
