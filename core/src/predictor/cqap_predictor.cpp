#include "eqnet/cqap.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/timing.h"
#include "io/json_fields.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

namespace eqnet {

using nlohmann::json;

namespace {
constexpr const char* kCqapSchema = "eqnet.cqap";
// Version 1 holds one MLP ("mlp"); version 2 an ensemble ("mlps"). A single MLP is still
// written as version 1, so that files of a plain fit stay readable by older builds.
constexpr int kCqapVersion = 2;
constexpr size_t kMinFitSamples = 20;
constexpr uint64_t kMemberSeedStride = 0x9E3779B97F4A7C15ull; // member m fits with seed + m * stride

// A dense layer of the fitted MLP, stored for plain-C++ inference. The first layer is kept
// transposed ([in][out]) because its input is one-hot: a layer output is a sum of columns.
struct DenseLayer {
    int in = 0, out = 0;
    std::vector<float> weight; // [out][in], or [in][out] for the first layer
    std::vector<float> bias;   // [out]
};

// Deterministic shuffle (std::shuffle's use of the engine is implementation-defined).
template <class T>
void seededShuffle(std::vector<T>& v, uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (size_t i = v.size(); i > 1; --i) {
        const size_t j = size_t(rng() % i);
        std::swap(v[i - 1], v[j]);
    }
}

double pp(double fraction) { return 100.0 * fraction; }
} // namespace

struct CqapPredictor::Impl {
    std::string model;
    std::vector<std::string> layerNames;
    CqapEncoder encoder;
    CqapFitOptions options;
    CqapScores scores;
    // The MLPs of the ensemble (one unless CqapFitOptions::ensemble > 1); each net[0] transposed.
    std::vector<std::vector<DenseLayer>> members;
    double yMean = 0, yStd = 1;  // targets are standardised for fitting

    // The ensemble's prediction: the mean of its members' outputs.
    double forward(const std::vector<int>& active, std::vector<float>& a, std::vector<float>& b) const {
        double sum = 0;
        for (const auto& net : members) sum += forwardOne(net, active, a, b);
        return sum / double(members.size());
    }

    double forwardOne(const std::vector<DenseLayer>& net, const std::vector<int>& active, std::vector<float>& a,
                      std::vector<float>& b) const {
        const DenseLayer& first = net[0];
        a.assign(first.bias.begin(), first.bias.end());
        for (int j : active) {
            const float* col = first.weight.data() + size_t(j) * size_t(first.out);
            for (int o = 0; o < first.out; ++o) a[size_t(o)] += col[o];
        }
        for (size_t l = 1; l < net.size(); ++l) {
            for (auto& v : a) v = v > 0.0f ? v : 0.0f; // ReLU after every hidden layer
            const DenseLayer& L = net[l];
            b.assign(L.bias.begin(), L.bias.end());
            for (int o = 0; o < L.out; ++o) {
                const float* w = L.weight.data() + size_t(o) * size_t(L.in);
                float s = 0.0f;
                for (int i = 0; i < L.in; ++i) s += w[i] * a[size_t(i)];
                b[size_t(o)] += s;
            }
            a.swap(b);
        }
        const double y = double(a[0]) * yStd + yMean;
        return std::clamp(y, 0.0, 1.0);
    }
};

CqapPredictor::CqapPredictor() = default;
CqapPredictor::~CqapPredictor() = default;
CqapPredictor::CqapPredictor(const CqapPredictor& o) : d_(o.d_ ? std::make_unique<Impl>(*o.d_) : nullptr) {}
CqapPredictor& CqapPredictor::operator=(const CqapPredictor& o) {
    d_ = o.d_ ? std::make_unique<Impl>(*o.d_) : nullptr;
    return *this;
}
CqapPredictor::CqapPredictor(CqapPredictor&&) noexcept = default;
CqapPredictor& CqapPredictor::operator=(CqapPredictor&&) noexcept = default;

bool CqapPredictor::valid() const { return d_ && !d_->members.empty(); }

namespace {
const CqapPredictor::Impl& need(const std::unique_ptr<CqapPredictor::Impl>& d) {
    if (!d || d->members.empty()) throw Error("CQAP: the predictor has not been fitted or loaded");
    return *d;
}
} // namespace

const std::string& CqapPredictor::model() const { return need(d_).model; }
const CqapEncoder& CqapPredictor::encoder() const { return need(d_).encoder; }
const CqapScores& CqapPredictor::scores() const { return need(d_).scores; }
const CqapFitOptions& CqapPredictor::options() const { return need(d_).options; }

std::vector<double> CqapPredictor::predict(const std::vector<SubnetConfig>& configs) const {
    const Impl& d = need(d_);
    std::vector<double> out(configs.size());
    std::vector<int> active;
    std::vector<float> a, b;
    for (size_t i = 0; i < configs.size(); ++i) {
        active.clear();
        d.encoder.activeFeatures(configs[i], active);
        out[i] = d.forward(active, a, b);
    }
    return out;
}

double CqapPredictor::predict(const SubnetConfig& cfg) const { return predict(std::vector<SubnetConfig>{cfg})[0]; }

double kendallTau(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) throw Error("kendallTau: the two lists differ in length");
    const size_t n = x.size();
    double concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            const double dx = x[i] - x[j], dy = y[i] - y[j];
            if (dx == 0 && dy == 0) continue;
            if (dx == 0) { tiesX += 1; continue; }
            if (dy == 0) { tiesY += 1; continue; }
            if ((dx > 0) == (dy > 0)) concordant += 1;
            else discordant += 1;
        }
    const double denom = std::sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
    return denom > 0 ? (concordant - discordant) / denom : 0.0;
}

