// The stages after training over a run folder (cqap/, search/, exports/) and the end-to-end
// pipeline, on a tiny synthetic run: resumable stages, verified fronts, exports with
// provenance that read back to the same subnet.
#include "eqtest.h"
#include "shared_run.h"
#include "tiny_run_config.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/onnx_export.h"
#include "eqnet/pipeline.h"
#include "eqnet/subnet_json.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

TrainConfig tinyTrain() { return eqtest::tinyRunConfig(256, 96, 32, 3); }

// A flexible per-tensor profile written into the scratch folder.
std::string writeProfile(const std::string& dir) {
    HardwareProfile p;
    p.name = "tiny-flex";
    p.description = "test profile";
    p.weightBits = {2, 3, 4, 6, 8};
    p.actBits = {4, 8};
    p.form = parseForm("pt-sym-asym");
    const std::string path = dir + "/tiny-flex.json";
    writeProfileFile(path, p);
    return path;
}

// One trained tiny run shared by the cases (scratchDir() is per case), removed at exit.
const std::string& trainedRun() {
    static const eqtest::SharedRun run("tst-pipeline", tinyTrain());
    return run.dir();
}

CqapStageOptions tinyCqap() {
    CqapStageOptions o;
    o.sampling.perForm = 3; // 24 subnets
    o.sampling.eval.bnImages = 32;
    o.sampling.eval.maxImages = 96;
    o.workers = 2;
    o.fit.maxEpochs = 60;
    return o;
}

SearchStageOptions tinySearch(const std::string& profile) {
    SearchStageOptions o;
    o.profile = profile;
    o.search.population = 24;
    o.search.generations = 10;
    o.search.exhaustiveUpTo = 0;
    o.verifyTop = 3;
    return o;
}

std::string fileText(const std::string& p) { return readTextFile(p); }

} // namespace

EQ_TEST(cqap_stage_samples_fits_and_reuses) {
    const std::string run = trainedRun();
    const CqapStageResult r = runCqapStage(run, tinyCqap());
    EQ_VERIFY(r.sampling.finished);
    EQ_VERIFY(r.fitted);
    EQ_COMPARE(r.sampling.samples.size(), size_t(24));
    EQ_VERIFY(fs::exists(cqapPredictorPath(run, true)));
    EQ_VERIFY(fs::exists(cqapPredictorPath(run, false)));
    const auto scores = nlohmann::json::parse(fileText(cqapScoresPath(run)));
    EQ_COMPARE(scores["samples"].get<int>(), 24);
    EQ_VERIFY(scores.contains("unconditional"));
    // Two workers wrote every line once.
    int lines = 0;
    std::ifstream in(cqapSamplesPath(run));
    for (std::string l; std::getline(in, l);) lines += !l.empty();
    EQ_COMPARE(lines, 24);

    // Again: nothing measured, nothing refitted (the predictor file is unchanged).
    const std::string before = fileText(cqapPredictorPath(run, true));
    const CqapStageResult again = runCqapStage(run, tinyCqap());
    EQ_COMPARE(again.sampling.measured, int64_t(0));
    EQ_COMPARE(again.sampling.reused, int64_t(24));
    EQ_COMPARE(fileText(cqapPredictorPath(run, true)), before);
    EQ_NEAR(again.conditional.kendallTau, r.conditional.kendallTau, 1e-12);

    // The epoch cap is not part of what identifies a fit: kept ... unless a refit is asked for.
    CqapStageOptions shorter = tinyCqap();
    shorter.fit.maxEpochs = 5;
    EQ_VERIFY(r.conditional.epochs > 5);
    EQ_COMPARE(runCqapStage(run, shorter).conditional.epochs, r.conditional.epochs);
    shorter.refit = true;
    const CqapStageResult refit = runCqapStage(run, shorter);
    EQ_COMPARE(refit.sampling.measured, int64_t(0));
    EQ_VERIFY(refit.fitted && refit.conditional.epochs <= 5);
    EQ_VERIFY(loadRunPredictor(run).scores().epochs <= 5);
    EQ_COMPARE(nlohmann::json::parse(fileText(cqapScoresPath(run)))["conditional"]["epochs"].get<int>(),
               refit.conditional.epochs);
}

