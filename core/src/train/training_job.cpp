// The training job over a run directory: stage 1 (FP), calibration, stage 2 (supernet or
// static subnet), with metrics appended as JSON lines and atomic checkpoints that make a
// stopped run resume exactly where it stopped.
#include "eqnet/training.h"

#include "dist/gradient_sync.h"
#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/distributed.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/metrics_schema.h"
#include "eqnet/run_layout.h"
#include "eqnet/timing.h"
#include "quant/fake_quant.h"
#include "train/sandwich_trainer.h"
#include "train/weight_snapshot.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace eqnet {

namespace fs = std::filesystem;

// ---- the job --------------------------------------------------------------------------------
namespace {

// Where a run stands; stored in every checkpoint.
struct Position {
    std::string stage = "fp"; // "fp", "main" (supernet or static), "done"
    int64_t step = 0;         // steps done in the stage
    int64_t epoch = 0;        // epoch in progress
    int64_t batch = 0;        // batches of it done
    int64_t fpSteps = 0;      // steps of stage 1 (for reporting)
};

Position readPosition(torch::serialize::InputArchive& ar, const std::string& path) {
    Position pos;
    c10::IValue v;
    try {
        ar.read("train_stage", v);
        pos.stage = v.toStringRef();
        ar.read("train_step", v);
        pos.step = v.toInt();
        ar.read("train_epoch", v);
        pos.epoch = v.toInt();
        ar.read("train_batch", v);
        pos.batch = v.toInt();
        ar.read("train_fp_steps", v);
        pos.fpSteps = v.toInt();
    } catch (const std::exception& e) { // c10::Error, or the archive's own attribute errors
        throw Error(path + ": not a training checkpoint (no position): " + firstLine(e.what()));
    }
    return pos;
}

// Stage 1 taken from another run's FP network (--from-fp): its parameters and buffers.
void copyFpNetwork(const TrainConfig& cfg, Supernet::Impl& n) {
    Supernet fp = Supernet::load(cfg.fromFp, cfg.device);
    if (fp.spec().name != cfg.model) throw Error(cfg.fromFp + ": holds model " + fp.spec().name);
    torch::NoGradGuard ng;
    auto src = fp.impl().model->named_parameters(), dst = n.model->named_parameters();
    for (const auto& p : src) dst[p.key()].copy_(p.value());
    auto srcB = fp.impl().model->named_buffers(), dstB = n.model->named_buffers();
    for (const auto& b : srcB) dstB[b.key()].copy_(b.value());
}

// The end-of-epoch validation of stage 1: the FP network.
EpochMetrics fpEpochMetrics(Supernet& net, const Dataset& data, const EvalOptions& ev, int epoch) {
    net.setFullPrecision();
    EpochMetrics em;
    em.epoch = epoch;
    em.names = {"fp"};
    em.valAccuracy = {net.evaluate(data, data.val, ev).accuracy};
    return em;
}

// The end-of-epoch validation of stage 2: the static subnet, or uniform W8A8, W2A2 and W4A4
// (per-channel, symmetric weights, asymmetric activations) of the supernet.
EpochMetrics mainEpochMetrics(Supernet& net, const TrainConfig& cfg, const Dataset& data, const EvalOptions& ev,
                              int epoch) {
    EpochMetrics em;
    em.epoch = epoch;
    if (cfg.staticSubnet) {
        em.names = {"W" + std::to_string(cfg.staticBits) + "A" + std::to_string(cfg.staticBits)};
        net.setSubnet(net.uniform(cfg.staticBits, cfg.staticBits, cfg.staticForm));
        em.valAccuracy = {net.evaluate(data, data.val, ev).accuracy};
        return em;
    }
    const QuantForm evalForm{Granularity::PerChannel, true, false};
    for (int b : {8, 2, 4}) {
        em.names.push_back("W" + std::to_string(b) + "A" + std::to_string(b));
        net.setSubnet(net.uniform(b, b, evalForm));
        em.valAccuracy.push_back(net.evaluate(data, data.val, ev).accuracy);
    }
    return em;
}


} // namespace

struct TrainingJob::Impl {
    std::string dir;
    TrainConfig cfg;
    // Data-parallel: this process is one rank of the group; only rank 0 writes the run folder.
    std::shared_ptr<RankGroup> group;
    bool writes() const { return !group || group->rank() == 0; }
    int ranks() const { return group ? group->size() : 1; }
    // Set from another thread (the studio changes the bits it draws while training runs).
    mutable std::mutex snapshotMutex;
    SnapshotRequest snapshot;
    SnapshotRequest snapshotRequest() const {
        std::lock_guard<std::mutex> l(snapshotMutex);
        return snapshot;
    }


