// Reading run folders from the outside: metrics.jsonl records and a summary of the folder.
#include "eqnet/run_folder.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

namespace eqnet {

namespace fs = std::filesystem;
using json = nlohmann::json;


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
        if (it.value().is_number()) kv.emplace_back(it.key(), it.value().get<double>());
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
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return false;
    const auto num = [&](const char* key, double dflt) {
        const auto it = j.find(key);
        return it != j.end() && it->is_number() ? it->get<double>() : dflt;
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
        r.step.step = int64_t(num("step", 0));
        r.step.epoch = int(num("epoch", 0));
        namedValues(*losses, r.step.subnetNames, r.step.losses, true);
        r.step.lr = num("lr", 0);
        r.step.imagesPerSecond = num("images_per_s", 0);
        const auto wdr = j.find("wdr");
        if (wdr != j.end() && wdr->is_object()) {
            r.hasWdr = true;
            r.step.wdrLoss = wdr->value("loss", 0.0);
            r.step.meanSkew = wdr->value("skewness", 0.0);
            r.step.meanKurt = wdr->value("kurtosis", 0.0);
        }
    } else if (t == "eval") {
        const auto acc = j.find("val_accuracy");
        if (acc == j.end() || !acc->is_object()) return false;
        r.kind = MetricsRecord::Kind::Eval;
        r.eval.stage = str("stage");
        r.eval.epoch = int(num("epoch", 0));
        r.eval.step = int64_t(num("step", 0));
        namedValues(*acc, r.eval.names, r.eval.valAccuracy, false);
    } else if (t == "event") {
        r.kind = MetricsRecord::Kind::Event;
        r.event = str("what");
        r.eventStage = str("stage");
        r.eventStep = int64_t(num("step", 0));
        if (r.event.empty()) return false;
    } else {
        return false;
    }
    out = std::move(r);
    return true;
}

MetricsFollower::MetricsFollower(std::string path) : path_(std::move(path)) {}

MetricsFollower::Batch MetricsFollower::poll() {
    Batch b;
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) { // not there (yet), or gone: what was read no longer holds
        if (offset_ > 0) b.restarted = true;
        offset_ = 0;
        partial_.clear();
        return b;
    }
    const auto size = uint64_t(st.st_size);
    // Replaced (writeFileAtomic renames a new file over it) or cut shorter: read it anew.
    const bool replaced = offset_ > 0 && (uint64_t(st.st_dev) != device_ || uint64_t(st.st_ino) != inode_);
    if (replaced || int64_t(size) < offset_) {
        b.restarted = true;
        offset_ = 0;
        partial_.clear();
    }
    device_ = uint64_t(st.st_dev);
    inode_ = uint64_t(st.st_ino);
    if (int64_t(size) == offset_) return b;
    std::ifstream in(path_, std::ios::binary);
    if (!in) return b;
    in.seekg(offset_);
    std::string chunk(size_t(int64_t(size) - offset_), '\0');
    in.read(chunk.data(), std::streamsize(chunk.size()));
    chunk.resize(size_t(in.gcount()));
    offset_ += int64_t(chunk.size());
    partial_ += chunk;
    size_t start = 0;
    for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
        const std::string line = partial_.substr(start, nl - start);
        if (line.empty()) continue;
        MetricsRecord r;
        if (parseMetricsLine(line, r))
            b.records.push_back(std::move(r));
        else
            ++b.badLines;
    }
    partial_.erase(0, start);
    return b;
}

std::vector<MetricsRecord> readMetricsFile(const std::string& path, int64_t* badLines) {
    if (!fs::is_regular_file(path)) throw Error(path + ": no such metrics file");
    MetricsFollower f(path);
    MetricsFollower::Batch b = f.poll();
    if (badLines) *badLines = b.badLines;
    return std::move(b.records);
}

RunSummary inspectRun(const std::string& runDir) {
    const fs::path dir(runDir);
    if (!fs::is_directory(dir)) throw Error(runDir + ": no such folder");
    const std::string runFile = runConfigPath(runDir);
    if (!fs::is_regular_file(runFile)) throw Error(runDir + ": not a run folder (no run.json)");
    RunSummary s;
    s.dir = runDir;
    s.config = trainConfigFromJson(readTextFile(runFile), runFile);
    s.hasCheckpoint = fs::is_regular_file(runCheckpointPath(runDir));
    s.isPipeline = fs::is_regular_file(pipelineRecordPath(runDir));
    s.hasPredictor = fs::is_regular_file(cqapPredictorPath(runDir));
    {
        std::ifstream in(cqapSamplesPath(runDir));
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) ++s.samples;
    }
    // Training is finished when the last training event says so (a later "resumed" or
    // "started" means it is running again).
    {
        std::ifstream in(runMetricsPath(runDir));
        std::string line;
        while (std::getline(in, line)) {
            if (line.find("\"event\"") == std::string::npos) continue;
            MetricsRecord r;
            if (parseMetricsLine(line, r) && r.kind == MetricsRecord::Kind::Event)
                s.trainingFinished = r.event == "finished";
        }
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(runSearchDir(runDir), ec))
        if (e.is_directory() && fs::is_regular_file(e.path() / runfile::kFront)) s.fronts.push_back(e.path().filename().string());
    for (const auto& e : fs::directory_iterator(runExportsDir(runDir), ec))
        if (e.is_regular_file() && e.path().extension() != kPartialFileSuffix) s.exports.push_back(e.path().filename().string());
    std::sort(s.fronts.begin(), s.fronts.end());
    std::sort(s.exports.begin(), s.exports.end());
    return s;
}

} // namespace eqnet