EQ_TEST(search_stage_writes_a_verified_front_and_resumes) {
    const std::string run = trainedRun();
    if (!fs::exists(cqapPredictorPath(run, true))) runCqapStage(run, tinyCqap());
    const std::string scratch = eqtest::scratchDir();
    const std::string profile = writeProfile(scratch);

    // Stop after the first measurement: the front file holds the search and that one.
    StopToken stop;
    SearchStageOptions o = tinySearch(profile);
    int seen = 0;
    const FrontFile partial = runSearchStage(run, o, [&](const Progress& p) {
        if (p.stage == "verify" && ++seen == 1) stop.requestStop();
    }, stop);
    EQ_VERIFY(!partial.points.empty());
    const Supernet net = Supernet::load(runCheckpointPath(run));
    FrontFile onDisk = readFront(run, "tiny-flex", net.layers());
    int measured = 0;
    for (const auto& p : onDisk.points) measured += p.validation.has_value();
    for (const auto& p : onDisk.uniform) measured += p.validation.has_value();
    EQ_COMPARE(measured, 1);

    // Going on measures the rest without searching again.
    const FrontFile f = runSearchStage(run, o);
    EQ_COMPARE(f.evaluations, partial.evaluations);
    EQ_COMPARE(f.points.size(), partial.points.size());
    int val = 0, test = 0;
    for (const auto& p : f.points) {
        val += p.validation.has_value();
        test += p.test.has_value();
        EQ_VERIFY2(p.config.form == parseForm("pt-sym-asym"), formName(p.config.form));
        for (size_t i = 1; i + 1 < p.config.layers.size(); ++i) {
            EQ_VERIFY(p.config.layers[i].a == 4 || p.config.layers[i].a == 8);
            EQ_VERIFY(p.config.layers[i].w != 5 && p.config.layers[i].w != 7);
        }
    }
    EQ_COMPARE(val, 3);  // --verify-top 3
    EQ_COMPARE(test, 3);
    // Uniform baselines: every allowed (w, a) pair (5 x 2), all measured.
    EQ_COMPARE(f.uniform.size(), size_t(10));
    for (const auto& u : f.uniform) EQ_VERIFY(u.validation && u.test);
    EQ_COMPARE(f.verification.measured, int64_t(3));
    EQ_COMPARE(f.verification.baselines, int64_t(10));
    // Test split: each baseline against the best-on-validation front point at no more BitOps,
    // on the same images (per-image results stored with each test accuracy).
    EQ_COMPARE(f.verification.testComparisons.size(), size_t(10));
    int64_t beaten = 0;
    for (size_t k = 0; k < f.uniform.size(); ++k) {
        const auto& u = f.uniform[k];
        const auto& c = f.verification.testComparisons[k];
        EQ_COMPARE(c.baseline, u.label);
        EQ_COMPARE(int64_t(unpackCorrect(u.testCorrect, "u").size()), tinyTrain().data.syntheticTest);
        int64_t best = -1;
        for (size_t i = 0; i < f.points.size(); ++i) {
            const auto& p = f.points[i];
            if (!p.validation || p.cost.bitops > u.cost.bitops || p.config == u.config) continue;
            if (best < 0 || *p.validation > *f.points[size_t(best)].validation) best = int64_t(i);
        }
        EQ_COMPARE(c.point, best);
        if (best < 0) continue;
        EQ_NEAR(c.pointTest, *f.points[size_t(best)].test, 0);
        EQ_NEAR(c.difference.difference, c.pointTest - c.baselineTest, 1e-9);
        EQ_VERIFY(c.difference.low <= c.difference.difference && c.difference.difference <= c.difference.high);
        beaten += c.difference.low > 0;
    }
    EQ_COMPARE(f.verification.baselinesBeatenOnTest, beaten);
    EQ_VERIFY(frontTable(f, net.layers()).find("Baselines beaten on test with the 95 % interval above zero: " +
                                               std::to_string(beaten) + " of 10.") != std::string::npos);
    {
        // Per-image results that disagree with the stored accuracy are refused, naming the field.
        std::string text = fileText(frontPath(run, "tiny-flex"));
        FrontFile tampered = frontFromJson(text, "front.json", net.layers());
        tampered.uniform[0].test = *tampered.uniform[0].test + 0.5 / double(tinyTrain().data.syntheticTest);
        EQ_THROWS(frontFromJson(frontToJson(tampered, net.layers()), "front.json", net.layers()), Error,
                  "front.json: field \"uniform[0].test_correct\" does not match \"test\"");
        // A subnet with a bit-width outside 2..8, or another model's layer count, names the point.
        nlohmann::json j = nlohmann::json::parse(text);
        j["points"][1]["a_bits"][2] = 9;
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error,
                  "front.json: field \"points[1]\": layer 2 has bits outside 2..8");
        j = nlohmann::json::parse(text);
        j["points"][0]["w_bits"].erase(0);
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error,
                  "front.json: field \"points[0].w_bits\" has " + std::to_string(net.layers().size() - 1) + " layers");
        // An integer beyond int's range is refused, not wrapped: 2^32 + 4 became a valid 4 bits.
        j = nlohmann::json::parse(text);
        j["points"][1]["w_bits"][0] = 4294967300ULL;
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error,
                  "front.json: field \"points[1].w_bits\" = [4294967300");
        // Fields of the wrong type, or an accuracy that is not a share, name the field.
        j = nlohmann::json::parse(text);
        j["search"]["population"] = "100";
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error,
                  "front.json: field \"search.population\" = \"100\" must be an integer");
        j = nlohmann::json::parse(text);
        j["points"][0]["validation"] = 3.5;
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error,
                  "front.json: field \"points[0].validation\" = 3.5 is not an accuracy in [0, 1]");
        j = nlohmann::json::parse(text);
        j["points"] = 7;
        EQ_THROWS(frontFromJson(j.dump(), "front.json", net.layers()), Error, "front.json");
    }
    // Sorted by BitOps, mutually non-dominated by prediction.
    for (size_t i = 1; i < f.points.size(); ++i) {
        EQ_VERIFY(f.points[i - 1].cost.bitops <= f.points[i].cost.bitops);
        EQ_VERIFY(f.points[i - 1].predicted <= f.points[i].predicted);
    }
    // The file round-trips.
    const FrontFile back = readFront(run, "tiny-flex", net.layers());
    EQ_COMPARE(frontToJson(back, net.layers()), frontToJson(f, net.layers()));
    EQ_THROWS(frontFromJson("{\"schema\": \"eqnet.front\", \"version\": 1}", "f.json", net.layers()), Error, "f.json");

    // One more measurement (the studio's Verify): recorded in every entry of that subnet, the
    // summary follows; refused for another checkpoint or a subnet the front does not hold.
    EQ_VERIFY(f.points.size() > 3); // --verify-top 3 left some unmeasured
    const SubnetConfig unmeasured = [&] {
        for (const auto& p : f.points)
            if (!p.validation) return p.config;
        return SubnetConfig();
    }();
    SubnetMeasurement m;
    m.validation = 0.5;
    m.test = 0.25;
    m.checkpointId = "crc32:00000000:1";
    const std::string before = fileText(frontPath(run, "tiny-flex"));
    EQ_VERIFY(!recordFrontMeasurement(run, "tiny-flex", net.layers(), unmeasured, m));
    m.checkpointId = fileIdentity(runCheckpointPath(run));
    SubnetConfig foreign = unmeasured;
    foreign.layers[1].w = 5; // 5-bit weights: not in this profile's space
    EQ_VERIFY(!recordFrontMeasurement(run, "tiny-flex", net.layers(), foreign, m));
    EQ_COMPARE(fileText(frontPath(run, "tiny-flex")), before);
    EQ_VERIFY(recordFrontMeasurement(run, "tiny-flex", net.layers(), unmeasured, m));
    const FrontFile after = readFront(run, "tiny-flex", net.layers());
    bool recorded = false;
    for (const auto& p : after.points)
        if (p.config == unmeasured) {
            recorded = true;
            EQ_NEAR(*p.validation, 0.5, 0);
            EQ_NEAR(*p.test, 0.25, 0);
        }
    EQ_VERIFY(recorded);
    EQ_COMPARE(after.verification.measured, f.verification.measured + 1);
    EQ_COMPARE(measureRunSubnet(run, unmeasured, false).checkpointId, fileIdentity(runCheckpointPath(run)));
}

