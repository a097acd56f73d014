// §6 over a run folder: search the profile's space with the run's CQAP predictor, then verify
// the front by measuring its points (§4) beside the uniform baselines of the same form.
#include "eqnet/pipeline.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/uniform_baselines.h"
#include "io/subnet_bits_json.h"
#include "pipeline/front_refinement.h"
#include "pipeline/trained_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFrontSchema = "eqnet.front";
constexpr int kFrontVersion = 1;

json optNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json pointJson(const FrontPoint& p) {
    json j;
    jsonio::putSubnetBits(j, p.config);
    j.update(json{{"bitops", p.cost.bitops},  {"size_bits", p.cost.sizeBits},
                  {"predicted", p.predicted}, {"validation", optNumber(p.validation)},
                  {"test", optNumber(p.test)}});
    if (!p.label.empty()) j["label"] = p.label;
    if (!p.testCorrect.empty()) j["test_correct"] = p.testCorrect;
    return j;
}

[[noreturn]] void bad(const std::string& source, const std::string& what) { throw Error(source + ": " + what); }

FrontPoint pointFromJson(const json& j, const std::string& where, const std::string& source,
                         const std::vector<LayerInfo>& layers) {
    FrontPoint p;
    try {
        p.config = jsonio::subnetBits(j, layers.size(), where, source);
        p.predicted = j.at("predicted").get<double>();
        if (j.contains("validation") && !j["validation"].is_null()) p.validation = j["validation"].get<double>();
        if (j.contains("test") && !j["test"].is_null()) p.test = j["test"].get<double>();
        p.label = j.value("label", std::string());
        if (j.contains("test_correct")) {
            p.testCorrect = j.at("test_correct").get<std::string>();
            const auto c = unpackCorrect(p.testCorrect, source + ": field \"" + where + ".test_correct\"");
            if (!p.test) bad(source, "field \"" + where + ".test_correct\" without a \"test\" accuracy");
            int64_t right = 0;
            for (auto v : c) right += v;
            if (c.empty() || std::fabs(double(right) / double(c.size()) - *p.test) > 1e-6)
                bad(source, "field \"" + where + ".test_correct\" does not match \"test\"");
        }
    } catch (const json::exception& e) {
        bad(source, "field \"" + where + "\": " + e.what());
    } catch (const Error& e) {
        const std::string m = e.what();
        if (m.rfind(source, 0) == 0) throw;
        bad(source, "field \"" + where + "\": " + m);
    }
    p.cost = subnetCost(layers, p.config);
    return p;
}

std::string profileKey(const HardwareProfile& p) {
    HardwareProfile q = p;
    q.source.clear();
    return profileToJson(q);
}

bool sameSearch(const ParetoOptions& a, const ParetoOptions& b) {
    return a.population == b.population && a.generations == b.generations && a.mutationProb == b.mutationProb &&
           a.mutationShare == b.mutationShare && a.seed == b.seed;
}

void sortFront(std::vector<FrontPoint>& v) {
    std::stable_sort(v.begin(), v.end(), [](const FrontPoint& a, const FrontPoint& b) {
        if (a.cost.bitops != b.cost.bitops) return a.cost.bitops < b.cost.bitops;
        return a.predicted > b.predicted;
    });
}

} // namespace

std::string frontPath(const std::string& runDir, const std::string& profileName) {
    return (fs::path(runDir) / "search" / profileName / "front.json").string();
}

std::string frontRefinePath(const std::string& runDir, const std::string& profileName) {
    return (fs::path(runDir) / "search" / profileName / "refine.jsonl").string();
}

std::string frontPredictorPath(const std::string& runDir, const std::string& profileName) {
    return (fs::path(runDir) / "search" / profileName / "predictor.json").string();
}

