#pragma once
// Supernet training (docs/method.md §3) as a resumable job over a run directory, with a
// torch-free surface for the command line and the studio:
//   run.json        the configuration (what was asked), written once
//   metrics.jsonl   one JSON object per line, appended: steps, evaluations, events
//   checkpoints/    last.pt (supernet + optimizer + position, atomic), fp.pt (stage 1 result)
#include "eqnet/data.h"
#include "eqnet/job.h"
#include "eqnet/quant_types.h"
#include "eqnet/supernet.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace eqnet {

class RankGroup; // eqnet/distributed.h

enum class Guidance {
    Gpg,     // §3.2 GPG-Loss: each subnet guided by the detached output of the one before it
    Teacher, // the usual sandwich rule: every subnet guided by the largest
    Labels,  // no distillation: every subnet on the labels alone
};
std::string guidanceName(Guidance g);
Guidance parseGuidance(const std::string& s);

struct TrainConfig {
    std::string model = kDefaultModel; // a built-in name or an FP .onnx file (docs/user-guide.md §10)
    DataSpec data;
    uint64_t seed = 0;
    std::string device = "cpu";

    // Stage 1: the FP network (skipped when fromFp names a stage-1 checkpoint).
    int fpEpochs = 2;
    std::string fromFp;
    int64_t calibImages = 256; // §2

    // Stage 2: published defaults (§3).
    int epochs = 3;
    int64_t batchSize = 128;
    // Data-parallel runs (docs/distributed.md): batch norm normalises with the whole global
    // batch's statistics, as one process would; false: with each rank's own slice (PyTorch
    // DDP's default without SyncBatchNorm), which saves two small all-reduces per batch-norm
    // layer and pass but makes the run depend on the number of ranks.
    bool syncBatchNorm = true;
    double lr = 1e-3;            // Adam, cosine decay to 0
    double weightDecay = 0.0;
    double gradClip = 1.0;       // by value
    double labelSmoothing = 0.1;
    int subnetsPerStep = 3;      // K: largest, K-2 random, smallest
    Guidance guidance = Guidance::Gpg;
    double alpha = 0.5;          // loss = alpha * KL(prev || cur) + (1 - alpha) * CE
    bool wdr = true;             // §3.1
    double wdrSkewWeight = 1.0, wdrKurtWeight = 0.015, wdrSkewTarget = 0.0, wdrKurtTarget = 1.8;
    bool formPerLayer = true;    // §3.3: draw the form per layer so every slot learns
    // Ablation of the per-slot parameters (docs/method.md §2, "Quantizer slots"): give the unused
    // bit-widths of every setting a step touched a zero gradient, so Adam's momentum moves
    // them, as it did when a setting's slots were columns of one tensor.
    bool adamMovesUnusedSlots = false;

    // Static baseline instead of the supernet: QAT of ONE fixed subnet (uniform bits, one form).
    bool staticSubnet = false;
    int staticBits = 4;
    QuantForm staticForm;

    // Measurement and live views.
    EvalOptions eval;
    int64_t evalImages = 0;     // validation images per epoch-end evaluation (0: all)
    int64_t snapshotEvery = 50; // steps between weight snapshots (0: never)
};

// The model a run's configuration names, as something to build it from: a built-in name as it
// is, an ONNX file (TrainingJob::create copies it into the run) relative to the run folder.
std::string runModelPath(const std::string& runDir, const std::string& model);

std::string trainConfigToJson(const TrainConfig& c);
// Throws eqnet::Error naming `source` and the field at fault.
TrainConfig trainConfigFromJson(const std::string& text, const std::string& source);

struct StepMetrics {
    std::string stage; // "fp" or "supernet" / "static"
    int64_t step = 0;  // within the stage, 1-based
    int64_t totalSteps = 0;
    int epoch = 0;
    std::vector<std::string> subnetNames; // "largest", "random1", ..., "smallest"
    std::vector<double> losses;           // one per subnet
    double wdrLoss = 0, meanSkew = 0, meanKurt = 0;
    double lr = 0;
    double imagesPerSecond = 0; // of the whole run (all ranks)
    // Data-parallel: the ranks, and the bytes each sent into the step's gradient all-reduce.
    int ranks = 1;
    int64_t allReduceBytes = 0;
};

struct EpochMetrics {
    std::string stage;
    int epoch = 0;
    int64_t step = 0;
    std::vector<std::string> names; // "fp" or "W8A8", "W2A2", "W4A4" (uniform subnets)
    std::vector<double> valAccuracy;
};