EQ_TEST(search_stage_refines_the_predictor_near_the_front) {
    const std::string run = trainedRun();
    if (!fs::exists(cqapPredictorPath(run, true))) runCqapStage(run, tinyCqap());
    const std::string scratch = eqtest::scratchDir();
    HardwareProfile prof = findProfile(writeProfile(scratch));
    prof.name = "tiny-refine";
    const std::string profile = scratch + "/tiny-refine.json";
    writeProfileFile(profile, prof);
    const Supernet net = Supernet::load(runCheckpointPath(run));
    const std::string id = fileIdentity(runCheckpointPath(run));
    const auto samples = readCqapSamples(cqapSamplesPath(run), net.layers(), id);
    EQ_COMPARE(samples.size(), size_t(24));

    SearchStageOptions o = tinySearch(profile);
    o.refineRounds = 2;
    o.refinePoints = 3;
    o.bnImages = 48;
    o.verifyTest = false;
    // Stopped after the first refinement measurement: no front yet, that measurement kept.
    StopToken stop;
    int seen = 0;
    const FrontFile none = runSearchStage(run, o, [&](const Progress& p) {
        if (p.stage == "refine" && ++seen == 1) stop.requestStop();
    }, stop);
    EQ_VERIFY(none.points.empty());
    EQ_VERIFY(!fs::exists(frontPath(run, "tiny-refine")));
    const std::string refinePath = frontRefinePath(run, "tiny-refine");
    auto lines = [&] {
        std::vector<nlohmann::json> out;
        std::ifstream in(refinePath);
        for (std::string l; std::getline(in, l);)
            if (!l.empty()) out.push_back(nlohmann::json::parse(l));
        return out;
    };
    EQ_COMPARE(lines().size(), size_t(1));

    // Going on: the uniform baselines that are not CQAP samples (measured first, in round 0),
    // then 2 rounds x 3 front points, none of them a CQAP sample or measured twice.
    const FrontFile f = runSearchStage(run, o);
    const auto measured = lines();
    size_t anchors = 0;
    for (const auto& u : f.uniform) {
        bool sample = false;
        for (const auto& s : samples) sample = sample || s.config == u.config;
        anchors += !sample;
    }
    EQ_VERIFY(anchors > 0);
    EQ_COMPARE(measured.size(), anchors + 6);
    Supernet probe = Supernet::load(runCheckpointPath(run));
    const Dataset data = loadDataset(tinyTrain().data);
    EvalOptions ev = tinyTrain().eval;
    ev.bnImages = 48;
    std::vector<SubnetConfig> seenConfigs;
    for (size_t i = 0; i < measured.size(); ++i) {
        const auto& j = measured[i];
        EQ_COMPARE(j["checkpoint"].get<std::string>(), id);
        EQ_COMPARE(j["bn_images"].get<int>(), 48);
        EQ_COMPARE(j["round"].get<int>(), i < anchors + 3 ? 0 : 1);
        SubnetConfig c;
        c.form = parseForm(j["form"].get<std::string>());
        const auto w = j["w_bits"].get<std::vector<int>>(), a = j["a_bits"].get<std::vector<int>>();
        for (size_t k = 0; k < w.size(); ++k) c.layers.push_back({w[k], a[k]});
        for (const auto& s : samples) EQ_VERIFY(!(s.config == c));
        for (const auto& s : seenConfigs) EQ_VERIFY(!(s == c));
        seenConfigs.push_back(c);
        // Measured with the stage's protocol (the given BN images, validation split).
        probe.setSubnet(c);
        EQ_NEAR(j["accuracy"].get<double>(), probe.evaluate(data, data.val, ev).accuracy, 1e-12);
        // A front point or baseline measured during refinement keeps that measurement.
        for (const auto* list : {&f.points, &f.uniform})
            for (const auto& p : *list)
                if (p.config == c) EQ_NEAR(*p.validation, j["accuracy"].get<double>(), 0);
        bool baseline = false;
        for (const auto& u : f.uniform) baseline = baseline || u.config == c;
        EQ_COMPARE(baseline, i < anchors); // the baselines first
    }
    // The refined predictor is fitted on the CQAP samples plus the 6 and saved beside the front.
    const CqapPredictor refined = CqapPredictor::load(frontPredictorPath(run, "tiny-refine"));
    EQ_COMPARE(refined.scores().trainSamples + refined.scores().testSamples, int64_t(30 + anchors));
    EQ_NEAR(f.predictorTau, refined.scores().kendallTau, 1e-12);
    EQ_COMPARE(f.refineRounds, 2);
    EQ_COMPARE(f.refinePoints, 3);
    EQ_COMPARE(f.refineMeasured, int64_t(anchors + 6));
    EQ_COMPARE(f.bnImages, int64_t(48));
    for (const auto& p : f.points) EQ_NEAR(p.predicted, refined.predict(p.config), 1e-12);

    // The same as an uninterrupted refinement from scratch.
    fs::remove_all(fs::path(run) / "search" / "tiny-refine");
    const FrontFile again = runSearchStage(run, o);
    EQ_COMPARE(again.points.size(), f.points.size());
    for (size_t i = 0; i < f.points.size(); ++i) {
        EQ_VERIFY(again.points[i].config == f.points[i].config);
        EQ_NEAR(again.points[i].predicted, f.points[i].predicted, 0);
        EQ_COMPARE(again.points[i].validation.has_value(), f.points[i].validation.has_value());
    }
    // Once more: nothing measured, the front is reused.
    runSearchStage(run, o);
    EQ_COMPARE(lines().size(), anchors + 6);
    // Other refinement settings search again.
    o.refinePoints = 2;
    o.verify = false;
    EQ_COMPARE(runSearchStage(run, o).refinePoints, 2);
}