    void appendMetric(const std::string& line) const {
        if (writes()) appendLine(runMetricsPath(dir), line);
    }

    // After a crash, lines may exist for steps the checkpoint does not hold: drop them, so a
    // resumed run's metrics read as one uninterrupted run.
    void trimMetrics(const Position& pos) const {
        const std::string p = runMetricsPath(dir);
        if (!writes() || !fs::exists(p)) return;
        std::ifstream in(p);
        std::ostringstream kept;
        std::string line;
        bool changed = false;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            MetricsRecord r;
            if (!parseMetricsLine(line, r)) { // a torn last line
                changed = true;
                continue;
            }
            // Steps and epoch-end measurements past the checkpoint are done again by the
            // resumed run: kept, they would appear twice.
            const auto beyond = [&](const std::string& stage, int64_t s) {
                const bool fpStage = stage == "fp";
                return (pos.stage == "fp" && (!fpStage || s > pos.step)) ||
                       (pos.stage == "main" && !fpStage && s > pos.step);
            };
            if ((r.kind == MetricsRecord::Kind::Step && beyond(r.step.stage, r.step.step)) ||
                (r.kind == MetricsRecord::Kind::Eval && beyond(r.eval.stage, r.eval.step))) {
                changed = true;
                continue;
            }
            kept << line << "\n";
        }
        if (changed) writeFileAtomic(p, kept.str());
    }

    void saveCheckpoint(const Supernet& net, torch::optim::Optimizer* optim, const Position& pos,
                        const std::string& where) const {
        if (!writes()) return;
        torch::serialize::OutputArchive ar;
        writeSupernetArchive(net, ar);
        if (optim) {
            torch::serialize::OutputArchive o;
            optim->save(o);
            ar.write("train_optimizer", o);
        }
        ar.write("train_stage", c10::IValue(pos.stage));
        ar.write("train_step", c10::IValue(pos.step));
        ar.write("train_epoch", c10::IValue(pos.epoch));
        ar.write("train_batch", c10::IValue(pos.batch));
        ar.write("train_fp_steps", c10::IValue(pos.fpSteps));
        saveArchiveAtomic(ar, where);
    }
};

// A run's checkpoint must hold the network its run.json names: one copied in from another run
// would be evaluated (and its results filed) as this run's.
static void checkRunModel(const Supernet& net, const std::string& model, const std::string& ckpt) {
    if (net.spec().name != model)
        throw Error(ckpt + ": holds model " + net.spec().name + " but run.json asks for " + model +
                    "; the checkpoint belongs to another run");
}

TrainingJob::TrainingJob(std::unique_ptr<Impl> d) : d_(std::move(d)) {}
TrainingJob::~TrainingJob() = default;
TrainingJob::TrainingJob(TrainingJob&&) noexcept = default;
TrainingJob& TrainingJob::operator=(TrainingJob&&) noexcept = default;
const TrainConfig& TrainingJob::config() const { return d_->cfg; }
const std::string& TrainingJob::runDir() const { return d_->dir; }
void TrainingJob::setRankGroup(std::shared_ptr<RankGroup> group) {
    // Each rank of a machine on its own GPU; run.json, written by rank 0, keeps the device asked for.
    if (group) d_->cfg.device = rankDevice(d_->cfg.device, group->options().localRank);
    d_->group = std::move(group);
}
void TrainingJob::setSnapshotRequest(const SnapshotRequest& r) {
    std::lock_guard<std::mutex> l(d_->snapshotMutex);
    d_->snapshot = r;
}

