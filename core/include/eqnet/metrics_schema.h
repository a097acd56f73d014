#pragma once
// metrics.jsonl, one JSON object per line: its schema is defined here once, for the trainer
// that writes it and for every reader (the studio, `eqnet report`, the follower).
//   {"type":"step", "stage", "step", "epoch", "losses":{subnet: loss}, "lr", "images_per_s",
//    "wdr":{"loss","skewness","kurtosis"} (supernet stage only)}
//   {"type":"eval", "stage", "epoch", "step", "val_accuracy":{name: accuracy}}
//   {"type":"event", "what", "stage" (some), "step" (some)}
// Plain C++ types only.
#include "eqnet/training.h"

#include <cstdint>
#include <string>

namespace eqnet {

// One line of metrics.jsonl.
struct MetricsRecord {
    enum class Kind { Step, Eval, Event };
    Kind kind = Kind::Event;
    StepMetrics step;  // Kind::Step: stage, step, epoch, subnetNames + losses, lr, images/s
    bool hasWdr = false; // Kind::Step: step.wdrLoss / meanSkew / meanKurt were recorded
    EpochMetrics eval; // Kind::Eval: stage, epoch, step, names + valAccuracy
    std::string event; // Kind::Event: "started", "calibrated", "stopped", "resumed", "finished"
    std::string eventStage;
    int64_t eventStep = 0;
};

// Parses one line; false (out untouched) for a line that is not a record: empty, torn by a
// crash, or of a type this version does not know.
bool parseMetricsLine(const std::string& line, MetricsRecord& out);

// The lines the trainer appends (without the newline). `withWdr`: the step has a WDR term.
std::string metricsStepLine(const StepMetrics& m, bool withWdr);
std::string metricsEvalLine(const EpochMetrics& m);
// An event; `stage` is written when not empty, `step` when not negative.
std::string metricsEventLine(const std::string& what, const std::string& stage = {}, int64_t step = -1);

} // namespace eqnet
