// Supernet training (docs/method.md §3): WDR-Loss, the GPG chain, static QAT, the run folder,
// checkpoints, stop and exact resume.
#include "eqtest.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/model_spec.h"
#include "eqnet/training.h"
#include "train/sandwich_trainer.h"
#include "train/wdr_loss.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <atomic>
#include <map>
#include <thread>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

TrainConfig smallConfig() {
    TrainConfig c;
    c.model = "fmnist-cnn";
    c.data.format = DataFormat::Synthetic;
    c.data.syntheticTrain = 256;
    c.data.syntheticTest = 64;
    c.data.validationSize = 64;
    c.fpEpochs = 1;
    c.epochs = 2;
    c.batchSize = 32; // 8 steps per epoch
    c.calibImages = 64;
    c.eval.bnImages = 64;
    c.seed = 5;
    return c;
}

// A one-epoch run in a fresh scratch folder, stopped after supernet step `step`.
std::string stoppedRun(int64_t step) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    cfg.epochs = 1;
    StopToken stop;
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& m) {
        if (m.stage == "supernet" && m.step == step) stop.requestStop();
    };
    TrainingJob::create(dir, cfg).run(cb, stop);
    return dir;
}

std::vector<nlohmann::json> readMetrics(const std::string& dir, const std::string& type) {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir + "/metrics.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        if (j["type"] == type) out.push_back(j);
    }
    return out;
}

std::map<std::string, std::string> folderBytes(const std::string& dir) {
    std::map<std::string, std::string> m;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) {
            std::ifstream in(e.path(), std::ios::binary);
            m[e.path().string()] = std::string(std::istreambuf_iterator<char>(in), {});
        }
    return m;
}

} // namespace

EQ_TEST(wdr_moments_of_known_distributions) {
    torch::manual_seed(0);
    auto [su, ku] = train::skewKurt(torch::linspace(-1, 1, 100001));
    EQ_NEAR(su.item<double>(), 0.0, 1e-4);
    EQ_NEAR(ku.item<double>(), 1.8, 1e-3); // uniform: 9/5
    auto [sg, kg] = train::skewKurt(torch::randn({1000000}));
    EQ_NEAR(sg.item<double>(), 0.0, 0.01);
    EQ_NEAR(kg.item<double>(), 3.0, 0.02); // Gaussian
    auto [se, ke] = train::skewKurt(-torch::log(torch::rand({1000000}))); // exponential
    EQ_NEAR(se.item<double>(), 2.0, 0.05);
    EQ_NEAR(ke.item<double>(), 9.0, 0.5);
    // The loss of §3.1 on a uniform layer is ~0; on a Gaussian layer 0.015 * 1.2^2.
    EQ_NEAR(train::wdrLoss({torch::linspace(-1, 1, 100001)}).loss.item<double>(), 0.0, 1e-6);
    EQ_NEAR(train::wdrLoss({torch::randn({1000000})}).loss.item<double>(), 0.015 * 1.44, 0.002);
}

EQ_TEST(wdr_gradient_moves_weights_towards_uniform) {
    torch::manual_seed(1);
    auto w = torch::randn({64, 32, 3, 3}).requires_grad_(true);          // kurtosis ~3
    auto v = (-torch::log(torch::rand({4096}))).requires_grad_(true);     // skewness ~2
    auto [s0, k0] = train::skewKurt(w.detach());
    auto [t0, u0] = train::skewKurt(v.detach());
    // Plain gradient steps, normalised so that the largest move is 2% of a standard deviation.
    for (int i = 0; i < 50; ++i) {
        auto r = train::wdrLoss({w, v});
        r.loss.backward();
        torch::NoGradGuard ng;
        w -= 0.02 * w.std() * w.grad() / w.grad().abs().max();
        v -= 0.02 * v.std() * v.grad() / v.grad().abs().max();
        w.mutable_grad().zero_();
        v.mutable_grad().zero_();
    }
    auto [s1, k1] = train::skewKurt(w.detach());
    auto [t1, u1] = train::skewKurt(v.detach());
    EQ_VERIFY2(k1.item<double>() < k0.item<double>() - 0.1,
               "kurtosis " + std::to_string(k0.item<double>()) + " -> " + std::to_string(k1.item<double>()));
    EQ_VERIFY2(std::abs(t1.item<double>()) < std::abs(t0.item<double>()) - 0.2,
               "skewness " + std::to_string(t0.item<double>()) + " -> " + std::to_string(t1.item<double>()));
}

