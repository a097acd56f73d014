// The front file (front.h): search/<profile>/front.json written and read back with every
// field checked, and the markdown table of a verified front.
#include "eqnet/front.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"
#include "io/json_fields.h"
#include "io/subnet_bits_json.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

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

FrontPoint pointFromJson(const json& j, const std::string& where, const std::string& source,
                         const std::vector<LayerInfo>& layers) {
    FrontPoint p;
    try {
        p.config = jsonio::subnetBits(j, layers.size(), where, source);
        const std::string at = where + ".";
        p.predicted = jsonio::need<double>(j, "predicted", at, source);
        // A measured accuracy is a share of images: anything outside [0, 1] is a damaged file.
        const auto accuracy = [&](const char* key) -> std::optional<double> {
            if (!j.contains(key) || j[key].is_null()) return std::nullopt;
            const double v = jsonio::need<double>(j, key, at, source);
            if (v < 0 || v > 1) jsonio::fail(source, "field \"" + at + key + "\" = " + j[key].dump() + " is not an accuracy in [0, 1]");
            return v;
        };
        p.validation = accuracy("validation");
        p.test = accuracy("test");
        p.label = jsonio::optional<std::string>(j, "label", "", at, source);
        if (j.contains("test_correct")) {
            p.testCorrect = jsonio::need<std::string>(j, "test_correct", at, source);
            const auto c = unpackCorrect(p.testCorrect, source + ": field \"" + where + ".test_correct\"");
            if (!p.test) jsonio::fail(source, "field \"" + where + ".test_correct\" without a \"test\" accuracy");
            int64_t right = 0;
            for (auto v : c) right += v;
            if (c.empty() || std::fabs(double(right) / double(c.size()) - *p.test) > 1e-6)
                jsonio::fail(source, "field \"" + where + ".test_correct\" does not match \"test\"");
        }
    } catch (const json::exception& e) {
        jsonio::fail(source, "field \"" + where + "\": " + e.what());
    } catch (const Error& e) {
        const std::string m = e.what();
        if (m.rfind(source, 0) == 0) throw;
        jsonio::fail(source, "field \"" + where + "\": " + m);
    }
    p.cost = subnetCost(layers, p.config);
    return p;
}

} // namespace

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
    const json j = jsonio::parseDocument(text, source);
    if (!j.is_object() || j.value("schema", std::string()) != kFrontSchema)
        jsonio::fail(source, std::string("not a front file (\"schema\" must be \"") + kFrontSchema + "\")");
    if (!j.contains("version") || j["version"] != kFrontVersion)
        jsonio::fail(source, "field \"version\" is not supported (this build reads version " + std::to_string(kFrontVersion) + ")");
    FrontFile f;
    try {
        f.model = jsonio::need<std::string>(j, "model", "", source);
        f.checkpointId = jsonio::need<std::string>(j, "checkpoint_id", "", source);
        const auto names = jsonio::need<std::vector<std::string>>(j, "layers", "", source);
        bool same = names.size() == layers.size();
        for (size_t i = 0; same && i < names.size(); ++i) same = names[i] == layers[i].name;
        if (!same) jsonio::fail(source, "field \"layers\" does not match the supernet's layers");
        f.profile = profileFromJson(j.at("profile").dump(), source + " (field \"profile\")");
        const json& s = jsonio::need(j, "search", "", source);
        const std::string at = "search.";
        f.search.population = jsonio::need<int>(s, "population", at, source);
        f.search.generations = jsonio::need<int>(s, "generations", at, source);
        f.search.mutationProb = jsonio::need<double>(s, "mutation_prob", at, source);
        f.search.mutationShare = jsonio::optional<double>(s, "mutation_share", f.search.mutationShare, at, source);
        f.search.seed = jsonio::need<uint64_t>(s, "seed", at, source);
        f.evaluations = jsonio::optional<int64_t>(s, "evaluations", 0, at, source);
        f.searchSeconds = jsonio::optional<double>(s, "seconds", 0.0, at, source);
        f.exhaustive = jsonio::optional<bool>(s, "exhaustive", false, at, source);
        f.predictorTau = jsonio::optional<double>(s, "predictor_kendall_tau", 0.0, at, source);
        f.bnImages = jsonio::optional<int64_t>(s, "bn_images", 0, at, source);
        f.bnRepeats = jsonio::optional<int>(s, "bn_repeats", 1, at, source);
        f.refineRounds = jsonio::optional<int>(s, "refine_rounds", 0, at, source);
        f.refinePoints = jsonio::optional<int>(s, "refine_points", 0, at, source);
        f.refineMeasured = jsonio::optional<int64_t>(s, "refine_measured", 0, at, source);
        const json& pts = j.at("points");
        for (size_t i = 0; i < pts.size(); ++i)
            f.points.push_back(pointFromJson(pts[i], "points[" + std::to_string(i) + "]", source, layers));
        const json& uni = j.at("uniform");
        for (size_t i = 0; i < uni.size(); ++i)
            f.uniform.push_back(pointFromJson(uni[i], "uniform[" + std::to_string(i) + "]", source, layers));
    } catch (const json::exception& e) {
        jsonio::fail(source, std::string("a field is missing or has the wrong type (") + e.what() + ")");
    }
    f.verification = summariseVerification(f);
    return f;
}

FrontFile readFront(const std::string& runDir, const std::string& profileName, const std::vector<LayerInfo>& layers) {
    const std::string p = frontPath(runDir, profileName);
    if (!fs::exists(p))
        throw Error(p + " does not exist; search first (`eqnet search --run " + runDir + " --profile " + profileName + "`)");
    return frontFromJson(readTextFile(p, kMaxResultsFileBytes), p, layers);
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
