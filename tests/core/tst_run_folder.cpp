// Reading a run folder from the outside (run_folder.h): metrics records, following a growing
// metrics.jsonl, the folder summary; and the per-subnet helpers the studio calls
// (weightSnapshots, measureRunSubnet, exportRunSubnet) on a tiny synthetic run.
#include "eqtest.h"

#include "engine/supernet_impl.h"
#include "engine/batches.h"
#include "quant/elastic_quantizer.h"
#include "shared_run.h"
#include "tiny_run_config.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/pipeline.h"
#include "eqnet/report.h"
#include "eqnet/run_folder.h"
#include "eqnet/subnet_json.h"

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

TrainConfig tinyTrain() { return eqtest::tinyRunConfig(192, 64, 32, 5); }

// One trained tiny run shared by the cases (scratchDir() is per case), removed at exit.
const std::string& trainedRun() {
    static const eqtest::SharedRun run("tst-run-folder", tinyTrain());
    return run.dir();
}

void append(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
}

} // namespace

EQ_TEST(metrics_lines_parse_into_the_training_types) {
    MetricsRecord r;
    EQ_VERIFY(parseMetricsLine(
        R"({"epoch":2,"images_per_s":900.5,"losses":{"smallest":1.5,"largest":0.5,"random2":1.2,"random1":1.1},)"
        R"("lr":0.0005,"stage":"supernet","step":17,"type":"step","wdr":{"kurtosis":2.5,"loss":0.3,"skewness":-0.1}})",
        r));
    EQ_VERIFY(r.kind == MetricsRecord::Kind::Step);
    EQ_COMPARE(r.step.stage, std::string("supernet"));
    EQ_COMPARE(r.step.step, int64_t(17));
    EQ_COMPARE(r.step.epoch, 2);
    // The sandwich order, not the file's alphabetical one.
    EQ_COMPARE(r.step.subnetNames, (std::vector<std::string>{"largest", "random1", "random2", "smallest"}));
    EQ_COMPARE(r.step.losses, (std::vector<double>{0.5, 1.1, 1.2, 1.5}));
    EQ_VERIFY(r.hasWdr);
    EQ_NEAR(r.step.meanKurt, 2.5, 0);
    EQ_NEAR(r.step.meanSkew, -0.1, 0);
    EQ_NEAR(r.step.lr, 0.0005, 0);

    EQ_VERIFY(parseMetricsLine(R"({"epoch":1,"stage":"fp","step":156,"type":"eval","val_accuracy":{"fp":0.77}})", r));
    EQ_VERIFY(r.kind == MetricsRecord::Kind::Eval);
    EQ_COMPARE(r.eval.step, int64_t(156));
    EQ_COMPARE(r.eval.names, std::vector<std::string>{"fp"});
    EQ_NEAR(r.eval.valAccuracy[0], 0.77, 0);

    EQ_VERIFY(parseMetricsLine(R"({"step":156,"type":"event","what":"finished"})", r));
    EQ_VERIFY(r.kind == MetricsRecord::Kind::Event);
    EQ_COMPARE(r.event, std::string("finished"));
    EQ_COMPARE(r.eventStep, int64_t(156));

    // Not records: torn, foreign, unknown type, a step without losses.
    r.event = "untouched";
    EQ_VERIFY(!parseMetricsLine(R"({"epoch":1,"stage":"fp","st)", r));
    EQ_VERIFY(!parseMetricsLine("[1,2,3]", r));
    EQ_VERIFY(!parseMetricsLine(R"({"type":"weather","what":"rain"})", r));
    EQ_VERIFY(!parseMetricsLine(R"({"type":"step","step":3})", r));
    EQ_VERIFY(!parseMetricsLine("", r));
    EQ_COMPARE(r.event, std::string("untouched"));
}

EQ_TEST(follower_reads_complete_lines_waits_for_torn_ones_and_restarts_on_rewrite) {
    const std::string path = eqtest::scratchDir() + "/metrics.jsonl";
    MetricsFollower f(path);
    MetricsFollower::Batch b = f.poll(); // no file yet: nothing, no error
    EQ_COMPARE(b.records.size(), size_t(0));
    EQ_VERIFY(!b.restarted);

    const std::string step1 = R"({"type":"step","stage":"fp","step":1,"losses":{"fp":2.0},"lr":0.001})";
    const std::string step2 = R"({"type":"step","stage":"fp","step":2,"losses":{"fp":1.9},"lr":0.001})";
    append(path, R"({"type":"event","what":"started"})" "\n" + step1 + "\n" + step2.substr(0, 20));
    b = f.poll();
    EQ_COMPARE(b.records.size(), size_t(2)); // the torn third line waits
    EQ_COMPARE(b.badLines, int64_t(0));
    append(path, step2.substr(20) + "\nnot json\n");
    b = f.poll();
    EQ_COMPARE(b.records.size(), size_t(1));
    EQ_COMPARE(b.records[0].step.step, int64_t(2));
    EQ_NEAR(b.records[0].step.losses[0], 1.9, 0);
    EQ_COMPARE(b.badLines, int64_t(1));
    EQ_COMPARE(f.poll().records.size(), size_t(0)); // nothing new

    // A resumed run rewrites the file shorter: start again from the top.
    writeFileAtomic(path, step1 + "\n");
    b = f.poll();
    EQ_VERIFY(b.restarted);
    EQ_COMPARE(b.records.size(), size_t(1));
    EQ_COMPARE(b.records[0].step.step, int64_t(1));
    // Replaced by a longer file before the next poll: the size alone would not tell.
    writeFileAtomic(path, step1 + "\n" + step2 + "\n" + step2 + "\n");
    b = f.poll();
    EQ_VERIFY(b.restarted);
    EQ_COMPARE(b.records.size(), size_t(3));

    int64_t bad = -1;
    EQ_COMPARE(readMetricsFile(path, &bad).size(), size_t(3));
    EQ_COMPARE(bad, int64_t(0));
    EQ_THROWS(readMetricsFile(path + ".missing"), Error, "no such metrics file");
}

EQ_TEST(inspect_run_summarises_the_folder) {
    const std::string run = trainedRun();
    const RunSummary s = inspectRun(run);
    EQ_COMPARE(s.config.model, std::string("fmnist-cnn"));
    EQ_COMPARE(s.config.seed, uint64_t(5));
    EQ_VERIFY(s.hasCheckpoint);
    EQ_VERIFY(s.trainingFinished);
    EQ_VERIFY(!s.hasPredictor);
    EQ_VERIFY(!s.isPipeline);
    EQ_COMPARE(s.samples, int64_t(0));
    EQ_VERIFY(s.fronts.empty());

    // Every step line of the run reads back, FP then supernet.
    const auto records = readMetricsFile(runMetricsPath(run));
    int64_t fp = 0, supernet = 0, evals = 0;
    for (const auto& r : records) {
        if (r.kind == MetricsRecord::Kind::Step) (r.step.stage == "fp" ? fp : supernet) += 1;
        if (r.kind == MetricsRecord::Kind::Eval) ++evals;
    }
    EQ_COMPARE(fp, int64_t(6));       // 192 training images / batch 32, one epoch
    EQ_COMPARE(supernet, int64_t(6));
    EQ_COMPARE(evals, int64_t(2));

    // A copy that says it resumed (training again) is not finished; fronts and exports listed.
    const std::string scratch = eqtest::scratchDir(); // one per case: a second call empties it
    const std::string copy = scratch + "/copy";
    fs::create_directories(copy + "/search/npu");
    fs::create_directories(copy + "/search/empty");
    fs::create_directories(copy + "/exports");
    fs::copy_file(runConfigPath(run), runConfigPath(copy));
    fs::copy_file(runMetricsPath(run), runMetricsPath(copy));
    append(runMetricsPath(copy), R"({"type":"event","what":"resumed","stage":"main","step":2})" "\n");
    writeFileAtomic(copy + "/search/npu/front.json", "{}");
    writeFileAtomic(copy + "/exports/a.json", "{}");
    const RunSummary c = inspectRun(copy);
    EQ_VERIFY(!c.trainingFinished);
    EQ_VERIFY(!c.hasCheckpoint);
    EQ_COMPARE(c.fronts, std::vector<std::string>{"npu"});
    EQ_COMPARE(c.exports, std::vector<std::string>{"a.json"});

    EQ_THROWS(inspectRun(scratch + "/nothing"), Error, "no such folder");
    EQ_THROWS(inspectRun(copy + "/exports"), Error, "not a run folder (no run.json)");
    writeFileAtomic(runConfigPath(copy), "{ not json");
    EQ_THROWS(inspectRun(copy), Error, "run.json");
}

EQ_TEST(weight_snapshots_histogram_every_weight_with_the_levels_of_the_bits) {
    Supernet net = loadRunSupernet(trainedRun());
    SnapshotRequest req;
    req.bits = 3;
    req.form = parseForm("pc-sym-asym");
    req.bins = 40;
    const auto snaps = weightSnapshots(net, req);
    EQ_COMPARE(snaps.size(), net.layers().size());
    for (size_t i = 0; i < snaps.size(); ++i) {
        const LayerSnapshot& s = snaps[i];
        const LayerInfo& l = net.layers()[i];
        EQ_COMPARE(s.name, l.name);
        EQ_COMPARE(s.counts.size(), size_t(40));
        EQ_COMPARE(s.edges.size(), size_t(41));
        double sum = 0;
        for (double c : s.counts) sum += c;
        EQ_NEAR(sum, double(l.weightParams), 0.5);
        // 3-bit signed weights: levels -4..3 (8); the fixed layers draw their 8-bit grid.
        EQ_COMPARE(s.levels.size(), size_t(l.fixedBits ? 256 : 8));
        EQ_VERIFY(std::isfinite(s.skewness) && std::isfinite(s.kurtosis) && s.kurtosis > 0);
        // What the network computes for these bits: the quantizer's own fake quantization.
        auto& layer = *net.impl().qlayers[i].second;
        const int bits = l.fixedBits ? 8 : 3;
        torch::NoGradGuard ng;
        const auto w = layer.weight.detach();
        const auto fq = layer.weightQuant->forward(w, bits, req.form.granularity, req.form.weightSymmetric);
        const double expected = (fq - w).square().sum().item<double>() / w.square().sum().item<double>();
        EQ_NEAR(s.quantError, expected, 1e-5 * std::max(1.0, expected));
        EQ_VERIFY(s.quantError > 0 && s.quantError < 1);
        // Clipped: weights the fake quantizer moved by more than half a step.
        const auto [scale, zero] = layer.weightQuant->slot(bits, req.form.granularity, req.form.weightSymmetric);
        const auto steps = scale.detach().reshape({-1});
        EQ_COMPARE(s.channelSteps.size(), size_t(l.outChannels)); // per channel
        for (int64_t c = 0; c < steps.numel(); ++c) EQ_COMPARE(float(s.channelSteps[size_t(c)]), steps[c].item<float>());
        const auto moved = ((fq - w).abs().reshape({steps.numel(), -1}) > steps.reshape({-1, 1}) * 0.5001)
                               .to(torch::kFloat).mean().item<double>();
        EQ_NEAR(s.clippedFraction, moved, 1.0 / double(w.numel()) + 1e-9); // a weight at a rounding tie may go either way
        // The drawn levels: those of the channel with the widest range, each on its grid.
        EQ_VERIFY(s.channel >= 0 && s.channel < l.outChannels);
        const auto widest = w.reshape({steps.numel(), -1}).abs().amax(1).argmax().item<int64_t>();
        EQ_COMPARE(s.channel, widest);
        EQ_NEAR(s.levels[1] - s.levels[0], steps[widest].item<double>(), 1e-7);
    }
    // A chosen channel's levels.
    req.channel = 1;
    const auto chosen = weightSnapshots(net, req);
    for (size_t i = 0; i < chosen.size(); ++i) {
        EQ_COMPARE(chosen[i].channel, int64_t(1));
        EQ_NEAR(chosen[i].levels[1] - chosen[i].levels[0], chosen[i].channelSteps[1], 1e-7);
        EQ_COMPARE(chosen[i].quantError, snaps[i].quantError); // of the whole layer, whatever is drawn
    }
    // Per tensor: one step, no channel.
    req.form = parseForm("pt-sym-asym");
    for (const auto& s : weightSnapshots(net, req)) {
        EQ_COMPARE(s.channel, int64_t(-1));
        EQ_COMPARE(s.channelSteps.size(), size_t(1));
    }
    req.bits = 9;
    EQ_THROWS(weightSnapshots(net, req), Error, "not a bit-width 2..8");
}

// Activations: each layer's input as the uniform subnet computes it, the activation
// quantizer's levels for the bits, and its error and clipped fraction; the first layer's input
// is the normalised images themselves, so its figures are checked against the quantizer's own
// fake quantization of them. The supernet is left as it was.
EQ_TEST(activation_snapshots_show_what_each_activation_quantizer_sees) {
    Supernet net = loadRunSupernet(trainedRun());
    const Dataset data = loadDataset(tinyTrain().data);
    net.setSubnet(net.uniform(6, 5, parseForm("pc-sym-asym")));
    std::vector<quant::LayerSetting> before;
    for (auto& [name, layer] : net.impl().qlayers) before.push_back(layer->setting);
    SnapshotRequest req;
    req.bits = 3;
    req.form = parseForm("pt-sym-asym");
    req.bins = 30;
    const int64_t images = 40;
    const auto snaps = activationSnapshots(net, data, req, images);
    EQ_COMPARE(snaps.size(), net.layers().size());
    for (size_t i = 0; i < snaps.size(); ++i) {
        const LayerSnapshot& s = snaps[i];
        const LayerInfo& l = net.layers()[i];
        EQ_COMPARE(s.name, l.name);
        EQ_COMPARE(s.counts.size(), size_t(30));
        double sum = 0;
        for (double c : s.counts) sum += c;
        EQ_VERIFY(sum > 0 && std::fmod(sum, double(images * l.inChannels)) == 0.0); // every value of every image
        EQ_COMPARE(s.levels.size(), size_t(l.fixedBits ? 256 : 8));
        EQ_COMPARE(s.channel, int64_t(-1));
        EQ_COMPARE(s.channelSteps.size(), size_t(1));
        EQ_VERIFY(s.quantError >= 0 && s.quantError < 1);
    }
    // The first layer sees the normalised validation images.
    {
        torch::NoGradGuard ng;
        std::vector<int64_t> idx(images);
        for (int64_t k = 0; k < images; ++k) idx[size_t(k)] = k;
        const auto x = imagesTensor(data.val, idx, Normalization{data.mean, data.std}, torch::kCPU);
        auto& first = *net.impl().qlayers[0].second;
        const auto fq = first.actQuant->forward(x, 8, req.form.actSymmetric);
        EQ_NEAR(snaps[0].quantError, (fq - x).square().sum().item<double>() / x.square().sum().item<double>(), 1e-9);
        EQ_NEAR(snaps[0].edges.front(), x.min().item<double>(), 1e-6);
        EQ_NEAR(snaps[0].edges.back(), x.max().item<double>(), 1e-6);
        const auto step = first.actQuant->slot(8, req.form.actSymmetric).first.item<double>();
        EQ_NEAR(snaps[0].channelSteps[0], step, 1e-9);
        const auto moved = ((fq - x).abs() > step * 0.5001).to(torch::kFloat).mean().item<double>();
        EQ_NEAR(snaps[0].clippedFraction, moved, 1.0 / double(x.numel()) + 1e-9);
    }
    // Put back as it was.
    for (size_t i = 0; i < before.size(); ++i) {
        const auto& now = net.impl().qlayers[i].second->setting;
        EQ_VERIFY(now.wBits == before[i].wBits && now.aBits == before[i].aBits && now.form == before[i].form &&
                  now.quantize == before[i].quantize);
    }
    req.bits = 1;
    EQ_THROWS(activationSnapshots(net, data, req), Error, "activation snapshot: bits 1");
}

EQ_TEST(measure_run_subnet_matches_evaluate_and_export_writes_what_reads_back) {
    const std::string run = trainedRun();
    Supernet net = loadRunSupernet(run);
    const SubnetConfig cfg = net.uniform(4, 4, parseForm("pt-sym-asym"));
    const SubnetMeasurement m = measureRunSubnet(run, cfg, true);
    const Dataset data = loadDataset(tinyTrain().data);
    net.setSubnet(cfg);
    EQ_NEAR(m.validation, net.evaluate(data, data.val, tinyTrain().eval).accuracy, 1e-12);
    EQ_VERIFY(m.test.has_value());
    EQ_NEAR(*m.test, net.evaluate(data, data.test, tinyTrain().eval).accuracy, 1e-12);
    EQ_VERIFY(!measureRunSubnet(run, cfg, false).test.has_value());

    const std::string dir = eqtest::scratchDir();
    SubnetExportOptions eo;
    eo.jsonPath = dir + "/w4.json";
    eo.profile = "edited";
    eo.predicted = 0.5;
    eo.validation = m.validation;
    const SubnetExportResult r = exportRunSubnet(run, cfg, eo);
    EQ_COMPARE(r.jsonPath, eo.jsonPath);
    EQ_VERIFY(r.onnxPath.empty());
    EQ_NEAR(r.cost.bitops, subnetCost(net.layers(), cfg).bitops, 0);
    EQ_VERIFY(readSubnetFile(eo.jsonPath, "fmnist-cnn", net.layers()) == cfg);
    const SubnetProvenance prov = subnetProvenanceFromJson(readTextFile(eo.jsonPath), eo.jsonPath);
    EQ_COMPARE(prov.profile, std::string("edited"));
    EQ_NEAR(prov.validation, m.validation, 1e-12);
    EQ_COMPARE(prov.checkpointId, fileIdentity(runCheckpointPath(run)));

    // A subnet that does not fit the model, or no file at all: an error, the old file intact.
    const std::string before = readTextFile(eo.jsonPath);
    SubnetConfig bad = cfg;
    bad.layers.pop_back();
    EQ_THROWS(exportRunSubnet(run, bad, eo), Error, "");
    SubnetExportOptions none;
    EQ_THROWS(exportRunSubnet(run, cfg, none), Error, "neither a JSON nor an ONNX path");
    EQ_COMPARE(readTextFile(eo.jsonPath), before);
    EQ_VERIFY(!fs::exists(eo.jsonPath + ".part"));
}

EQ_TEST(sensitivity_report_drops_one_layer_at_a_time) {
    ReportOptions opt;
    opt.eval.bnImages = 64;
    const QuantForm form = parseForm("pt-sym-sym");
    opt.forms = {form};
    const std::string md = runSensitivityReport(trainedRun(), opt, 2);
    // conv2..conv5 are searchable (conv1 and fc stay 8/8): one row each, in network order.
    size_t at = 0;
    for (const char* layer : {"| conv2 |", "| conv3 |", "| conv4 |", "| conv5 |"}) {
        const auto pos = md.find(layer, at);
        EQ_VERIFY2(pos != std::string::npos, md);
        at = pos;
    }
    EQ_VERIFY(md.find("| conv1 |") == std::string::npos && md.find("| fc |") == std::string::npos);
    // The conv3 row's drop is W8A8 minus (conv3 alone at W2A2), measured the same way.
    const TrainingJob job = TrainingJob::open(trainedRun());
    Dataset data = loadDataset(job.config().data);
    Supernet net = loadRunSupernet(trainedRun());
    net.setSubnet(net.uniform(8, 8, form));
    const double full = net.evaluate(data, data.val, opt.eval).accuracy;
    SubnetConfig c = net.uniform(8, 8, form);
    c.layers[2] = {2, 2};
    net.setSubnet(c);
    const double low = net.evaluate(data, data.val, opt.eval).accuracy;
    char expect[64];
    std::snprintf(expect, sizeof expect, "| %.2f |", 100 * full);
    EQ_VERIFY2(md.find(std::string("| (W8A8 accuracy, %) | | |") + (expect + 1)) != std::string::npos, md);
    const auto row = md.substr(md.find("| conv3 |"));
    std::snprintf(expect, sizeof expect, " %.2f | %.2f |", 100 * (full - low), 100 * (full - low));
    EQ_VERIFY2(row.substr(0, row.find('\n')).find(expect) != std::string::npos, row.substr(0, row.find('\n')));
    EQ_THROWS(runSensitivityReport(trainedRun(), opt, 9), Error, "not a bit-width 2..8");
}