EQ_TEST(gpg_chain_uses_detached_outputs) {
    // The step's gradient must equal the sum of the per-subnet losses' gradients with each
    // teacher a constant: the KL term never reaches the teacher subnet's path.
    const TrainConfig cfg = [] {
        TrainConfig c = smallConfig();
        c.subnetsPerStep = 4;
        return c;
    }();
    Dataset data = loadDataset(cfg.data);
    Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 2);
    net.calibrate(data, 64);
    auto& n = net.impl();
    std::vector<int64_t> idx(32);
    for (int64_t i = 0; i < 32; ++i) idx[size_t(i)] = i;
    const auto x = imagesTensor(data.train, idx, Normalization{data.mean, data.std}, n.device);
    const auto y = labelsTensor(data.train, idx, n.device);
    n.model->train();
    n.model->zero_grad();
    TrainConfig noWdr = cfg;
    noWdr.wdr = false;
    train::sandwichStep(n, x, y, noWdr, 7);
    std::vector<torch::Tensor> stepGrads;
    for (const auto& p : n.model->parameters()) stepGrads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));

    // Reproduce by hand: same draws, teachers computed under no_grad.
    n.model->zero_grad();
    auto rng = train::stepRng(noWdr.seed, 7);
    torch::Tensor prev;
    const size_t L = n.layers.size();
    for (int k = 0; k < 4; ++k) {
        const auto forms = train::drawForms(rng, L, true);
        for (size_t i = 0; i < L; ++i) {
            LayerBits b{8, 8};
            if (!n.layers[i].fixedBits) {
                if (k == 3) b = {2, 2};
                else if (k > 0) b = {2 + int(rng() % 7), 2 + int(rng() % 7)};
            }
            n.applyLayer(i, b, forms[i]);
        }
        auto logits = n.model->forward(x);
        auto loss = k == 0 ? train::labelLoss(logits, y, 0.1) : train::guidedLoss(logits, prev, y, 0.5, 0.1);
        loss.backward();
        prev = logits.detach();
    }
    size_t i = 0;
    for (const auto& p : n.model->parameters()) {
        auto g = p.grad().defined() ? p.grad() : torch::zeros_like(p);
        EQ_VERIFY2(torch::allclose(g, stepGrads[i], 1e-4, 1e-6), "parameter " + std::to_string(i));
        ++i;
    }
}

EQ_TEST(static_step_trains_only_its_slots) {
    TrainConfig cfg = smallConfig();
    cfg.staticSubnet = true;
    cfg.staticBits = 3;
    cfg.staticForm = QuantForm{Granularity::PerTensor, false, true};
    Dataset data = loadDataset(cfg.data);
    Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 2);
    net.calibrate(data, 64);
    auto& n = net.impl();
    std::vector<int64_t> idx{0, 1, 2, 3, 4, 5, 6, 7};
    n.model->zero_grad();
    train::staticStep(n, imagesTensor(data.train, idx, Normalization{data.mean, data.std}, n.device),
                      labelsTensor(data.train, idx, n.device), cfg);
    auto& mid = *n.qlayers[2].second; // a searchable layer: 3-bit slots
    const auto used = [](const torch::Tensor& t) { return t.grad().defined() && torch::any(t.grad() != 0).item<bool>(); };
    const auto& ptAsym = mid.weightQuant->bank(Granularity::PerTensor, false);
    const auto& actSym = mid.actQuant->bank(true);
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        const bool active = b == 3;
        EQ_VERIFY2(used(ptAsym.logStepParam(b)) == active, "pt-asym slot " + std::to_string(b));
        EQ_VERIFY2(used(actSym.logStepParam(b)) == active, "act sym slot " + std::to_string(b));
        // Slots a step does not use have no gradient at all (not a zero one): Adam skips them.
        if (!active) EQ_VERIFY(!ptAsym.logStepParam(b).grad().defined());
        EQ_VERIFY(!mid.weightQuant->bank(Granularity::PerChannel, true).logStepParam(b).grad().defined());
        EQ_VERIFY(!mid.actQuant->bank(false).logStepParam(b).grad().defined());
    }
    // The fixed first layer trains its 8-bit slot.
    auto& first = *n.qlayers[0].second;
    EQ_VERIFY(used(first.weightQuant->bank(Granularity::PerTensor, false).logStepParam(kMaxBits)));
}