std::string frontToJson(const FrontFile& f, const std::vector<LayerInfo>& layers) {
    json j;
    j["schema"] = kFrontSchema;
    j["version"] = kFrontVersion;
    j["model"] = f.model;
    j["checkpoint_id"] = f.checkpointId;
    j["layers"] = json::array();
    for (const auto& l : layers) j["layers"].push_back(l.name);
    j["profile"] = json::parse(profileToJson(f.profile));
    j["search"] = {{"population", f.search.population}, {"generations", f.search.generations},
                   {"mutation_prob", f.search.mutationProb}, {"mutation_share", f.search.mutationShare},
                   {"seed", f.search.seed}, {"evaluations", f.evaluations},
                   {"seconds", f.searchSeconds}, {"exhaustive", f.exhaustive},
                   {"predictor_kendall_tau", f.predictorTau}, {"bn_images", f.bnImages}, {"bn_repeats", f.bnRepeats},
                   {"refine_rounds", f.refineRounds}, {"refine_points", f.refinePoints},
                   {"refine_measured", f.refineMeasured}};
    j["points"] = json::array();
    for (const auto& p : f.points) j["points"].push_back(pointJson(p));
    j["uniform"] = json::array();
    for (const auto& p : f.uniform) j["uniform"].push_back(pointJson(p));
    const FrontVerification& v = f.verification;
    j["verification"] = {{"measured", v.measured}, {"rmse_pp", v.rmse}, {"mae_pp", v.mae}, {"bias_pp", v.bias},
                         {"kendall_tau", v.kendallTau}, {"baselines", v.baselines},
                         {"baselines_beaten", v.baselinesBeaten},
                         {"baselines_beaten_on_test", v.baselinesBeatenOnTest}};
    // Derived (summariseVerification recomputes it on reading): for readers of the file.
    j["verification"]["test_comparisons"] = json::array();
    for (const auto& c : v.testComparisons) {
        json e = {{"baseline", c.baseline}, {"baseline_test", c.baselineTest}, {"point", nullptr}};
        if (c.point >= 0) // else no measured front point is that cheap
            e.update({{"point", c.point}, {"point_test", c.pointTest}, {"difference", c.difference.difference},
                      {"interval", {c.difference.low, c.difference.high}}, {"level", c.difference.level},
                      {"resamples", c.difference.resamples}, {"images", c.difference.images}});
        j["verification"]["test_comparisons"].push_back(e);
    }
    return j.dump(1) + "\n";
}

FrontFile frontFromJson(const std::string& text, const std::string& source, const std::vector<LayerInfo>& layers) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        bad(source, std::string("not valid JSON (") + e.what() + ")");
    }
    if (!j.is_object() || j.value("schema", std::string()) != kFrontSchema)
        bad(source, std::string("not a front file (\"schema\" must be \"") + kFrontSchema + "\")");
    if (j.value("version", 0) != kFrontVersion)
        bad(source, "field \"version\" is not supported (this build reads version " + std::to_string(kFrontVersion) + ")");
    FrontFile f;
    try {
        f.model = j.at("model").get<std::string>();
        f.checkpointId = j.at("checkpoint_id").get<std::string>();
        const auto names = j.at("layers").get<std::vector<std::string>>();
        bool same = names.size() == layers.size();
        for (size_t i = 0; same && i < names.size(); ++i) same = names[i] == layers[i].name;
        if (!same) bad(source, "field \"layers\" does not match the supernet's layers");
        f.profile = profileFromJson(j.at("profile").dump(), source + " (field \"profile\")");
        const json& s = j.at("search");
        f.search.population = s.at("population").get<int>();
        f.search.generations = s.at("generations").get<int>();
        f.search.mutationProb = s.at("mutation_prob").get<double>();
        f.search.mutationShare = s.value("mutation_share", f.search.mutationShare);
        f.search.seed = s.at("seed").get<uint64_t>();
        f.evaluations = s.value("evaluations", int64_t(0));
        f.searchSeconds = s.value("seconds", 0.0);
        f.exhaustive = s.value("exhaustive", false);
        f.predictorTau = s.value("predictor_kendall_tau", 0.0);
        f.bnImages = s.value("bn_images", int64_t(0));
        f.bnRepeats = s.value("bn_repeats", 1);
        f.refineRounds = s.value("refine_rounds", 0);
        f.refinePoints = s.value("refine_points", 0);
        f.refineMeasured = s.value("refine_measured", int64_t(0));
        const json& pts = j.at("points");
        for (size_t i = 0; i < pts.size(); ++i)
            f.points.push_back(pointFromJson(pts[i], "points[" + std::to_string(i) + "]", source, layers));
        const json& uni = j.at("uniform");
        for (size_t i = 0; i < uni.size(); ++i)
            f.uniform.push_back(pointFromJson(uni[i], "uniform[" + std::to_string(i) + "]", source, layers));
    } catch (const json::exception& e) {
        bad(source, std::string("a field is missing or has the wrong type (") + e.what() + ")");
    }
    f.verification = summariseVerification(f);
    return f;
}

