// Reading run folders from the outside: metrics.jsonl records and a summary of the folder.
#include "eqnet/run_folder.h"

#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/run_layout.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

namespace eqnet {

namespace fs = std::filesystem;


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
    s.config = trainConfigFromJson(readTextFile(runFile, kMaxSettingsFileBytes), runFile);
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