EQ_TEST(run_folder_and_metrics) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    TrainingJob job = TrainingJob::create(dir, cfg);
    int steps = 0, epochs = 0;
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& m) {
        ++steps;
        if (m.stage == "supernet") {
            EQ_COMPARE(m.losses.size(), size_t(3));
            EQ_COMPARE(m.subnetNames.back(), std::string("smallest"));
        }
    };
    cb.onEpoch = [&](const EpochMetrics&) { ++epochs; };
    const TrainOutcome o = job.run(cb);
    EQ_VERIFY(o.finished);
    EQ_COMPARE(o.fpSteps, int64_t(8));
    EQ_COMPARE(o.steps, int64_t(16));
    EQ_COMPARE(steps, 24);
    EQ_COMPARE(epochs, 3);
    EQ_VERIFY(fs::exists(dir + "/run.json") && fs::exists(dir + "/checkpoints/last.pt") &&
              fs::exists(dir + "/checkpoints/fp.pt"));
    const auto stepLines = readMetrics(dir, "step");
    EQ_COMPARE(stepLines.size(), size_t(24));
    const auto& last = stepLines.back();
    EQ_COMPARE(last["stage"].get<std::string>(), std::string("supernet"));
    EQ_VERIFY(last["losses"].contains("largest") && last["losses"].contains("random1"));
    EQ_VERIFY(last["wdr"]["kurtosis"].get<double>() > 1.0);
    EQ_NEAR(stepLines[16]["lr"].get<double>(), 0.5e-3 * (1 + std::cos(M_PI * 8 / 16)), 1e-12);
    const auto evals = readMetrics(dir, "eval");
    EQ_COMPARE(evals.size(), size_t(3));
    EQ_VERIFY(evals.back()["val_accuracy"].contains("W2A2"));
    // The run's config reads back; a second create refuses the folder.
    EQ_COMPARE(TrainingJob::open(dir).config().batchSize, int64_t(32));
    EQ_THROWS(TrainingJob::create(dir, cfg), Error, "already holds a run");
    // The supernet it holds is calibrated and loads.
    EQ_VERIFY(loadRunSupernet(dir).calibrated());
}

EQ_TEST(stop_ends_within_one_step_and_resume_reproduces_losses) {
    const std::string base = eqtest::scratchDir();
    TrainConfig cfg = smallConfig();
    // Uninterrupted reference.
    TrainingJob::create(base + "/a", cfg).run();
    // Stopped in stage 2 after its 5th step, then resumed.
    StopToken stop;
    TrainCallbacks cb;
    int64_t stoppedAt = -1;
    cb.onStep = [&](const StepMetrics& m) {
        if (m.stage == "supernet" && m.step == 5) {
            stop.requestStop();
            stoppedAt = m.step;
        }
    };
    const TrainOutcome first = TrainingJob::create(base + "/b", cfg).run(cb, stop);
    EQ_VERIFY(!first.finished);
    EQ_COMPARE(first.steps, stoppedAt); // no step ran after the request
    const TrainOutcome second = TrainingJob::open(base + "/b").run();
    EQ_VERIFY(second.finished);
    EQ_COMPARE(second.steps, int64_t(16));
    const auto a = readMetrics(base + "/a", "step"), b = readMetrics(base + "/b", "step");
    EQ_COMPARE(b.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i)
        for (const auto& [name, v] : a[i]["losses"].items())
            EQ_COMPARE(b[i]["losses"][name].get<double>(), v.get<double>()); // bit for bit
    // A finished run resumed again does nothing.
    EQ_VERIFY(TrainingJob::open(base + "/b").run().finished);
}