EQ_TEST(search_stage_averages_bn_estimates_on_validation_only) {
    // --bn-repeats 2: every validation measurement is the mean of two BN estimates (what the
    // search ranks by); every test measurement is the one model an export deploys.
    const std::string run = trainedRun();
    if (!fs::exists(cqapPredictorPath(run, true))) runCqapStage(run, tinyCqap());
    const std::string scratch = eqtest::scratchDir();
    HardwareProfile prof = findProfile(writeProfile(scratch));
    prof.name = "tiny-repeats";
    const std::string profile = scratch + "/tiny-repeats.json";
    writeProfileFile(profile, prof);
    SearchStageOptions o = tinySearch(profile);
    o.verifyTop = 1;
    o.bnImages = 48;
    o.bnRepeats = 2;
    const FrontFile f = runSearchStage(run, o);
    EQ_COMPARE(f.bnRepeats, 2);
    EQ_COMPARE(nlohmann::json::parse(fileText(frontPath(run, "tiny-repeats")))["search"]["bn_repeats"].get<int>(), 2);
    Supernet probe = Supernet::load(runCheckpointPath(run));
    const Dataset data = loadDataset(tinyTrain().data);
    EvalOptions ev = tinyTrain().eval;
    ev.bnImages = 48;
    ev.bnRepeats = 2;
    int checked = 0;
    for (const auto* list : {&f.points, &f.uniform})
        for (const auto& p : *list) {
            if (!p.validation) continue;
            probe.setSubnet(p.config);
            EQ_NEAR(*p.validation, probe.evaluate(data, data.val, ev).accuracy, 1e-12);
            const EvalResult t = probe.evaluate(data, data.test, deployedEval(ev));
            EQ_NEAR(*p.test, t.accuracy, 1e-12);
            EQ_COMPARE(p.testCorrect, packCorrect(t.correct));
            ++checked;
        }
    EQ_COMPARE(checked, 1 + 10);
    // The same options reuse the front; one estimate is another protocol: searched again.
    EQ_COMPARE(runSearchStage(run, o).searchSeconds, f.searchSeconds);
    o.bnRepeats = 1;
    o.verify = false;
    EQ_COMPARE(runSearchStage(run, o).bnRepeats, 1);
}