namespace {

void computeScores(const CqapPredictor& p, const std::vector<CqapSample>& train,
                   const std::vector<CqapSample>& test, CqapScores& s) {
    auto configsOf = [](const std::vector<CqapSample>& v) {
        std::vector<SubnetConfig> c;
        c.reserve(v.size());
        for (const auto& x : v) c.push_back(x.config);
        return c;
    };
    const auto trainPred = p.predict(configsOf(train));
    double se = 0;
    for (size_t i = 0; i < train.size(); ++i) se += std::pow(pp(trainPred[i] - train[i].accuracy), 2);
    s.trainRmse = train.empty() ? 0 : std::sqrt(se / double(train.size()));

    s.testPredicted = p.predict(configsOf(test));
    s.testMeasured.clear();
    s.testForms.clear();
    double se2 = 0, ae = 0;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> perForm;
    for (size_t i = 0; i < test.size(); ++i) {
        s.testMeasured.push_back(test[i].accuracy);
        s.testForms.push_back(formName(test[i].config.form));
        const double e = pp(s.testPredicted[i] - test[i].accuracy);
        se2 += e * e;
        ae += std::fabs(e);
        auto& pf = perForm[s.testForms.back()];
        pf.first.push_back(s.testPredicted[i]);
        pf.second.push_back(test[i].accuracy);
    }
    s.rmse = test.empty() ? 0 : std::sqrt(se2 / double(test.size()));
    s.mae = test.empty() ? 0 : ae / double(test.size());
    s.kendallTau = kendallTau(s.testPredicted, s.testMeasured);
    s.kendallTauPerForm.clear();
    for (const auto& [name, v] : perForm)
        if (v.first.size() >= 3) s.kendallTauPerForm[name] = kendallTau(v.first, v.second);
    s.testSamples = int64_t(test.size());
}

// One MLP: trained on (xTrain, yTrain) with Adam, the weights of the epoch with the lowest
// loss on (xStop, yStop) kept (early stopping), copied out for plain-C++ inference.
std::vector<DenseLayer> fitMember(int features, const torch::Tensor& xTrain, const torch::Tensor& yTrain,
                                  const torch::Tensor& xStop, const torch::Tensor& yStop,
                                  const CqapFitOptions& opt, uint64_t seed, const StopToken& stop, int& epochs) {
    torch::manual_seed(seed);
    torch::nn::Sequential mlp;
    int in = features;
    for (int h : opt.hidden) {
        mlp->push_back(torch::nn::Linear(in, h));
        mlp->push_back(torch::nn::ReLU());
        in = h;
    }
    torch::nn::Linear head(in, 1);
    {
        torch::NoGradGuard ng;
        head->bias.zero_(); // = the mean accuracy (§5)
    }
    mlp->push_back(head);
    torch::optim::Adam adam(mlp->parameters(),
                            torch::optim::AdamOptions(opt.lr).weight_decay(opt.weightDecay));

    std::vector<torch::Tensor> best;
    auto snapshot = [&] {
        best.clear();
        for (const auto& p : mlp->parameters()) best.push_back(p.detach().clone());
    };
    snapshot();
    double bestStop = std::numeric_limits<double>::infinity();
    int sinceBest = 0;
    epochs = 0;
    std::vector<int64_t> order(size_t(xTrain.size(0)));
    std::iota(order.begin(), order.end(), 0);
    const int64_t bs = std::max<int64_t>(1, opt.batchSize);
    for (int epoch = 0; epoch < opt.maxEpochs && !stop.stopRequested(); ++epoch) {
        seededShuffle(order, seed * 1000003ull + uint64_t(epoch));
        mlp->train();
        for (size_t b = 0; b < order.size(); b += size_t(bs)) {
            const size_t e = std::min(order.size(), b + size_t(bs));
            auto idx = torch::from_blob(order.data() + b, {int64_t(e - b)}, torch::kLong);
            auto loss = torch::smooth_l1_loss(mlp->forward(xTrain.index_select(0, idx)), yTrain.index_select(0, idx));
            adam.zero_grad();
            loss.backward();
            adam.step();
        }
        ++epochs;
        torch::NoGradGuard ng;
        const double stopLoss = torch::mse_loss(mlp->forward(xStop), yStop).item<double>();
        if (stopLoss < bestStop - 1e-9) {
            bestStop = stopLoss;
            sinceBest = 0;
            snapshot();
        } else if (++sinceBest >= opt.patience) {
            break;
        }
    }
    if (stop.stopRequested()) throw Error("CQAP: fitting stopped");

    std::vector<DenseLayer> net;
    size_t k = 0;
    for (size_t l = 0; l < opt.hidden.size() + 1; ++l) {
        const torch::Tensor w = best[k++].contiguous();
        const torch::Tensor bvec = best[k++].contiguous();
        DenseLayer L;
        L.out = int(w.size(0));
        L.in = int(w.size(1));
        const torch::Tensor stored = l == 0 ? w.t().contiguous() : w;
        L.weight.assign(stored.data_ptr<float>(), stored.data_ptr<float>() + stored.numel());
        L.bias.assign(bvec.data_ptr<float>(), bvec.data_ptr<float>() + bvec.numel());
        net.push_back(std::move(L));
    }
    return net;
}

} // namespace