// What a kill leaves behind: records of steps and epoch-end measurements the checkpoint does
// not hold (the resumed run writes them again: they must not appear twice), a line of the
// wrong types, a partial checkpoint file. The resumed run reads as one uninterrupted run.
EQ_TEST(resume_after_a_kill_keeps_each_record_once_and_removes_partial_files) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    StopToken stop;
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& m) {
        if (m.stage == "supernet" && m.step == 5) stop.requestStop();
    };
    TrainingJob job = TrainingJob::create(dir, cfg);
    const std::string metrics = dir + "/metrics.jsonl";
    // Killed before its first checkpoint: a record of step 1 with nothing saved.
    appendLine(metrics, R"({"type":"step","stage":"fp","step":1,"epoch":1,"losses":{"fp":9.0}})");
    job.run(cb, stop);
    appendLine(metrics, R"({"type":"step","stage":"supernet","step":6,"epoch":1,"losses":{"largest":1.0}})");
    appendLine(metrics, R"({"type":"eval","stage":"supernet","step":8,"epoch":1,"val_accuracy":{"largest":0.5}})");
    appendLine(metrics, R"({"type":"step","stage":"supernet","step":"six","losses":{"largest":"x"},"wdr":{"loss":[]}})");
    std::ofstream(dir + "/checkpoints/last.pt.part") << "half a checkpoint";
    EQ_VERIFY(TrainingJob::open(dir).run().finished);
    EQ_VERIFY(!fs::exists(dir + "/checkpoints/last.pt.part"));
    int evalsAt8 = 0, stepsAt6 = 0, fpStep1 = 0;
    for (const auto& r : readMetrics(dir, "step")) fpStep1 += r["stage"] == "fp" && r["step"] == 1;
    EQ_COMPARE(fpStep1, 1);
    for (const auto& r : readMetrics(dir, "eval")) evalsAt8 += r["stage"] == "supernet" && r["step"] == 8;
    for (const auto& r : readMetrics(dir, "step")) stepsAt6 += r["stage"] == "supernet" && r["step"] == 6;
    EQ_COMPARE(stepsAt6, 1);
    EQ_COMPARE(evalsAt8, 1); // the epoch ends at step 8 (256 images, batch 32): measured once
}

EQ_TEST(stop_during_fp_stage_resumes_there) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    cfg.epochs = 1;
    StopToken stop;
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& m) {
        if (m.stage == "fp" && m.step == 3) stop.requestStop();
    };
    const TrainOutcome o = TrainingJob::create(dir, cfg).run(cb, stop);
    EQ_VERIFY(!o.finished);
    EQ_COMPARE(o.fpSteps, int64_t(3));
    const TrainOutcome r = TrainingJob::open(dir).run();
    EQ_VERIFY(r.finished);
    EQ_COMPARE(r.fpSteps, int64_t(8));
    const auto steps = readMetrics(dir, "step");
    EQ_COMPARE(steps.size(), size_t(16));
    EQ_COMPARE(steps[3]["step"].get<int>(), 4); // the FP stage continued at step 4
}

