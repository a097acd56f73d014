#pragma once
// Reading a run folder from the outside (the studio, `eqnet` commands that only look):
//  - metrics.jsonl, one record per line, parsed into the same types the training callbacks
//    deliver, and followed as another process appends to it;
//  - a summary of what the folder holds (configuration, checkpoint, predictor, fronts,
//    exports), cheap enough to call on every refresh (no weights are loaded).
// Plain C++ types only.
#include "eqnet/metrics_schema.h"
#include "eqnet/run_layout.h"
#include "eqnet/training.h"

#include <cstdint>
#include <string>
#include <vector>

namespace eqnet {

// Follows metrics.jsonl while another process (or thread) appends to it: each poll() returns
// the records of the complete lines added since the last one. A line still being written
// waits for its newline. When the file is rewritten (a resumed run drops the lines its
// checkpoint does not hold by replacing the file) or shrinks, the follower starts again from
// the top and says so.
class MetricsFollower {
public:
    MetricsFollower() = default;
    explicit MetricsFollower(std::string path);

    struct Batch {
        std::vector<MetricsRecord> records;
        bool restarted = false; // the file was rewritten: drop what earlier polls returned
        int64_t badLines = 0;   // complete lines that were not records (skipped)
    };
    // A missing file is an empty one (a run that has not started writing yet).
    Batch poll();

    const std::string& path() const { return path_; }
    int64_t offset() const { return offset_; }

private:
    std::string path_;
    int64_t offset_ = 0;
    std::string partial_;
    uint64_t device_ = 0, inode_ = 0; // the file read so far: a replaced file is a new one
};

// Every record of a metrics file at once.
std::vector<MetricsRecord> readMetricsFile(const std::string& path, int64_t* badLines = nullptr);

// What a run folder holds.
struct RunSummary {
    std::string dir;
    TrainConfig config;
    bool hasCheckpoint = false;     // checkpoints/last.pt
    bool trainingFinished = false;  // metrics.jsonl ends its training with "finished"
    bool hasPredictor = false;      // cqap/predictor.json
    int64_t samples = 0;            // lines of cqap/samples.jsonl
    std::vector<std::string> fronts;  // profile names with search/<name>/front.json
    std::vector<std::string> exports; // file names in exports/
    bool isPipeline = false;        // pipeline.json present (made by `eqnet pipeline`)
};

// Throws eqnet::Error naming the folder when it holds no run.json, or run.json when it
// cannot be read.
RunSummary inspectRun(const std::string& runDir);

} // namespace eqnet