FrontFile readFront(const std::string& runDir, const std::string& profileName, const std::vector<LayerInfo>& layers) {
    const std::string p = frontPath(runDir, profileName);
    if (!fs::exists(p))
        throw Error(p + " does not exist; search first (`eqnet search --run " + runDir + " --profile " + profileName + "`)");
    return frontFromJson(readTextFile(p), p, layers);
}

FrontVerification summariseVerification(const FrontFile& f) {
    FrontVerification v;
    std::vector<double> pred, meas;
    double se = 0, ae = 0, bias = 0;
    for (const auto& p : f.points) {
        if (!p.validation) continue;
        const double e = 100.0 * (p.predicted - *p.validation);
        se += e * e;
        ae += std::fabs(e);
        bias += e;
        pred.push_back(p.predicted);
        meas.push_back(*p.validation);
    }
    v.measured = int64_t(pred.size());
    if (v.measured > 0) {
        v.rmse = std::sqrt(se / double(v.measured));
        v.mae = ae / double(v.measured);
        v.bias = bias / double(v.measured);
        v.kendallTau = kendallTau(pred, meas);
    }
    // Test split: the point a user would pick (best validation accuracy at no more BitOps)
    // against each baseline, image by image.
    for (const auto& u : f.uniform) {
        if (u.testCorrect.empty()) continue;
        BaselineComparison c;
        c.baseline = u.label;
        c.baselineTest = u.test.value_or(0.0);
        for (size_t i = 0; i < f.points.size(); ++i) {
            const FrontPoint& p = f.points[i];
            if (p.testCorrect.empty() || !p.validation || p.cost.bitops > u.cost.bitops || p.config == u.config)
                continue;
            if (c.point < 0 || *p.validation > *f.points[size_t(c.point)].validation) c.point = int64_t(i);
        }
        if (c.point >= 0) {
            const FrontPoint& p = f.points[size_t(c.point)];
            c.pointTest = p.test.value_or(0.0);
            c.difference = pairedBootstrap(unpackCorrect(p.testCorrect, "front point"),
                                           unpackCorrect(u.testCorrect, "baseline " + u.label));
            v.baselinesBeatenOnTest += c.difference.above();
        }
        v.testComparisons.push_back(c);
    }
    for (const auto& u : f.uniform) {
        if (!u.validation) continue;
        ++v.baselines;
        for (const auto& p : f.points)
            if (p.validation && p.cost.bitops <= u.cost.bitops && *p.validation > *u.validation && p.config != u.config) {
                ++v.baselinesBeaten;
                break;
            }
    }
    return v;
}