// What the Weights tab draws: the FP weight histogram of a layer, its moments, and what the
// requested quantization (bits and form; the first and last layer at their fixed 8 bits) does
// to its weights. Everything after `kurtosis` is empty (or zero) before the quantizer is
// calibrated (the FP stage), when its steps are placeholders.
struct LayerSnapshot {
    std::string name;
    std::vector<double> edges;  // bins + 1
    std::vector<double> counts; // bins
    double skewness = 0, kurtosis = 0;
    // The levels (in weight units) of the tensor, or of output channel `channel`.
    std::vector<double> levels;
    int64_t channel = -1;              // -1: per-tensor levels
    std::vector<double> channelSteps;  // the step of each output channel (one: per tensor)
    // Of the whole layer: sum (w - Q(w))^2 / sum w^2, and the fraction of weights beyond the
    // lowest or highest level (clipped).
    double quantError = 0;
    double clippedFraction = 0;
};

struct SnapshotRequest {
    int bits = 4;
    QuantForm form;
    int bins = 80;
    // Per-channel levels of this output channel; -1 (or past the layer's last): the channel
    // with the widest range.
    int64_t channel = -1;
};

struct TrainCallbacks {
    std::function<void(const StepMetrics&)> onStep;
    std::function<void(const EpochMetrics&)> onEpoch;
    // Every snapshotEvery steps: the stage ("fp", "supernet", "static") and its own step count.
    std::function<void(const std::string& stage, int64_t step, const std::vector<LayerSnapshot>&)> onSnapshot;
    ProgressFn onProgress;
    std::function<void(const std::string&)> onMessage;
};

struct TrainOutcome {
    bool finished = false; // false: stopped, resumable
    int64_t fpSteps = 0, steps = 0;
    double seconds = 0;
};

class TrainingJob {
public:
    // A new run: writes run.json; throws when the folder already holds a run.
    static TrainingJob create(const std::string& runDir, const TrainConfig& cfg);
    // An existing run, to resume or inspect.
    static TrainingJob open(const std::string& runDir);
    ~TrainingJob();
    TrainingJob(TrainingJob&&) noexcept;
    TrainingJob& operator=(TrainingJob&&) noexcept;

    const TrainConfig& config() const;
    const std::string& runDir() const;
    // What onSnapshot draws the levels for; may be called from another thread while run() runs
    // (it applies from the next snapshot).
    void setSnapshotRequest(const SnapshotRequest& r);
    // Runs (or resumes from checkpoints/last.pt) until finished or stopped; a stop writes a
    // checkpoint at the end of the current step.
    TrainOutcome run(const TrainCallbacks& cb = {}, const StopToken& stop = {},
                     const PauseToken& pause = {});
    // Data-parallel (docs/distributed.md): run() trains as one rank of `group`, on its slice of
    // every global batch of config().batchSize; only rank 0 writes the run folder, the others
    // read it (a folder every rank can read at the same path). A stop agreed by the ranks ends
    // all of them after the same step. Set before run(); null (the default): one process.
    void setRankGroup(std::shared_ptr<RankGroup> group);

    struct Impl;

private:
    explicit TrainingJob(std::unique_ptr<Impl> d);
    std::unique_ptr<Impl> d_;
};

// The histogram, moments and quantization levels of every quantized layer's FP weights, as
// onSnapshot delivers them during training (for a loaded supernet). Throws eqnet::Error for
// bits outside 2..8 or fewer than one bin.
std::vector<LayerSnapshot> weightSnapshots(Supernet& net, const SnapshotRequest& req);
// The same for activations: each quantized layer's input (what its activation quantizer
// sees) over the first `images` validation images, as the uniform subnet W<bits>A<bits> of
// req.form computes them (the first and last layer at 8 bits; batch norm as stored), with the
// activation quantizer's levels, error and clipped fraction for those bits (one step: channel
// -1). The supernet's subnet and mode are put back. Throws eqnet::Error for a bad request or a
// data set without validation images.
std::vector<LayerSnapshot> activationSnapshots(Supernet& net, const Dataset& data, const SnapshotRequest& req,
                                               int64_t images = 256);

// The supernet a finished (or stopped) run holds, from its last checkpoint. Throws Error when
// the checkpoint holds another model than run.json names, or its tensor data is damaged.
Supernet loadRunSupernet(const std::string& runDir, const std::string& device = "cpu");

} // namespace eqnet