CqapPredictor CqapPredictor::fit(const std::string& model, const std::vector<LayerInfo>& layers,
                                 const std::vector<CqapSample>& samplesIn, const CqapFitOptions& opt,
                                 const StopToken& stop) {
    const auto t0 = std::chrono::steady_clock::now();
    if (samplesIn.size() < kMinFitSamples)
        throw Error("CQAP: " + std::to_string(samplesIn.size()) + " measured subnets are too few to fit the "
                    "predictor (at least " + std::to_string(kMinFitSamples) + ")");
    if (opt.testFraction <= 0 || opt.testFraction >= 0.9)
        throw Error("CQAP: the held-out fraction must lie in (0, 0.9)");
    if (opt.hidden.empty()) throw Error("CQAP: the MLP needs at least one hidden layer");
    if (opt.ensemble < 1) throw Error("CQAP: the ensemble needs at least one MLP");
    for (int h : opt.hidden)
        if (h <= 0) throw Error("CQAP: hidden layer sizes must be positive");

    auto d = std::make_unique<Impl>();
    d->model = model;
    for (const auto& l : layers) d->layerNames.push_back(l.name);
    d->encoder = CqapEncoder(layers, opt.conditional);
    d->options = opt;

    // Canonical order, then a seeded split: the same samples give the same split whatever
    // order the file holds them in.
    std::vector<CqapSample> samples = samplesIn;
    std::stable_sort(samples.begin(), samples.end(), [](const CqapSample& a, const CqapSample& b) {
        const int fa = formIndex(a.config.form), fb = formIndex(b.config.form);
        if (fa != fb) return fa < fb;
        return a.index < b.index;
    });
    seededShuffle(samples, opt.seed ^ 0x5eedc0a9ull);
    const size_t nTest = std::max<size_t>(1, size_t(std::lround(double(samples.size()) * opt.testFraction)));
    std::vector<CqapSample> test(samples.begin(), samples.begin() + long(nTest));
    std::vector<CqapSample> rest(samples.begin() + long(nTest), samples.end());
    const size_t nStop = std::max<size_t>(1, size_t(std::lround(double(rest.size()) * opt.earlyStopFraction)));
    std::vector<CqapSample> stopSet(rest.begin(), rest.begin() + long(nStop));
    std::vector<CqapSample> train(rest.begin() + long(nStop), rest.end());

    // Targets standardised on the training part: the accuracies of a supernet's subnets span
    // a few points only, and a unit-variance target keeps Adam's default step meaningful. The
    // output bias then starts at the mean accuracy (§5), in these units 0.
    double mean = 0, var = 0;
    for (const auto& s : train) mean += s.accuracy;
    mean /= double(train.size());
    for (const auto& s : train) var += (s.accuracy - mean) * (s.accuracy - mean);
    const double stdev = std::sqrt(var / double(train.size()));
    d->yMean = mean;
    d->yStd = stdev > 1e-6 ? stdev : 1e-6;

    auto toTensors = [&](const std::vector<CqapSample>& v) {
        auto x = torch::zeros({int64_t(v.size()), d->encoder.size()});
        auto y = torch::zeros({int64_t(v.size()), 1});
        auto xa = x.accessor<float, 2>();
        auto ya = y.accessor<float, 2>();
        std::vector<int> active;
        for (size_t i = 0; i < v.size(); ++i) {
            active.clear();
            d->encoder.activeFeatures(v[i].config, active);
            for (int j : active) xa[int64_t(i)][j] = 1.0f;
            ya[int64_t(i)][0] = float((v[i].accuracy - d->yMean) / d->yStd);
        }
        return std::make_pair(x, y);
    };
    auto [xTrain, yTrain] = toTensors(train);
    auto [xStop, yStop] = toTensors(stopSet);

    // Ensemble members differ in initialisation and batch order only (member 0 is the single
    // MLP a plain fit gives); every member stops early on the same part.
    int epochSum = 0;
    for (int m = 0; m < opt.ensemble; ++m) {
        int epochs = 0;
        d->members.push_back(fitMember(d->encoder.size(), xTrain, yTrain, xStop, yStop, opt,
                                       opt.seed + uint64_t(m) * kMemberSeedStride, stop, epochs));
        epochSum += epochs;
    }

    CqapPredictor p;
    p.d_ = std::move(d);
    // Scores from the same plain-C++ path that search uses.
    computeScores(p, train, test, p.d_->scores);
    p.d_->scores.trainSamples = int64_t(train.size() + stopSet.size());
    p.d_->scores.epochs = epochSum / opt.ensemble;
    p.d_->scores.seconds = secondsSince(t0);
    return p;
}