EQ_TEST(export_stage_writes_json_with_provenance_and_onnx) {
    const std::string run = trainedRun();
    if (!fs::exists(cqapPredictorPath(run, true))) runCqapStage(run, tinyCqap());
    const std::string profile = writeProfile(eqtest::scratchDir());
    const FrontFile f = runSearchStage(run, tinySearch(profile));
    ExportStageOptions eo;
    eo.profile = profile;
    eo.onnx = onnxExportAvailable();
    // --front-only: the best measured front point.
    eo.includeUniform = false;
    const ExportStageResult front = runExportStage(run, eo);
    double best = -1;
    for (const auto& p : f.points)
        if (p.validation) best = std::max(best, *p.validation);
    EQ_NEAR(*front.point.validation, best, 1e-12);
    EQ_VERIFY(front.point.label.empty() && front.pointIndex >= 0);
    EQ_VERIFY(front.jsonPath.find("tiny-flex-p" + std::to_string(front.pointIndex) + ".json") != std::string::npos);
    // By default a measured uniform baseline competes: the best measured subnet of either kind.
    eo.includeUniform = true;
    const ExportStageResult r = runExportStage(run, eo);
    const FrontPoint* bestUniform = nullptr;
    for (const auto& u : f.uniform)
        if (u.validation && (!bestUniform || *u.validation > *bestUniform->validation)) bestUniform = &u;
    EQ_VERIFY(bestUniform);
    const bool uniformWins = *bestUniform->validation > best;
    EQ_NEAR(*r.point.validation, std::max(best, *bestUniform->validation), 1e-12);
    EQ_COMPARE(r.point.label, uniformWins ? bestUniform->label : std::string());
    EQ_COMPARE(r.pointIndex, uniformWins ? -1 : front.pointIndex);
    EQ_NEAR(*r.bestFrontValidation, best, 1e-12);
    if (uniformWins) EQ_VERIFY(r.jsonPath.find("tiny-flex-" + bestUniform->label + ".json") != std::string::npos);
    const Supernet net = Supernet::load(runCheckpointPath(run));
    EQ_VERIFY(readSubnetFile(r.jsonPath, net.spec().name, net.layers()) == r.point.config);
    const SubnetProvenance prov = subnetProvenanceFromJson(fileText(r.jsonPath), r.jsonPath);
    EQ_COMPARE(prov.checkpointId, fileIdentity(runCheckpointPath(run)));
    EQ_COMPARE(prov.profile, std::string("tiny-flex"));
    // The constraints searched under are recorded, not only the profile's name.
    EQ_COMPARE(profileToJson(profileFromJson(prov.constraints, r.jsonPath)), profileToJson(findProfile(eo.profile)));
    EQ_NEAR(prov.validation, *r.point.validation, 1e-12);
    EQ_NEAR(prov.predicted, r.point.predicted, 1e-12);
    const auto j = nlohmann::json::parse(fileText(r.jsonPath));
    EQ_NEAR(j["cost"]["bitops"].get<double>(), r.point.cost.bitops, 1e-6);
    double sum = 0;
    for (const auto& l : j["layers"]) sum += l["bitops"].get<double>();
    EQ_NEAR(sum, r.point.cost.bitops, 1e-6);
    if (eo.onnx) EQ_VERIFY(fs::file_size(r.onnxPath) > 1000);

    // A point that does not exist: a clear error, nothing written.
    eo.point = 999;
    eo.name = "never";
    EQ_THROWS(runExportStage(run, eo), Error, "front point 999 does not exist");
    EQ_VERIFY(!fs::exists(fs::path(run) / "exports" / "never.json"));
    // A budget below the cheapest point names it.
    eo.point = -1;
    eo.maxBitops = 1;
    EQ_THROWS(runExportStage(run, eo), Error, "the cheapest costs");
    // A name is a file name in the exports folder, never a path out of it.
    eo.maxBitops = 0;
    for (const std::string& bad : std::vector<std::string>{"../../escaped", "sub/dir", "..", "a\nb"}) {
        eo.name = bad;
        EQ_THROWS(runExportStage(run, eo), Error, "is not a plain file name");
    }
    EQ_VERIFY(!fs::exists(fs::path(run).parent_path() / "escaped.json"));
}