EQ_TEST(bad_checkpoint_fails_clearly_and_leaves_the_run_intact) {
    const std::string dir = stoppedRun(2);
    const std::string ck = dir + "/checkpoints/last.pt";
    std::string bytes;
    {
        std::ifstream in(ck, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::ofstream(ck, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 3);
    const auto before = folderBytes(dir);
    EQ_THROWS(TrainingJob::open(dir).run(), Error, "last.pt: not a readable checkpoint");
    EQ_VERIFY(folderBytes(dir) == before);
    std::ofstream(ck, std::ios::binary | std::ios::trunc) << "{\"not\": \"a checkpoint\"}";
    const auto before2 = folderBytes(dir);
    EQ_THROWS(TrainingJob::open(dir).run(), Error, "last.pt");
    EQ_VERIFY(folderBytes(dir) == before2);
    // A malformed run.json names the field: a wrong type, or an integer its field cannot hold
    // (2^32 + 3 would have wrapped into 3 subnets per step).
    std::ofstream(dir + "/run.json", std::ios::trunc) << R"({"schema": "eqnet.run", "train": {"epochs": "three"}})";
    EQ_THROWS(TrainingJob::open(dir), Error, "train.epochs");
    std::ofstream(dir + "/run.json", std::ios::trunc) << R"({"schema": "eqnet.run", "train": {"subnets_per_step": 4294967299}})";
    EQ_THROWS(TrainingJob::open(dir), Error, "field \"train.subnets_per_step\" = 4294967299 must be an integer in");
    std::ofstream(dir + "/run.json", std::ios::trunc) << R"({"schema": "eqnet.run", "train": {"batch_size": 4294967424}})";
    EQ_THROWS(TrainingJob::open(dir), Error, "field \"train.batch_size\" must lie in 1..65536");
    std::ofstream(dir + "/run.json", std::ios::trunc) << R"({"schema": "eqnet.run", "data": {"validation_size": 0}})";
    EQ_THROWS(TrainingJob::open(dir), Error, "data.validation_size");
}

// A checkpoint whose tensor bytes were damaged inside an archive that still opens is refused by
// its checksum; a checkpoint of another model in a run's folder is refused by the run's model.
EQ_TEST(damaged_or_foreign_checkpoint_is_refused) {
    const std::string dir = stoppedRun(1);
    const std::string ck = dir + "/checkpoints/last.pt";
    const Supernet good = loadRunSupernet(dir);
    // A parameter with a pattern found nowhere else: its bytes in the archive are then known.
    Supernet marked = loadRunSupernet(dir);
    torch::Tensor w = marked.impl().qlayers.front().second->weight;
    {
        torch::NoGradGuard ng;
        w.flatten().slice(0, 0, 4).copy_(torch::tensor({1234.5f, 2345.5f, 3456.5f, 4567.5f}));
    }
    marked.save(ck);
    std::string bytes = readTextFile(ck);
    const float pattern[4] = {1234.5f, 2345.5f, 3456.5f, 4567.5f};
    const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(pattern), sizeof pattern));
    EQ_VERIFY2(at != std::string::npos, "the marked weights are not stored as raw floats");
    EQ_COMPARE(loadRunSupernet(dir).impl().qlayers.front().second->weight.flatten()[1].item<float>(), 2345.5f);
    bytes[at + 5] = char(bytes[at + 5] ^ 0x40); // 2345.5 becomes another float
    std::ofstream(ck, std::ios::binary | std::ios::trunc) << bytes;
    EQ_THROWS(loadRunSupernet(dir), Error, "last.pt: checkpoint data is damaged");
    EQ_THROWS(Supernet::load(ck), Error, "checkpoint data is damaged");

    // Another model's checkpoint in this run's place.
    Supernet(defaultModelSpec("mbv2-28")).save(ck);
    EQ_THROWS(loadRunSupernet(dir), Error, "last.pt: holds model mbv2-28 but run.json asks for fmnist-cnn");
    EQ_THROWS(TrainingJob::open(dir).run(), Error, "the checkpoint belongs to another run");
    good.save(ck);
    EQ_VERIFY(loadRunSupernet(dir).impl().qlayers.front().second->weight.equal(good.impl().qlayers.front().second->weight));
}