// ---- Files ----------------------------------------------------------------------------------

std::string CqapPredictor::toJson() const {
    const Impl& d = need(d_);
    json j;
    j["schema"] = kCqapSchema;
    j["version"] = d.members.size() > 1 ? kCqapVersion : 1;
    j["model"] = d.model;
    j["layers"] = d.layerNames;
    j["conditional"] = d.encoder.conditional();
    j["features"] = d.encoder.size();
    j["target"] = {{"mean", d.yMean}, {"std", d.yStd}};
    j["fit"] = {{"hidden", d.options.hidden},       {"lr", d.options.lr},
                {"weight_decay", d.options.weightDecay}, {"batch_size", d.options.batchSize},
                {"max_epochs", d.options.maxEpochs}, {"patience", d.options.patience},
                {"test_fraction", d.options.testFraction}, {"early_stop_fraction", d.options.earlyStopFraction},
                {"seed", d.options.seed}, {"ensemble", int(d.members.size())}};
    const CqapScores& s = d.scores;
    j["scores"] = {{"kendall_tau", s.kendallTau},       {"rmse_pp", s.rmse},
                   {"mae_pp", s.mae},                   {"train_rmse_pp", s.trainRmse},
                   {"train_samples", s.trainSamples},   {"test_samples", s.testSamples},
                   {"epochs", s.epochs},                {"seconds", s.seconds},
                   {"kendall_tau_per_form", s.kendallTauPerForm},
                   {"test_measured", s.testMeasured},   {"test_predicted", s.testPredicted},
                   {"test_forms", s.testForms}};
    json mlps = json::array();
    for (const auto& member : d.members) {
        json net = json::array();
        for (size_t l = 0; l < member.size(); ++l) {
            const DenseLayer& L = member[l];
            net.push_back({{"in", L.in}, {"out", L.out}, {"layout", l == 0 ? "in_out" : "out_in"},
                           {"weight", L.weight}, {"bias", L.bias}});
        }
        mlps.push_back(std::move(net));
    }
    if (mlps.size() == 1) j["mlp"] = mlps[0];
    else j["mlps"] = mlps;
    return j.dump() + "\n";
}

