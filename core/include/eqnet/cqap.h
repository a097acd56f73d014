#pragma once
// CQAP, the Conditional Quantization-Aware accuracy Predictor (docs/method.md §5): measured
// subnets of every form, an encoder (one-hot bits per searchable layer + the form as the
// condition), and a small MLP that predicts a subnet's accuracy. Torch-free surface: fitting
// uses LibTorch inside core, prediction is plain C++ (fast, thread-safe, callable from the UI).
#include "eqnet/data.h"
#include "eqnet/job.h"
#include "eqnet/quant_types.h"
#include "eqnet/supernet.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace eqnet {

class MeasurementPool;

// One measured subnet.
struct CqapSample {
    SubnetConfig config;
    double accuracy = 0; // 0..1, validation split, BN re-estimated (§4)
    double loss = 0;
    double seconds = 0;  // time its measurement took
    int64_t index = -1;  // its position in the form's deterministic sample sequence
};

// §5 encoding. For every searchable layer (the fixed first and last layers are left out):
// one-hot w_bits (2..8) and one-hot a_bits (2..8); then, when conditional, one-hot
// granularity (per-tensor, per-channel), weight symmetry (symmetric, asymmetric) and
// activation symmetry (symmetric, asymmetric). The published encoder never set the
// "asymmetric" bits; here exactly one bit of each pair is set.
class CqapEncoder {
public:
    CqapEncoder() = default;
    CqapEncoder(const std::vector<LayerInfo>& layers, bool conditional);

    int size() const { return size_; }
    bool conditional() const { return conditional_; }
    int numLayers() const { return numLayers_; }
    const std::vector<int>& searchableLayers() const { return searchable_; }

    // The indices of the features that are 1 (the encoding is sparse: 2 per searchable layer
    // + 3 for the condition). Appends to `out`.
    void activeFeatures(const SubnetConfig& cfg, std::vector<int>& out) const;
    std::vector<float> encode(const SubnetConfig& cfg) const;
    // Inverse of encode(): fixed layers come back at 8/8; an unconditional encoding has no
    // form, so `form` is used. Throws eqnet::Error when a group is not exactly one-hot.
    SubnetConfig decode(const std::vector<float>& features, const QuantForm& form = {}) const;

private:
    bool conditional_ = true;
    int numLayers_ = 0;
    std::vector<std::string> names_;
    std::vector<int> searchable_;
    int size_ = 0;
};

struct CqapFitOptions {
    bool conditional = true;
    std::vector<int> hidden{64, 64}; // ReLU MLP (§5: small, since samples are few)
    double lr = 1e-3;                // Adam (§5)
    double weightDecay = 1e-4;       // §5
    int64_t batchSize = 64;
    int maxEpochs = 1500;
    int patience = 150;              // early stopping on a part of the training samples
    double testFraction = 0.2;       // §5: scores on a held-out 20%
    double earlyStopFraction = 0.15; // of the remaining 80%, for early stopping only
    uint64_t seed = 0;
    // MLPs fitted on the same split from different initialisations and batch orders; the
    // prediction is their mean (docs/method.md §5). 1: the single MLP of §5.
    int ensemble = 1;
};

struct CqapScores {
    double kendallTau = 0;   // held-out part, predicted vs measured
    double rmse = 0;         // held-out part, percentage points
    double mae = 0;          // held-out part, percentage points
    double trainRmse = 0;    // fitted part, percentage points
    int64_t trainSamples = 0, testSamples = 0;
    int epochs = 0;          // epochs run (early stopping)
    double seconds = 0;
    std::map<std::string, double> kendallTauPerForm; // held-out part, per form name
    // The held-out points, for a predicted-vs-measured scatter (accuracy 0..1).
    std::vector<double> testMeasured, testPredicted;
    std::vector<std::string> testForms;
};

class CqapPredictor {
public:
    CqapPredictor();
    ~CqapPredictor();
    CqapPredictor(const CqapPredictor&);
    CqapPredictor& operator=(const CqapPredictor&);
    CqapPredictor(CqapPredictor&&) noexcept;
    CqapPredictor& operator=(CqapPredictor&&) noexcept;

    // Fits on `samples` (sorted and split deterministically by opt.seed); throws eqnet::Error
    // when there are too few samples or they do not fit the layers.
    static CqapPredictor fit(const std::string& model, const std::vector<LayerInfo>& layers,
                             const std::vector<CqapSample>& samples, const CqapFitOptions& opt = {},
                             const StopToken& stop = {});

    bool valid() const;
    const std::string& model() const;
    const CqapEncoder& encoder() const;
    const CqapScores& scores() const;
    const CqapFitOptions& options() const;

    // Predicted accuracy (0..1) of each subnet, batched. Plain C++, const, thread-safe.
    std::vector<double> predict(const std::vector<SubnetConfig>& configs) const;
    double predict(const SubnetConfig& cfg) const;

    // "eqnet.cqap" JSON: the encoder, the weights, the scores. save() is atomic; load() names
    // the file and the field at fault, and checks the layers when given.
    std::string toJson() const;
    static CqapPredictor fromJson(const std::string& text, const std::string& source);
    void save(const std::string& path) const;
    static CqapPredictor load(const std::string& path);
    // Throws when the predictor was fitted for other layers (names or count).
    void checkLayers(const std::string& model, const std::vector<LayerInfo>& layers,
                     const std::string& source) const;

    struct Impl;

private:
    std::unique_ptr<Impl> d_;
};

// Kendall's tau-b (ties counted as in tau-b); 0 when fewer than two pairs.
double kendallTau(const std::vector<double>& a, const std::vector<double>& b);

// ---- Sampling (§5 data) -------------------------------------------------------------------

struct CqapSamplingOptions {
    int perForm = 100;                       // samples per form
    std::vector<QuantForm> forms = allForms();
    uint64_t seed = 0;
    EvalOptions eval;                        // §4 measurement on the validation split
};

// The index-th subnet of a form's sample sequence: deterministic in (seed, form, index). Its
// weight and activation bits are drawn around two centres 2 + 6u^2 (u uniform in [0, 1)),
// so the average bit-widths cover the whole range 2..8, denser at the low end where accuracy
// changes (cqap_sampling.cpp says why).
SubnetConfig cqapSampleConfig(const std::vector<LayerInfo>& layers, const QuantForm& form,
                              uint64_t seed, int64_t index);


// Reads the samples file (JSON lines) and keeps those of `checkpointId` (any when empty) that
// fit the layers.
// A damaged line (e.g. the last one, cut by a crash) is skipped and counted in *skipped.
std::vector<CqapSample> readCqapSamples(const std::string& path, const std::vector<LayerInfo>& layers,
                                        const std::string& checkpointId, int* skipped = nullptr);

struct CqapSamplingOutcome {
    std::vector<CqapSample> samples; // every sample of the requested sequence measured so far
    int64_t measured = 0;            // measured by this call
    int64_t reused = 0;              // found in the file
    bool finished = false;           // false: stopped
    double seconds = 0;
};

// Measures the samples the file does not hold yet, appending each line as soon as it is
// measured (so a stop or a crash loses at most the subnet being measured, and a larger
// budget reuses what exists). Forms are interleaved, so a partial run is balanced.
// The subnets are measured on the pool's workers (measurement_pool.h).
CqapSamplingOutcome sampleCqap(MeasurementPool& pool, const Dataset& data, const std::string& samplesPath,
                               const std::string& checkpointId, const CqapSamplingOptions& opt,
                               const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace eqnet