EQ_TEST(config_json_round_trip) {
    TrainConfig c = smallConfig();
    c.guidance = Guidance::Teacher;
    c.wdr = false;
    c.staticSubnet = true;
    c.staticBits = 6;
    c.staticForm = QuantForm{Granularity::PerTensor, true, false};
    c.alpha = 0.25;
    const TrainConfig r = trainConfigFromJson(trainConfigToJson(c), "x");
    EQ_VERIFY(r.guidance == Guidance::Teacher);
    EQ_VERIFY(!r.wdr && r.staticSubnet && r.staticBits == 6 && r.staticForm == c.staticForm);
    EQ_COMPARE(r.alpha, 0.25);
    EQ_VERIFY(r.data.format == DataFormat::Synthetic);
    EQ_THROWS(parseGuidance("sandwich"), Error, "allowed: gpg");
    EQ_THROWS(trainConfigFromJson(R"({"schema": "eqnet.run", "train": {"alpha": 2}})", "r.json"), Error,
              "r.json: field \"train.alpha\"");
    EQ_THROWS(trainConfigFromJson("{", "r.json"), Error, "r.json: malformed JSON");
}

EQ_TEST(weight_snapshots_describe_each_layer) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    cfg.fpEpochs = 1;
    cfg.epochs = 1;
    cfg.snapshotEvery = 4;
    TrainingJob job = TrainingJob::create(dir, cfg);
    SnapshotRequest req;
    req.bits = 3;
    req.form = QuantForm{Granularity::PerTensor, false, false};
    req.bins = 20;
    job.setSnapshotRequest(req);
    std::vector<std::string> when;
    std::vector<LayerSnapshot> last;
    TrainCallbacks cb;
    cb.onSnapshot = [&](const std::string& stage, int64_t step, const std::vector<LayerSnapshot>& s) {
        when.push_back(stage + " " + std::to_string(step));
        // No levels before calibration (the FP stage): its steps are placeholders.
        for (const LayerSnapshot& l : s) EQ_VERIFY2(l.levels.empty() == (stage == "fp"), stage + " " + l.name);
        last = s;
    };
    job.run(cb);
    EQ_COMPARE(when, (std::vector<std::string>{"fp 4", "fp 8", "supernet 4", "supernet 8"}));
    EQ_COMPARE(last.size(), size_t(6));
    Supernet net = loadRunSupernet(dir);
    const int64_t params[6] = {144, 4608, 9216, 18432, 36864, 640};
    for (size_t i = 0; i < 6; ++i) {
        double n = 0;
        for (double c : last[i].counts) n += c;
        EQ_COMPARE(n, double(params[i]));
        EQ_COMPARE(last[i].edges.size(), size_t(21));
        // 3-bit for searchable layers, 8-bit for the fixed first and last
        EQ_COMPARE(last[i].levels.size(), size_t(i == 0 || i == 5 ? 256 : 8));
        const auto [s, k] = train::skewKurt(net.impl().qlayers[i].second->weight.detach());
        EQ_NEAR(last[i].kurtosis, k.item<double>(), 1e-5);
        EQ_NEAR(last[i].skewness, s.item<double>(), 1e-5);
    }
    // levels are evenly spaced by the slot's step
    const auto& lv = last[2].levels;
    const double step =
        net.impl().qlayers[2].second->weightQuant->bank(Granularity::PerTensor, false).step(3).item<double>();
    EQ_NEAR(lv[1] - lv[0], step, 1e-6);
    EQ_NEAR(lv[7] - lv[6], step, 1e-6);
}

EQ_TEST(pause_holds_the_job_and_resume_continues) {
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = smallConfig();
    cfg.fpEpochs = 1;
    cfg.epochs = 0;
    TrainingJob job = TrainingJob::create(dir, cfg);
    PauseToken pause;
    std::atomic<int> steps{0};
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& m) {
        steps = int(m.step);
        if (m.step == 2) pause.pause();
    };
    TrainOutcome out;
    std::thread worker([&] { out = job.run(cb, StopToken(), pause); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (steps < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const int heldAt = steps;
    const bool paused = pause.paused();
    pause.resume();
    worker.join();
    EQ_COMPARE(heldAt, 2); // no step ran while paused
    EQ_VERIFY(paused);
    EQ_VERIFY(out.finished);
    EQ_COMPARE(out.fpSteps, int64_t(8));
}