bool recordFrontMeasurement(const std::string& runDir, const std::string& profileName,
                            const std::vector<LayerInfo>& layers, const SubnetConfig& cfg,
                            const SubnetMeasurement& m) {
    FrontFile f = readFront(runDir, profileName, layers);
    if (m.checkpointId.empty() || f.checkpointId != m.checkpointId) return false;
    bool found = false;
    for (auto* list : {&f.points, &f.uniform})
        for (FrontPoint& p : *list)
            if (p.config == cfg) {
                p.validation = m.validation;
                if (m.test) {
                    p.test = m.test;
                    p.testCorrect = m.testCorrect;
                }
                found = true;
            }
    if (!found) return false;
    f.verification = summariseVerification(f);
    writeFileAtomic(frontPath(runDir, profileName), frontToJson(f, layers));
    return true;
}

FrontFile runSearchStage(const std::string& runDir, const SearchStageOptions& opt, const ProgressFn& progress,
                         const StopToken& stop) {
    TrainedRun run = openTrainedRun(runDir, opt.device);
    const TrainConfig& cfg = run.config;
    const std::string& id = run.checkpointId;
    Supernet& net = run.net;
    const auto& layers = net.layers();
    const HardwareProfile profile = findProfile(opt.profile);
    checkFeasible(profile, layers);
    const std::string path = frontPath(runDir, profile.name);
    EvalOptions eval = cfg.eval; // every measurement of this stage (§4)
    if (opt.bnImages > 0) eval.bnImages = opt.bnImages;
    if (opt.bnRepeats > 0) eval.bnRepeats = opt.bnRepeats;
    const EvalOptions testEval = deployedEval(eval);
    if (opt.refineRounds < 0 || (opt.refineRounds > 0 && opt.refinePoints < 1))
        throw Error("search: --refine must be >= 0 and --refine-points >= 1");
    // The data set is loaded on the first measurement only (a finished front needs none).
    std::optional<Dataset> dataStore;
    const auto data = [&]() -> const Dataset& {
        if (!dataStore) dataStore = loadDataset(cfg.data);
        return *dataStore;
    };

    FrontFile f;
    bool reuse = false;
    if (!opt.fresh && fs::exists(path)) {
        try {
            FrontFile old = frontFromJson(readTextFile(path), path, layers);
            reuse = old.checkpointId == id && profileKey(old.profile) == profileKey(profile) &&
                    sameSearch(old.search, opt.search) && (old.bnImages == eval.bnImages || (old.bnImages == 0 && opt.bnImages == 0)) &&
                    old.bnRepeats == eval.bnRepeats &&
                    old.refineRounds == opt.refineRounds && (opt.refineRounds == 0 || old.refinePoints == opt.refinePoints);
            if (reuse) f = std::move(old);
        } catch (const Error&) {
            reuse = false; // unreadable: search again, and replace it atomically below
        }
    }
    std::vector<CqapSample> refined; // measured during refinement, with eval
    // The uniform baselines of the profile's form (eqnet/uniform_baselines.h).
    std::vector<SubnetConfig> baselines;
    std::vector<std::string> baselineLabels;
    for (UniformBaseline& b : uniformBaselines(profile, layers)) {
        baselines.push_back(std::move(b.config));
        baselineLabels.push_back(b.label);
    }
    if (!reuse) {
        CqapPredictor predictor = loadRunPredictor(runDir, true);
        predictor.checkLayers(net.spec().name, layers, cqapPredictorPath(runDir, true));
        if (opt.refineRounds > 0) {
            RefinementOptions ro;
            ro.rounds = opt.refineRounds;
            ro.points = opt.refinePoints;
            ro.search = opt.search;
            ro.eval = eval;
            ro.path = frontRefinePath(runDir, profile.name);
            ro.checkpointId = id;
            if (opt.uniformBaselines) ro.anchors = baselines; // measured for verification anyway
            const auto samples = readCqapSamples(cqapSamplesPath(runDir), layers, id);
            RefinementResult rr = refinePredictor(
                net.spec().name, layers, profile, predictor, samples, ro,
                [&](const SubnetConfig& c) {
                    net.setSubnet(c);
                    return net.evaluate(data(), data().val, eval).accuracy;
                },
                progress, stop);
            if (rr.stopped) return f; // the measurements are kept in refine.jsonl
            predictor = std::move(rr.predictor);
            predictor.save(frontPredictorPath(runDir, profile.name));
            refined = std::move(rr.measured);
        }
        const BatchPredictor predict = [&predictor](const std::vector<SubnetConfig>& c) { return predictor.predict(c); };
        const ParetoResult r = paretoSearch(layers, profile, predict, opt.search, progress, stop);
        if (r.stopped) return f; // nothing written: the search is quick to run again
        f.model = net.spec().name;
        f.checkpointId = id;
        f.profile = profile;
        f.search = opt.search;
        f.evaluations = r.evaluations;
        f.searchSeconds = r.seconds;
        f.exhaustive = r.exhaustive;
        f.predictorTau = predictor.scores().kendallTau;
        f.bnImages = eval.bnImages;
        f.bnRepeats = eval.bnRepeats;
        f.refineRounds = opt.refineRounds;
        f.refinePoints = opt.refineRounds > 0 ? opt.refinePoints : 0;
        f.refineMeasured = int64_t(refined.size());
        for (const auto& c : r.front) {
            FrontPoint p{c.config, c.cost, c.predicted, {}, {}, "", ""};
            for (const auto& m : refined) // measured during refinement, with the same protocol
                if (m.config == c.config) p.validation = m.accuracy;
            f.points.push_back(std::move(p));
        }
        sortFront(f.points);
        if (opt.uniformBaselines) {
            const auto pred = predictor.predict(baselines);
            for (size_t i = 0; i < baselines.size(); ++i) {
                FrontPoint u{baselines[i], subnetCost(layers, baselines[i]), pred[i], {}, {}, baselineLabels[i], ""};
                for (const auto& m : refined)
                    if (m.config == u.config) u.validation = m.accuracy;
                f.uniform.push_back(std::move(u));
            }
            sortFront(f.uniform);
        }
        f.verification = summariseVerification(f);
        writeFileAtomic(path, frontToJson(f, layers));
    }
    if (!opt.verify) return f;

    // Verification: what to measure, most accurate predicted first when only the top K are.
    std::vector<FrontPoint*> todo;
    std::vector<size_t> order(f.points.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (opt.verifyTop > 0) {
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return f.points[a].predicted > f.points[b].predicted; });
        order.resize(std::min(order.size(), size_t(opt.verifyTop)));
    }
    for (size_t i : order) todo.push_back(&f.points[i]);
    for (auto& u : f.uniform) todo.push_back(&u);
    // A test measurement without per-image results (an older front file) is measured again.
    auto pending = [&](const FrontPoint* p) {
        return !p->validation || (opt.verifyTest && (!p->test || p->testCorrect.empty()));
    };
    int64_t done = 0, total = int64_t(todo.size());
    for (const auto* p : todo) done += !pending(p);
    if (done == total) return f;

    Progress pr;
    pr.stage = "verify";
    pr.total = total;
    pr.done = done;
    pr.doneAtStart = done;
    const auto t0 = std::chrono::steady_clock::now();
    for (FrontPoint* p : todo) {
        if (stop.stopRequested()) break;
        if (!pending(p)) continue;
        net.setSubnet(p->config);
        if (!p->validation) p->validation = net.evaluate(data(), data().val, eval).accuracy;
        if (opt.verifyTest && (!p->test || p->testCorrect.empty())) {
            const EvalResult t = net.evaluate(data(), data().test, testEval);
            p->test = t.accuracy;
            p->testCorrect = packCorrect(t.correct);
        }
        f.verification = summariseVerification(f);
        writeFileAtomic(path, frontToJson(f, layers));
        ++pr.done;
        if (progress) {
            pr.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            pr.values["predicted"] = p->predicted;
            pr.values["measured"] = *p->validation;
            pr.message = p->label.empty() ? formatBitops(p->cost.bitops) : p->label;
            progress(pr);
        }
    }
    return f;
}