EQ_TEST(pipeline_runs_end_to_end_and_refuses_other_options) {
    PipelineOptions o = pipelinePreset("quick");
    o.train = tinyTrain();
    o.cqap = tinyCqap();
    const std::string scratch = eqtest::scratchDir();
    o.search = tinySearch(writeProfile(scratch));
    o.exportOptions.onnx = onnxExportAvailable();
    o.exportBudgetBits = 0; // no budget: the best measured point
    const std::string dir = scratch + "/pipe";
    // Stop during training: not finished, resumable.
    StopToken stop;
    PipelineCallbacks cb;
    cb.train.onStep = [&](const StepMetrics&) { stop.requestStop(); };
    const PipelineResult stopped = runPipeline(dir, o, cb, stop);
    EQ_VERIFY(!stopped.finished);
    EQ_COMPARE(stopped.stageTimes.size(), size_t(1)); // training, begun and stopped
    const PipelineResult r = runPipeline(dir, o);
    EQ_VERIFY(r.finished);
    // Stage times: each stage this call ran, in order, with wall and CPU time; pipeline.json
    // sums them over both calls (training ran in each).
    {
        std::vector<std::string> names;
        for (const StageTime& t : r.stageTimes) {
            names.push_back(t.stage);
            EQ_VERIFY(t.wallSeconds > 0);
            EQ_VERIFY(t.cpuSeconds >= 0);
        }
        EQ_COMPARE(names, (std::vector<std::string>{"train", "cqap", "search", "export"}));
        const nlohmann::json rec = nlohmann::json::parse(fileText((fs::path(dir) / "pipeline.json").string()));
        const nlohmann::json& times = rec.at("stage_times");
        for (const auto& n : names) EQ_VERIFY2(times.contains(n), n);
        EQ_NEAR(times.at("train").at("wall_s").get<double>(),
                stopped.stageTimes[0].wallSeconds + r.stageTimes[0].wallSeconds, 1e-6);
        EQ_NEAR(times.at("cqap").at("cpu_s").get<double>(), r.stageTimes[1].cpuSeconds, 1e-6);
    }
    EQ_VERIFY(!r.front.points.empty());
    EQ_VERIFY(fs::exists(r.exported.jsonPath));
    EQ_VERIFY(fs::exists(fs::path(dir) / "pipeline.json"));
    const Supernet net = Supernet::load(runCheckpointPath(dir));
    const std::string table = frontTable(r.front, net.layers());
    EQ_VERIFY2(table.find("uniform W8A8") != std::string::npos, table);
    // The CQAP settings read back from pipeline.json (the studio's Fit starts from them); a
    // run the pipeline did not make has none.
    const auto recorded = pipelineCqapOptions(dir);
    EQ_VERIFY(recorded.has_value());
    EQ_COMPARE(recorded->sampling.perForm, o.cqap.sampling.perForm);
    EQ_COMPARE(recorded->sampling.seed, o.cqap.sampling.seed);
    EQ_COMPARE(recorded->sampling.eval.maxImages, o.cqap.sampling.eval.maxImages);
    EQ_COMPARE(recorded->fit.hidden, o.cqap.fit.hidden);
    EQ_VERIFY(!pipelineCqapOptions(trainedRun()).has_value());
    // A record another build wrote (other eqnet and LibTorch versions) still resumes: the
    // versions are not options.
    const std::string record = (fs::path(dir) / "pipeline.json").string();
    {
        nlohmann::json rec = nlohmann::json::parse(fileText(record));
        EQ_VERIFY(rec["train"].contains("versions"));
        rec["train"]["versions"] = {{"eqnet", "0.0.1"}, {"libtorch", "1.0.0"}};
        writeFileAtomic(record, rec.dump(2) + "\n");
        EQ_VERIFY(runPipeline(dir, o).finished); // also: the stage times recorded are not options
    }
    // Other options for the same folder: refused, nothing touched.
    const std::string before = fileText(record);
    o.cqap.sampling.perForm = 4;
    EQ_THROWS(runPipeline(dir, o), Error, "other options");
    EQ_COMPARE(fileText(record), before);
    EQ_THROWS(pipelinePreset("huge"), Error, "available: fmnist, quick");
}