CqapPredictor CqapPredictor::fromJson(const std::string& text, const std::string& source) {
    const json j = jsonio::parseDocument(text, source);
    if (!j.is_object()) jsonio::fail(source, "not a CQAP predictor file (expected a JSON object)");
    if (j.value("schema", json()) != json(kCqapSchema))
        jsonio::fail(source, std::string("not a CQAP predictor file (\"schema\" must be \"") + kCqapSchema + "\")");
    const json& ver = jsonio::need(j, "version", "", source);
    int version = 0;
    if (!jsonio::tryAs(ver, version) || version < 1 || version > kCqapVersion)
        jsonio::fail(source, "field \"version\" = " + ver.dump() + " is not supported (this build reads versions 1 to " +
                        std::to_string(kCqapVersion) + ")");
    auto d = std::make_unique<Impl>();
    try {
        d->model = jsonio::need<std::string>(j, "model", "", source);
        d->layerNames = jsonio::need<std::vector<std::string>>(j, "layers", "", source);
        const bool conditional = jsonio::need<bool>(j, "conditional", "", source);
        const json& target = jsonio::need(j, "target", "", source);
        d->yMean = jsonio::need<double>(target, "mean", "", source);
        d->yStd = jsonio::need<double>(target, "std", "", source);
        const json& fit = jsonio::need(j, "fit", "", source);
        d->options.conditional = conditional;
        d->options.hidden = fit.value("hidden", d->options.hidden);
        d->options.lr = fit.value("lr", d->options.lr);
        d->options.weightDecay = fit.value("weight_decay", d->options.weightDecay);
        d->options.seed = fit.value("seed", d->options.seed);
        if (auto it = j.find("scores"); it != j.end()) {
            const json& s = *it;
            CqapScores& sc = d->scores;
            sc.kendallTau = s.value("kendall_tau", 0.0);
            sc.rmse = s.value("rmse_pp", 0.0);
            sc.mae = s.value("mae_pp", 0.0);
            sc.trainRmse = s.value("train_rmse_pp", 0.0);
            sc.trainSamples = s.value("train_samples", int64_t(0));
            sc.testSamples = s.value("test_samples", int64_t(0));
            sc.epochs = s.value("epochs", 0);
            sc.seconds = s.value("seconds", 0.0);
            sc.kendallTauPerForm = s.value("kendall_tau_per_form", std::map<std::string, double>{});
            sc.testMeasured = s.value("test_measured", std::vector<double>{});
            sc.testPredicted = s.value("test_predicted", std::vector<double>{});
            sc.testForms = s.value("test_forms", std::vector<std::string>{});
        }
        // The encoder is rebuilt from the layer names; which layers are fixed is not stored
        // per name, so the file records the searchable count through "features".
        const int features = jsonio::need<int>(j, "features", "", source);
        // Version 1: one MLP in "mlp"; version 2: the ensemble's MLPs in "mlps".
        std::vector<std::pair<const json*, std::string>> nets;
        if (version == 1) {
            nets.push_back({&jsonio::need(j, "mlp", "", source), "mlp"});
        } else {
            const json& mlps = jsonio::need(j, "mlps", "", source);
            if (!mlps.is_array() || mlps.empty()) jsonio::fail(source, "field \"mlps\" must be a non-empty array");
            for (size_t m = 0; m < mlps.size(); ++m) nets.push_back({&mlps[m], "mlps[" + std::to_string(m) + "]"});
        }
        for (const auto& [mlp, name] : nets) {
            if (!mlp->is_array() || mlp->empty()) jsonio::fail(source, "field \"" + name + "\" must be a non-empty array");
            std::vector<DenseLayer> net;
            for (size_t l = 0; l < mlp->size(); ++l) {
                const json& L = (*mlp)[l];
                DenseLayer dl;
                dl.in = jsonio::need<int>(L, "in", "", source);
                dl.out = jsonio::need<int>(L, "out", "", source);
                dl.weight = jsonio::need<std::vector<float>>(L, "weight", "", source);
                dl.bias = jsonio::need<std::vector<float>>(L, "bias", "", source);
                const std::string where = name + "[" + std::to_string(l) + "]";
                if (dl.in <= 0 || dl.out <= 0 || dl.weight.size() != size_t(dl.in) * size_t(dl.out) ||
                    dl.bias.size() != size_t(dl.out))
                    jsonio::fail(source, "field \"" + where + "\": weight or bias size does not match in/out");
                if (l == 0 && dl.in != features) jsonio::fail(source, "field \"" + where + ".in\" differs from \"features\"");
                if (l > 0 && dl.in != net.back().out)
                    jsonio::fail(source, "field \"" + where + ".in\" differs from the previous layer's out");
                net.push_back(std::move(dl));
            }
            if (net.back().out != 1) jsonio::fail(source, "field \"" + name + "\": the last MLP layer must have one output");
            d->members.push_back(std::move(net));
        }
        d->options.ensemble = int(d->members.size());
        // Fixed layers are the first and the last (§1): rebuild the layer table from names.
        std::vector<LayerInfo> infos(d->layerNames.size());
        for (size_t i = 0; i < infos.size(); ++i) {
            infos[i].name = d->layerNames[i];
            infos[i].fixedBits = i == 0 || i + 1 == infos.size();
        }
        d->encoder = CqapEncoder(infos, conditional);
        if (d->encoder.size() != features)
            jsonio::fail(source, "field \"features\" = " + std::to_string(features) + " does not match " +
                            std::to_string(d->layerNames.size()) + " layers");
    } catch (const json::exception& e) {
        jsonio::fail(source, std::string("a field has the wrong type (") + e.what() + ")");
    }
    CqapPredictor p;
    p.d_ = std::move(d);
    return p;
}

void CqapPredictor::save(const std::string& path) const { writeFileAtomic(path, toJson()); }

CqapPredictor CqapPredictor::load(const std::string& path) { return fromJson(readTextFile(path, kMaxResultsFileBytes), path); }

void CqapPredictor::checkLayers(const std::string& model, const std::vector<LayerInfo>& layers,
                                const std::string& source) const {
    const Impl& d = need(d_);
    if (d.model != model)
        throw Error(source + ": the predictor was fitted for model '" + d.model + "', not '" + model + "'");
    bool same = d.layerNames.size() == layers.size();
    for (size_t i = 0; same && i < layers.size(); ++i) same = d.layerNames[i] == layers[i].name;
    if (!same) throw Error(source + ": the predictor was fitted for other layers than this supernet's");
}

} // namespace eqnet