TrainingJob TrainingJob::create(const std::string& runDir, const TrainConfig& cfg) {
    // Validate by a round trip through the file format before anything is written.
    const std::string text = trainConfigToJson(cfg);
    trainConfigFromJson(text, "configuration");
    const fs::path runFile = runConfigPath(runDir);
    if (fs::exists(runFile))
        throw Error(runDir + ": already holds a run (run.json); resume it with --resume, or choose another folder");
    if (!cfg.fromFp.empty() && !fs::is_regular_file(cfg.fromFp))
        throw Error(cfg.fromFp + ": FP checkpoint not found (--from-fp)");
    TrainConfig c = cfg;
    const bool folder = detectDataFormat(cfg.data) == DataFormat::Folder;
    if (folder) {
        // The run records the folder's format and the size its pictures are fitted to, so
        // that every later stage reads them the same way.
        c.data.format = DataFormat::Folder;
        fitDataToModel(c.data, defaultModelSpec(cfg.model));
    }
    {
        // What only the data can tell (missing or unreadable data, a --mean/--std of the wrong
        // length, an unknown model, images that do not fit the network) stops here, before
        // anything is written: a folder with a run.json but no run in it would be stuck.
        const Dataset data = loadDataset(c.data);
        modelSpecFor(cfg.model, data.train);
    }
    if (isModelFile(cfg.model)) {
        // The run keeps its own copy of the network, beside run.json, which names it relative
        // to the folder: the run does not depend on where the file was.
        c.model = fs::path(cfg.model).filename().string();
        const fs::path copy = fs::path(runDir) / c.model;
        if (!fs::exists(copy) || !fs::equivalent(copy, cfg.model))
            writeFileAtomic(copy.string(), readTextFile(cfg.model));
    }
    writeFileAtomic(runFile.string(), trainConfigToJson(c));
    auto d = std::make_unique<Impl>();
    d->dir = runDir;
    d->cfg = c;
    return TrainingJob(std::move(d));
}

TrainingJob TrainingJob::open(const std::string& runDir) {
    const std::string runFile = runConfigPath(runDir);
    if (!fs::is_regular_file(runFile)) throw Error(runDir + ": not a run folder (no run.json)");
    auto d = std::make_unique<Impl>();
    d->dir = runDir;
    d->cfg = trainConfigFromJson(readTextFile(runFile, kMaxSettingsFileBytes), runFile);
    return TrainingJob(std::move(d));
}

