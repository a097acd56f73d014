// CQAP (docs/method.md §5): encoder, Kendall's tau, fitting on a known accuracy function,
// predictor files, the deterministic sample sequence and the resumable samples file.
#include "eqtest.h"

#include "eqnet/cqap.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/supernet.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

// A hand-made layer table: 6 layers, the first and the last fixed (§1).
std::vector<LayerInfo> sixLayers() {
    std::vector<LayerInfo> ls(6);
    for (size_t i = 0; i < ls.size(); ++i) {
        ls[i].name = "l" + std::to_string(i);
        ls[i].fixedBits = i == 0 || i + 1 == ls.size();
        ls[i].macs = 1000 * int64_t(i + 1);
        ls[i].weightParams = 100;
        ls[i].outChannels = 8;
    }
    return ls;
}

// A known accuracy function: each layer loses accuracy as its bits fall, with its own
// sensitivity; per-tensor and symmetric activations cost extra at low bits.
double syntheticAccuracy(const SubnetConfig& c) {
    const double sens[6] = {0, 0.03, 0.01, 0.05, 0.02, 0};
    double acc = 0.9;
    for (size_t i = 0; i < c.layers.size(); ++i) {
        acc -= sens[i] * std::pow(2.0, -(c.layers[i].w - 2)) * 2.0;
        acc -= 0.6 * sens[i] * std::pow(2.0, -(c.layers[i].a - 2)) * 2.0;
    }
    const double lowBits = 8.0 - c.averageWeightBits();
    if (c.form.granularity == Granularity::PerTensor) acc -= 0.004 * lowBits;
    if (c.form.actSymmetric) acc -= 0.003 * (8.0 - c.averageActBits());
    return acc;
}

std::vector<CqapSample> syntheticSamples(int perForm) {
    const auto layers = sixLayers();
    std::vector<CqapSample> out;
    for (const auto& form : allForms())
        for (int i = 0; i < perForm; ++i) {
            CqapSample s;
            s.config = cqapSampleConfig(layers, form, 7, i);
            s.index = i;
            s.accuracy = syntheticAccuracy(s.config);
            out.push_back(s);
        }
    return out;
}

SubnetConfig randomConfig(std::mt19937_64& rng, const std::vector<LayerInfo>& layers, const QuantForm& f) {
    SubnetConfig c;
    c.form = f;
    for (const auto& l : layers)
        c.layers.push_back(l.fixedBits ? LayerBits{8, 8}
                                       : LayerBits{int(2 + rng() % 7), int(2 + rng() % 7)});
    return c;
}

} // namespace

EQ_TEST(encoder_size_and_condition_bits) {
    const auto layers = sixLayers();
    const CqapEncoder cond(layers, true), plain(layers, false);
    EQ_COMPARE(cond.size(), 4 * 14 + 6);
    EQ_COMPARE(plain.size(), 4 * 14);
    EQ_COMPARE(cond.searchableLayers(), (std::vector<int>{1, 2, 3, 4}));
    // Asymmetric weights and activations set the "asymmetric" bits (the published encoder did not).
    SubnetConfig c = uniformSubnet(6, 3, 5, parseForm("pt-asym-asym"));
    const auto f = cond.encode(c);
    const int base = 4 * 14;
    EQ_COMPARE(f[size_t(base + 0)], 1.0f); // per-tensor
    EQ_COMPARE(f[size_t(base + 1)], 0.0f);
    EQ_COMPARE(f[size_t(base + 2)], 0.0f); // weight symmetric
    EQ_COMPARE(f[size_t(base + 3)], 1.0f); // weight asymmetric
    EQ_COMPARE(f[size_t(base + 5)], 1.0f); // activation asymmetric
    // Layer l1: w=3 at offset 1, a=5 at offset 7 + 3.
    EQ_COMPARE(f[1], 1.0f);
    EQ_COMPARE(f[7 + 3], 1.0f);
    float total = 0;
    for (float v : f) total += v;
    EQ_COMPARE(total, 4.0f * 2 + 3);
}

