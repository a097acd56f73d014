// metrics.jsonl lines written and parsed (metrics_schema.h).
#include "eqnet/metrics_schema.h"
#include "io/json_fields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace eqnet {

using json = nlohmann::json;

namespace {
json namedObject(const std::vector<std::string>& names, const std::vector<double>& values) {
    json o = json::object();
    for (size_t k = 0; k < names.size() && k < values.size(); ++k) o[names[k]] = values[k];
    return o;
}
} // namespace

std::string metricsStepLine(const StepMetrics& m, bool withWdr) {
    json line = {{"type", "step"}, {"stage", m.stage}, {"step", m.step}, {"epoch", m.epoch},
                 {"losses", namedObject(m.subnetNames, m.losses)}, {"lr", m.lr},
                 {"images_per_s", m.imagesPerSecond}};
    if (m.ranks > 1) {
        line["ranks"] = m.ranks;
        line["allreduce_bytes"] = m.allReduceBytes;
    }
    if (withWdr) line["wdr"] = {{"loss", m.wdrLoss}, {"skewness", m.meanSkew}, {"kurtosis", m.meanKurt}};
    return line.dump();
}

std::string metricsEvalLine(const EpochMetrics& m) {
    return json{{"type", "eval"}, {"stage", m.stage}, {"epoch", m.epoch}, {"step", m.step},
                {"val_accuracy", namedObject(m.names, m.valAccuracy)}}
        .dump();
}

std::string metricsEventLine(const std::string& what, const std::string& stage, int64_t step) {
    json line = {{"type", "event"}, {"what", what}};
    if (!stage.empty()) line["stage"] = stage;
    if (step >= 0) line["step"] = step;
    return line.dump();
}

namespace {

// Named values of an object, in the order the trainer wrote them. nlohmann's json sorts keys,
// so the sandwich order (largest, random..., smallest) is restored by name.
int subnetRank(const std::string& name) {
    if (name == "largest" || name == "fp" || name == "static") return 0;
    if (name == "smallest") return 1 << 20;
    if (name.rfind("random", 0) == 0) {
        try {
            return 1 + std::stoi(name.substr(6));
        } catch (...) {
            return 1 << 19;
        }
    }
    return 1 << 19;
}

void namedValues(const json& obj, std::vector<std::string>& names, std::vector<double>& values, bool sandwichOrder) {
    std::vector<std::pair<std::string, double>> kv;
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (double v = 0; jsonio::tryAs(it.value(), v)) kv.emplace_back(it.key(), v);
    if (sandwichOrder)
        std::stable_sort(kv.begin(), kv.end(),
                         [](const auto& a, const auto& b) { return subnetRank(a.first) < subnetRank(b.first); });
    for (auto& [k, v] : kv) {
        names.push_back(k);
        values.push_back(v);
    }
}

} // namespace

bool parseMetricsLine(const std::string& line, MetricsRecord& out) {
    if (line.empty()) return false;
    const json j = jsonio::parseRecord(line);
    if (j.is_discarded() || !j.is_object()) return false;
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return false;
    // A field of the wrong type or out of range reads as its default: a damaged line never
    // throws (a resume reads every line) and never turns into an absurd step.
    const auto num = [&](const char* key, double dflt) {
        double v = dflt;
        const auto it = j.find(key);
        if (it != j.end()) jsonio::tryAs(*it, v);
        return v;
    };
    const auto integer = [&](const char* key) {
        int64_t v = 0;
        const auto it = j.find(key);
        if (it != j.end() && !jsonio::tryAs(*it, v)) v = 0;
        return v;
    };
    const auto str = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    MetricsRecord r;
    const std::string t = type->get<std::string>();
    if (t == "step") {
        const auto losses = j.find("losses");
        if (losses == j.end() || !losses->is_object()) return false;
        r.kind = MetricsRecord::Kind::Step;
        r.step.stage = str("stage");
        r.step.step = integer("step");
        r.step.epoch = int(std::clamp<int64_t>(integer("epoch"), 0, 1 << 30));
        namedValues(*losses, r.step.subnetNames, r.step.losses, true);
        r.step.lr = num("lr", 0);
        r.step.imagesPerSecond = num("images_per_s", 0);
        r.step.ranks = int(std::clamp<int64_t>(integer("ranks"), 1, 1 << 20));
        r.step.allReduceBytes = std::max<int64_t>(integer("allreduce_bytes"), 0);
        const auto wdr = j.find("wdr");
        if (wdr != j.end() && wdr->is_object()) {
            r.hasWdr = true;
            jsonio::tryAs(wdr->value("loss", json()), r.step.wdrLoss);
            jsonio::tryAs(wdr->value("skewness", json()), r.step.meanSkew);
            jsonio::tryAs(wdr->value("kurtosis", json()), r.step.meanKurt);
        }
    } else if (t == "eval") {
        const auto acc = j.find("val_accuracy");
        if (acc == j.end() || !acc->is_object()) return false;
        r.kind = MetricsRecord::Kind::Eval;
        r.eval.stage = str("stage");
        r.eval.epoch = int(std::clamp<int64_t>(integer("epoch"), 0, 1 << 30));
        r.eval.step = integer("step");
        namedValues(*acc, r.eval.names, r.eval.valAccuracy, false);
    } else if (t == "event") {
        r.kind = MetricsRecord::Kind::Event;
        r.event = str("what");
        r.eventStage = str("stage");
        r.eventStep = integer("step");
        if (r.event.empty()) return false;
    } else {
        return false;
    }
    out = std::move(r);
    return true;
}

} // namespace eqnet