TrainOutcome TrainingJob::run(const TrainCallbacks& cb, const StopToken& stop, const PauseToken& pause) {
    Impl& d = *d_;
    const TrainConfig& cfg = d.cfg;
    const auto t0 = std::chrono::steady_clock::now();
    const auto say = [&](const std::string& m) {
        if (cb.onMessage) cb.onMessage(m);
    };
    TrainOutcome outcome;

    if (d.writes()) removePartialFiles(d.dir); // what a killed run was writing: the finished files are whole
    Dataset data = loadDataset(cfg.data);
    const Normalization norm{data.mean, data.std};

    // Where are we? A checkpoint says; otherwise the beginning.
    Position pos;
    std::unique_ptr<Supernet> net;
    torch::serialize::InputArchive resumeAr;
    bool resuming = false;
    const torch::Device device = parseDevice(cfg.device);
    if (fs::exists(runCheckpointPath(d.dir))) {
        openArchive(resumeAr, runCheckpointPath(d.dir), device);
        if (isLegacyArchive(resumeAr))
            throw Error(runCheckpointPath(d.dir) +
                        ": written by an older build (checkpoint format v1, whose quantizer steps "
                        "could turn negative); it cannot be resumed by this one. Train the run again "
                        "in a new folder; its stage-1 network can be reused with --from-fp " +
                        runFpCheckpointPath(d.dir));
        net = std::make_unique<Supernet>(readSupernetArchive(resumeAr, runCheckpointPath(d.dir), cfg.device));
        checkRunModel(*net, cfg.model, runCheckpointPath(d.dir));
        pos = readPosition(resumeAr, runCheckpointPath(d.dir));
        resuming = true;
        d.trimMetrics(pos);
        d.appendMetric(metricsEventLine("resumed", pos.stage, pos.step));
        say("resuming at stage " + pos.stage + ", step " + std::to_string(pos.step));
    } else {
        net = std::make_unique<Supernet>(modelSpecFor(runModelPath(d.dir, cfg.model), data.train), cfg.device,
                                         cfg.seed);
        // A run killed before its first checkpoint starts again from step 0: its records go.
        d.trimMetrics(pos);
        d.appendMetric(metricsEventLine("started"));
    }
    RankGroup* const group = d.group.get();
    if (group) {
        // Every rank starts from the same place with the same network: rank 0's (its fresh
        // initialisation is every rank's anyway; a resumed one is read by all from one file).
        const int64_t stageId = pos.stage == "fp" ? 0 : pos.stage == "main" ? 1 : 2;
        dist::checkSameOnAllRanks(*group, {stageId, pos.step, pos.epoch, pos.batch, cfg.batchSize, data.train.size()},
                                  "where the run stands (stage, step, epoch, batch), the batch size or the "
                                  "number of training images");
        dist::broadcastModuleState(*group, *net->impl().model);
    }
    if (pos.stage == "done") {
        outcome.finished = true;
        outcome.fpSteps = pos.fpSteps;
        outcome.steps = pos.step;
        return outcome;
    }
    Supernet::Impl& n = net->impl();

    // One stage: epochs of mini-batches, an optimizer, cosine lr, checkpoints, stop and pause.
    const auto runStage = [&](const std::string& stage, int epochs, std::vector<torch::Tensor> params,
                              const std::function<train::StepResult(const torch::Tensor&, const torch::Tensor&, int64_t)>& stepFn,
                              const std::function<EpochMetrics(int)>& evalFn) -> bool {
        torch::optim::Adam optim(params, torch::optim::AdamOptions(cfg.lr).weight_decay(cfg.weightDecay));
        if (resuming && pos.stage == stage) {
            torch::serialize::InputArchive o;
            if (resumeAr.try_read("train_optimizer", o)) optim.load(o);
        } else {
            pos.stage = stage;
            pos.step = pos.epoch = pos.batch = 0;
        }
        resuming = false;
        // The data order is a function of (seed, stage, epoch): resumes see the same batches.
        BatchStream stream(data.train, norm, cfg.batchSize, true, cfg.seed * 2 + (stage == "fp" ? 0 : 1), device, true,
                           data.augment);
        if (group) stream.shard(group->rank(), group->size());
        // Data-parallel: a stop is agreed with the gradients (every rank stops after the same step).
        bool agreedStop = false;
        const int64_t perEpoch = stream.batchesPerEpoch();
        const int64_t total = perEpoch * epochs;
        const std::string label = stage == "fp" ? "fp" : (cfg.staticSubnet ? "static" : "supernet");
        // The ETA extrapolates this stage's own pace, from where this process started it.
        const auto stageStart = std::chrono::steady_clock::now();
        const int64_t firstStep = pos.step;
        n.model->train();
        for (; pos.epoch < epochs; ++pos.epoch, pos.batch = 0) {
            stream.startEpoch(pos.epoch);
            stream.seek(pos.batch);
            torch::Tensor x, y;
            while (true) {
                if (!group) pause.waitWhilePaused(stop);
                if (group ? agreedStop : stop.stopRequested()) {
                    d.saveCheckpoint(*net, &optim, pos, runCheckpointPath(d.dir));
                    d.appendMetric(metricsEventLine("stopped", label, pos.step));
                    say("stopped at " + label + " step " + std::to_string(pos.step) + "; checkpoint written");
                    return false;
                }
                if (!stream.next(x, y)) break;
                const auto ts = std::chrono::steady_clock::now();
                const double lr = train::cosineLr(cfg.lr, pos.step, total);
                for (auto& g : optim.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
                // Gradients to "none", not to zero: every bit-width's slot is a parameter of its
                // own, so Adam leaves a slot that this step did not use untouched (no momentum
                // drift), and a resumed run, whose parameters start without gradients, behaves
                // exactly like an uninterrupted one.
                train::clearGradients(params);
                n.model->setBatchNormGroup(cfg.syncBatchNorm ? group : nullptr);
                train::StepResult r = stepFn(x, y, pos.step);
                n.model->setBatchNormGroup(nullptr);
                if (cfg.adamMovesUnusedSlots) train::zeroUnusedSlotGradients(n);
                int64_t syncedBytes = 0;
                if (group) {
                    // The losses reported are the whole batch's, as one process reports them
                    // (WDR's is of the weights, the same on every rank).
                    const dist::GradientSyncResult sync =
                        dist::averageGradients(*group, params, stop.stopRequested(), &r.losses);
                    agreedStop = sync.stop;
                    syncedBytes = sync.bytes;
                }
                train::applyUpdate(optim, params, cfg.gradClip, n);
                ++pos.step;
                ++pos.batch;
                if (stage == "fp") pos.fpSteps = pos.step;
                StepMetrics m;
                m.stage = label;
                m.step = pos.step;
                m.totalSteps = total;
                m.epoch = int(pos.epoch) + 1;
                m.subnetNames = r.names;
                m.losses = r.losses;
                m.wdrLoss = r.wdr.loss.defined() ? r.wdr.loss.item<double>() : 0.0;
                m.meanSkew = r.wdr.meanSkew;
                m.meanKurt = r.wdr.meanKurt;
                m.lr = lr;
                m.imagesPerSecond = double(x.size(0) * d.ranks()) / std::max(secondsSince(ts), 1e-9);
                m.ranks = d.ranks();
                m.allReduceBytes = syncedBytes;
                d.appendMetric(metricsStepLine(m, r.wdr.loss.defined()));
                if (cb.onStep) cb.onStep(m);
                if (cb.onProgress) {
                    Progress p;
                    p.stage = label;
                    p.done = pos.step;
                    p.total = total;
                    p.doneAtStart = firstStep; // a resumed stage times only its own steps
                    p.elapsedSeconds = secondsSince(stageStart);
                    p.values["loss"] = r.losses.back();
                    cb.onProgress(p);
                }
                if (cb.onSnapshot && cfg.snapshotEvery > 0 && pos.step % cfg.snapshotEvery == 0)
                    cb.onSnapshot(label, pos.step, train::snapshotLayers(n, d.snapshotRequest()));
            }
            // End of an epoch: measure, then checkpoint at the start of the next one.
            EpochMetrics em = evalFn(int(pos.epoch) + 1);
            em.stage = label;
            em.step = pos.step;
            d.appendMetric(metricsEvalLine(em));
            if (cb.onEpoch) cb.onEpoch(em);
            Position next = pos;
            next.epoch = pos.epoch + 1;
            next.batch = 0;
            d.saveCheckpoint(*net, &optim, next, runCheckpointPath(d.dir));
        }
        return true;
    };

    EvalOptions ev = cfg.eval;
    ev.maxImages = cfg.evalImages;

    // Stage 1: the FP network.
    if (pos.stage == "fp") {
        if (!cfg.fromFp.empty()) {
            copyFpNetwork(cfg, n);
            say("stage 1 taken from " + cfg.fromFp);
        } else {
            const bool done = runStage(
                "fp", cfg.fpEpochs, n.sharedParameters(),
                [&](const torch::Tensor& x, const torch::Tensor& y, int64_t) { return train::fpStep(n, x, y, cfg); },
                [&](int epoch) { return fpEpochMetrics(*net, data, ev, epoch); });
            if (!done) {
                outcome.fpSteps = pos.fpSteps;
                outcome.seconds = secondsSince(t0);
                return outcome;
            }
        }
        net->setFullPrecision();
        if (d.writes()) net->save(runFpCheckpointPath(d.dir));
        say("calibrating the quantizer on " + std::to_string(cfg.calibImages) + " training images");
        bool calibrated = net->calibrate(data, cfg.calibImages, {}, stop);
        if (group) {
            // Every rank calibrates (the others would wait anyway); rank 0's result is kept by
            // all, and a stop on any rank stops every one.
            calibrated = !dist::anyRank(*group, !calibrated);
            if (calibrated) dist::broadcastModuleState(*group, *n.model);
        }
        if (!calibrated) {
            // Nothing of the search is kept: the same command calibrates again, then goes on.
            d.appendMetric(metricsEventLine("stopped", "calibrate", pos.step));
            say("stopped during calibration; run the same command to calibrate again and go on");
            outcome.fpSteps = pos.fpSteps;
            outcome.seconds = secondsSince(t0);
            return outcome;
        }
        pos.stage = "main";
        pos.step = pos.epoch = pos.batch = 0;
        d.saveCheckpoint(*net, nullptr, pos, runCheckpointPath(d.dir));
        d.appendMetric(metricsEventLine("calibrated"));
    }

    // Stage 2: the supernet (or the static baseline).
    std::vector<torch::Tensor> all = n.model->parameters();
    const bool done = runStage(
        "main", cfg.epochs, all,
        [&](const torch::Tensor& x, const torch::Tensor& y, int64_t step) {
            return cfg.staticSubnet ? train::staticStep(n, x, y, cfg) : train::sandwichStep(n, x, y, cfg, step);
        },
        [&](int epoch) { return mainEpochMetrics(*net, cfg, data, ev, epoch); });
    outcome.fpSteps = pos.fpSteps;
    outcome.steps = pos.step;
    outcome.seconds = secondsSince(t0);
    if (!done) return outcome;
    pos.stage = "done";
    d.saveCheckpoint(*net, nullptr, pos, runCheckpointPath(d.dir));
    d.appendMetric(metricsEventLine("finished", "", pos.step));
    outcome.finished = true;
    return outcome;
}

Supernet loadRunSupernet(const std::string& runDir, const std::string& device) {
    const TrainConfig cfg = TrainingJob::open(runDir).config();
    const std::string ckpt = runCheckpointPath(runDir);
    Supernet net = Supernet::load(ckpt, device);
    checkRunModel(net, cfg.model, ckpt);
    return net;
}

} // namespace eqnet