EQ_TEST(encoder_round_trip) {
    const auto layers = sixLayers();
    const CqapEncoder cond(layers, true), plain(layers, false);
    std::mt19937_64 rng(3);
    for (const auto& form : allForms())
        for (int k = 0; k < 20; ++k) {
            const SubnetConfig c = randomConfig(rng, layers, form);
            EQ_VERIFY(cond.decode(cond.encode(c)) == c);
            EQ_VERIFY(plain.decode(plain.encode(c), form) == c);
        }
    auto f = cond.encode(uniformSubnet(6, 4, 4, QuantForm{}));
    f[0] = 1.0f; // a second w bit for layer l1
    EQ_THROWS(cond.decode(f), Error, "l1 w_bits has more than one bit set");
    EQ_THROWS(cond.decode(std::vector<float>(3, 0.0f)), Error, "3 features");
}

EQ_TEST(kendall_tau_known_values) {
    EQ_NEAR(kendallTau({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0, 1e-12);
    EQ_NEAR(kendallTau({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
    EQ_NEAR(kendallTau({1, 2, 3, 4, 5}, {3, 4, 1, 2, 5}), 0.2, 1e-12);
    EQ_NEAR(kendallTau({1, 2, 2, 3}, {1, 3, 2, 2}), 0.4, 1e-12); // tau-b with ties
    EQ_THROWS(kendallTau({1, 2}, {1}), Error, "differ in length");
}

EQ_TEST(sample_sequence_is_deterministic_and_covers_the_range) {
    const auto layers = sixLayers();
    const QuantForm f = parseForm("pc-sym-asym");
    double lo = 9, hi = 0, loA = 9, hiA = 0;
    for (int i = 0; i < 200; ++i) {
        const SubnetConfig c = cqapSampleConfig(layers, f, 11, i);
        EQ_VERIFY(c == cqapSampleConfig(layers, f, 11, i));
        EQ_COMPARE(c.layers.front(), (LayerBits{8, 8}));
        EQ_COMPARE(c.layers.back(), (LayerBits{8, 8}));
        double w = 0, a = 0;
        for (size_t l = 1; l + 1 < c.layers.size(); ++l) {
            w += c.layers[l].w / 4.0;
            a += c.layers[l].a / 4.0;
        }
        lo = std::min(lo, w), hi = std::max(hi, w), loA = std::min(loA, a), hiA = std::max(hiA, a);
    }
    EQ_VERIFY2(lo <= 2.5 && hi >= 7.5, "weight bits span " + std::to_string(lo) + ".." + std::to_string(hi));
    EQ_VERIFY2(loA <= 2.5 && hiA >= 7.5, "activation bits span " + std::to_string(loA) + ".." + std::to_string(hiA));
    // Another seed, another sequence; another form, another sequence.
    int same = 0;
    for (int i = 0; i < 50; ++i) same += cqapSampleConfig(layers, f, 12, i) == cqapSampleConfig(layers, f, 11, i);
    EQ_VERIFY(same < 5);
}

EQ_TEST(fit_recovers_the_ranking_of_a_known_function) {
    const auto layers = sixLayers();
    const auto samples = syntheticSamples(60); // 480
    CqapFitOptions o;
    o.seed = 1;
    const CqapPredictor p = CqapPredictor::fit("toy", layers, samples, o);
    const CqapScores& s = p.scores();
    EQ_COMPARE(s.testSamples, int64_t(96));
    EQ_VERIFY2(s.kendallTau > 0.9, "held-out tau " + std::to_string(s.kendallTau));
    EQ_VERIFY2(s.rmse < 0.6, "held-out RMSE " + std::to_string(s.rmse) + " pp");
    // On fresh subnets too, not only the held-out part.
    std::mt19937_64 rng(99);
    std::vector<SubnetConfig> fresh;
    std::vector<double> truth;
    for (int k = 0; k < 300; ++k) {
        fresh.push_back(randomConfig(rng, layers, allForms()[size_t(k % 8)]));
        truth.push_back(syntheticAccuracy(fresh.back()));
    }
    const auto pred = p.predict(fresh);
    EQ_VERIFY2(kendallTau(pred, truth) > 0.9, "fresh tau " + std::to_string(kendallTau(pred, truth)));
    // The batched and the single prediction agree.
    EQ_NEAR(p.predict(fresh[5]), pred[5], 1e-12);

    // Without the form bits the form effect is invisible: the conditional predictor is better.
    o.conditional = false;
    const CqapPredictor u = CqapPredictor::fit("toy", layers, samples, o);
    EQ_VERIFY2(u.scores().rmse > s.rmse, "unconditional RMSE " + std::to_string(u.scores().rmse) +
                                             " vs conditional " + std::to_string(s.rmse));
    // Same seed, same predictor.
    o.conditional = true;
    const CqapPredictor again = CqapPredictor::fit("toy", layers, samples, o);
    EQ_COMPARE(again.predict(fresh), pred);
}

EQ_TEST(fit_rejects_too_few_samples) {
    EQ_THROWS(CqapPredictor::fit("toy", sixLayers(), syntheticSamples(1)), Error, "too few");
}

EQ_TEST(predictor_file_round_trip_and_errors) {
    const auto layers = sixLayers();
    CqapFitOptions o;
    o.maxEpochs = 40;
    const CqapPredictor p = CqapPredictor::fit("toy", layers, syntheticSamples(10), o);
    const std::string path = eqtest::scratchDir() + "/predictor.json";
    p.save(path);
    const CqapPredictor q = CqapPredictor::load(path);
    std::mt19937_64 rng(5);
    std::vector<SubnetConfig> cs;
    for (int k = 0; k < 50; ++k) cs.push_back(randomConfig(rng, layers, allForms()[size_t(k % 8)]));
    const auto a = p.predict(cs), b = q.predict(cs);
    for (size_t i = 0; i < a.size(); ++i) EQ_NEAR(a[i], b[i], 1e-6);
    EQ_NEAR(q.scores().kendallTau, p.scores().kendallTau, 1e-12);
    EQ_COMPARE(q.scores().testMeasured.size(), p.scores().testMeasured.size());
    q.checkLayers("toy", layers, path);
    EQ_THROWS(q.checkLayers("fmnist-cnn", layers, path), Error, "fitted for model 'toy'");

    EQ_THROWS(CqapPredictor::fromJson("{ nope", "x.json"), Error, "x.json: malformed JSON");
    EQ_THROWS(CqapPredictor::fromJson("{\"schema\": \"eqnet.subnet\"}", "x.json"), Error, "not a CQAP predictor");
    std::string text = readTextFile(path);
    const auto at = text.find("\"features\":");
    std::string broken = text.substr(0, at) + "\"features\":7" + text.substr(text.find(',', at));
    EQ_THROWS(CqapPredictor::fromJson(broken, "y.json"), Error, "y.json");
    // A failed load leaves the file alone.
    EQ_COMPARE(readTextFile(path), text);
}

EQ_TEST(ensemble_predicts_the_mean_of_its_members) {
    // --ensemble 3: three MLPs on the same split; member 0 is the single MLP of a plain fit,
    // the prediction the mean of the three; the file holds all three (version 2).
    const auto layers = sixLayers();
    const auto samples = syntheticSamples(10);
    CqapFitOptions o;
    o.maxEpochs = 40;
    const CqapPredictor single = CqapPredictor::fit("toy", layers, samples, o);
    o.ensemble = 3;
    const CqapPredictor ens = CqapPredictor::fit("toy", layers, samples, o);
    EQ_COMPARE(ens.options().ensemble, 3);
    EQ_COMPARE(ens.scores().testSamples, single.scores().testSamples); // the same split
    EQ_COMPARE(ens.scores().testMeasured, single.scores().testMeasured);

    const auto one = nlohmann::json::parse(single.toJson());
    const auto three = nlohmann::json::parse(ens.toJson());
    EQ_COMPARE(one["version"].get<int>(), 1); // a single MLP stays readable by older builds
    EQ_VERIFY(one.contains("mlp") && !one.contains("mlps"));
    EQ_COMPARE(three["version"].get<int>(), 2);
    EQ_COMPARE(three["mlps"].size(), size_t(3));
    EQ_COMPARE(three["mlps"][0], one["mlp"]);
    EQ_VERIFY(three["mlps"][1] != three["mlps"][0]); // another initialisation
    // Each member on its own, as a version-1 file: the ensemble predicts their mean.
    std::vector<CqapPredictor> members;
    for (size_t m = 0; m < 3; ++m) {
        auto j = three;
        j["version"] = 1;
        j["mlp"] = three["mlps"][m];
        j.erase("mlps");
        members.push_back(CqapPredictor::fromJson(j.dump(), "member.json"));
    }
    std::mt19937_64 rng(3);
    std::vector<SubnetConfig> cs;
    for (int k = 0; k < 40; ++k) cs.push_back(randomConfig(rng, layers, allForms()[size_t(k % 8)]));
    const auto pred = ens.predict(cs);
    bool differs = false;
    for (size_t i = 0; i < cs.size(); ++i) {
        const double mean = (members[0].predict(cs[i]) + members[1].predict(cs[i]) + members[2].predict(cs[i])) / 3;
        EQ_NEAR(pred[i], mean, 1e-12);
        differs = differs || std::abs(pred[i] - single.predict(cs[i])) > 1e-6;
    }
    EQ_VERIFY(differs);
    // Round trip, and a damaged ensemble names its field.
    const std::string path = eqtest::scratchDir() + "/ensemble.json";
    ens.save(path);
    const CqapPredictor back = CqapPredictor::load(path);
    EQ_COMPARE(back.options().ensemble, 3);
    EQ_COMPARE(back.predict(cs), pred);
    auto broken = three;
    broken["mlps"][1][0]["bias"] = std::vector<float>{1.0f};
    EQ_THROWS(CqapPredictor::fromJson(broken.dump(), "e.json"), Error, "e.json: field \"mlps[1][0]\"");
    broken = three;
    broken["version"] = 3;
    EQ_THROWS(CqapPredictor::fromJson(broken.dump(), "e.json"), Error, "versions 1 to 2");
    o.ensemble = 0;
    EQ_THROWS(CqapPredictor::fit("toy", layers, samples, o), Error, "at least one MLP");
}

EQ_TEST(samples_file_skips_torn_lines_and_other_checkpoints) {
    const auto layers = sixLayers();
    const std::string path = eqtest::scratchDir() + "/samples.jsonl";
    std::ofstream out(path);
    out << R"({"checkpoint":"A","seed":0,"form":"pc-sym-asym","index":0,"w_bits":[8,4,4,4,4,8],"a_bits":[8,4,4,4,4,8],"accuracy":0.8,"loss":0.5,"seconds":1})" << "\n";
    out << R"({"checkpoint":"B","seed":0,"form":"pc-sym-asym","index":0,"w_bits":[8,4,4,4,4,8],"a_bits":[8,4,4,4,4,8],"accuracy":0.7,"loss":0.5,"seconds":1})" << "\n";
    out << R"({"checkpoint":"A","seed":0,"form":"pt-sym-sym","index":1,"w_bits":[8,2,3,4,5,8],"a_bits":[8,6,7,8,2,8],"accuracy":0.6,"loss":0.5,"seconds":1})" << "\n";
    out << R"({"checkpoint":"A","seed":0,"form":"pc-sym-asym","index":2,"w_bits":[8,9,4,4,4,8],"a_bits":[8,4,4,4,4,8],"accuracy":0.6,"loss":0.5,"seconds":1})" << "\n";
    out << R"({"checkpoint":"A","seed":0,"form":"pc-sym-asym","index":3,"w_bits":[8,4,4)";
    out.close();
    int skipped = -1;
    const auto s = readCqapSamples(path, layers, "A", &skipped);
    EQ_COMPARE(s.size(), size_t(2));
    EQ_COMPARE(skipped, 2); // bits out of range, torn last line
    EQ_NEAR(s[1].accuracy, 0.6, 1e-12);
    EQ_COMPARE(s[1].config.layers[2], (LayerBits{3, 7}));
    EQ_COMPARE(formName(s[1].config.form), std::string("pt-sym-sym"));
}

EQ_TEST(sampling_appends_resumes_and_reuses) {
    DataSpec ds;
    ds.format = DataFormat::Synthetic;
    ds.syntheticTrain = 256;
    ds.syntheticTest = 64;
    ds.validationSize = 128;
    const Dataset data = loadDataset(ds);
    Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 1);
    net.calibrate(data, 64);
    CqapSamplingOptions o;
    o.perForm = 3;
    o.forms = {parseForm("pc-sym-asym"), parseForm("pt-asym-sym")};
    o.eval.bnImages = 64;
    o.eval.maxImages = 64;
    const std::string path = eqtest::scratchDir() + "/run/cqap/samples.jsonl";

    // Stop after two measurements: the file holds exactly those two.
    StopToken stop;
    int seen = 0;
    MeasurementPool pool(net);
    auto r1 = sampleCqap(pool, data, path, "ck", o, [&](const Progress&) { if (++seen == 2) stop.requestStop(); }, stop);
    EQ_VERIFY(!r1.finished);
    EQ_COMPARE(r1.measured, int64_t(2));
    EQ_COMPARE(readCqapSamples(path, net.layers(), "ck").size(), size_t(2));
    // Interleaved forms: one of each.
    EQ_VERIFY(r1.samples[0].config.form != r1.samples[1].config.form);

    // Going on measures the other four; the sequence is the deterministic one.
    auto r2 = sampleCqap(pool, data, path, "ck", o);
    EQ_VERIFY(r2.finished);
    EQ_COMPARE(r2.reused, int64_t(2));
    EQ_COMPARE(r2.measured, int64_t(4));
    const auto all = readCqapSamples(path, net.layers(), "ck");
    EQ_COMPARE(all.size(), size_t(6));
    for (const auto& s : all) {
        EQ_VERIFY(s.config == cqapSampleConfig(net.layers(), s.config.form, 0, s.index));
        EQ_VERIFY(s.accuracy >= 0 && s.accuracy <= 1);
    }
    // A measurement is repeatable (BN re-estimation on fixed images): re-measure one.
    net.setSubnet(all[3].config);
    EQ_NEAR(net.evaluate(data, data.val, o.eval).accuracy, all[3].accuracy, 1e-12);

    // A larger budget reuses the six; another checkpoint reuses none.
    o.perForm = 4;
    auto r3 = sampleCqap(pool, data, path, "ck", o);
    EQ_COMPARE(r3.reused, int64_t(6));
    EQ_COMPARE(r3.measured, int64_t(2));
    o.perForm = 1;
    auto r4 = sampleCqap(pool, data, path, "other", o);
    EQ_COMPARE(r4.reused, int64_t(0));
    EQ_COMPARE(readCqapSamples(path, net.layers(), "ck").size(), size_t(8));

    // Another measurement protocol (more BN estimates per subnet) neither reuses nor fits on
    // the samples of this one: their noise differs.
    o.eval.bnRepeats = 2;
    auto r5 = sampleCqap(pool, data, path, "ck", o);
    EQ_COMPARE(r5.reused, int64_t(0));
    EQ_COMPARE(r5.measured, int64_t(2));
    EQ_COMPARE(r5.samples.size(), size_t(2));
    net.setSubnet(r5.samples[0].config);
    EQ_NEAR(net.evaluate(data, data.val, o.eval).accuracy, r5.samples[0].accuracy, 1e-12);
    // and the first protocol still finds its own eight
    o.eval.bnRepeats = 1;
    o.perForm = 4;
    auto r6 = sampleCqap(pool, data, path, "ck", o);
    EQ_COMPARE(r6.reused, int64_t(8));
    EQ_COMPARE(r6.samples.size(), size_t(8));
}