std::string frontTable(const FrontFile& f, const std::vector<LayerInfo>& layers) {
    std::string out;
    char line[512];
    auto bitsText = [&](const SubnetConfig& c) {
        std::string s;
        for (size_t i = 0; i < c.layers.size(); ++i) {
            if (i < layers.size() && layers[i].fixedBits) continue;
            s += (s.empty() ? "" : " ") + std::to_string(c.layers[i].w) + "/" + std::to_string(c.layers[i].a);
        }
        return s;
    };
    auto pct = [](const std::optional<double>& v) {
        if (!v) return std::string("-");
        char b[16];
        std::snprintf(b, sizeof b, "%.2f", 100.0 * *v);
        return std::string(b);
    };
    std::snprintf(line, sizeof line, "Front for profile %s (%s), %zu points, %lld predictions in %.2f s\n\n",
                  f.profile.name.c_str(), formName(f.profile.form).c_str(), f.points.size(),
                  (long long)f.evaluations, f.searchSeconds);
    out += line;
    out += "| # | subnet | W/A bits (searchable layers) | BitOps | size | predicted | val | test |\n";
    out += "|---:|---|---|---:|---:|---:|---:|---:|\n";
    auto row = [&](const std::string& idx, const FrontPoint& p) {
        char pred[16];
        std::snprintf(pred, sizeof pred, "%.2f", 100.0 * p.predicted);
        std::snprintf(line, sizeof line, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", idx.c_str(),
                      p.label.empty() ? "searched" : ("uniform " + p.label).c_str(), bitsText(p.config).c_str(),
                      formatBitops(p.cost.bitops).c_str(), formatSizeBits(p.cost.sizeBits).c_str(), pred,
                      pct(p.validation).c_str(), pct(p.test).c_str());
        out += line;
    };
    for (size_t i = 0; i < f.points.size(); ++i) row(std::to_string(i), f.points[i]);
    for (const auto& u : f.uniform) row("", u);
    const FrontVerification& v = f.verification;
    if (v.measured > 0) {
        std::snprintf(line, sizeof line,
                      "\nPrediction error on %lld measured front points (validation): RMSE %.2f pp, MAE %.2f pp, "
                      "bias %+.2f pp, Kendall tau %.3f. Uniform baselines beaten by a cheaper-or-equal front "
                      "point: %lld of %lld.\n",
                      (long long)v.measured, v.rmse, v.mae, v.bias, v.kendallTau, (long long)v.baselinesBeaten,
                      (long long)v.baselines);
        out += line;
    }
    if (!v.testComparisons.empty()) {
        out += "\nOn the test split, each uniform baseline against the front point with the best validation "
               "accuracy at no more BitOps (difference in pp, paired bootstrap 95 % interval over the same "
               "test images):\n\n";
        out += "| baseline | test | front point | test | difference | 95 % interval |\n|---|---:|---:|---:|---:|---|\n";
        for (const auto& c : v.testComparisons) {
            if (c.point < 0) {
                std::snprintf(line, sizeof line, "| %s | %.2f | none as cheap | | | |\n", c.baseline.c_str(),
                              100 * c.baselineTest);
            } else {
                std::snprintf(line, sizeof line, "| %s | %.2f | #%lld | %.2f | %+.2f | [%+.2f, %+.2f]%s |\n",
                              c.baseline.c_str(), 100 * c.baselineTest, (long long)c.point, 100 * c.pointTest,
                              100 * c.difference.difference, 100 * c.difference.low, 100 * c.difference.high,
                              c.difference.above() ? " above 0" : "");
            }
            out += line;
        }
        std::snprintf(line, sizeof line,
                      "\nBaselines beaten on test with the 95 %% interval above zero: %lld of %zu.\n",
                      (long long)v.baselinesBeatenOnTest, v.testComparisons.size());
        out += line;
    }
    return out;
}

} // namespace eqnet
