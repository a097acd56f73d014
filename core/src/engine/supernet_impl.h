#pragma once
// What core code (trainers, search, export) sees of a Supernet: the LibTorch model itself.
#include "eqnet/supernet.h"
#include "models/models.h"

#include <torch/torch.h>

#include <map>

namespace eqnet {

struct Supernet::Impl {
    ModelSpec spec;
    torch::Device device{torch::kCPU};
    models::QuantModel model;
    std::vector<std::pair<std::string, quant::QuantLayer>> qlayers;
    std::vector<LayerInfo> layers;
    torch::Tensor calibratedFlag; // buffer, so that it travels with checkpoints
    bool fullPrecision = true;
    SubnetConfig current;

    // Sets per-layer settings directly (training draws a form per layer, §3.3).
    void applyLayer(size_t i, const LayerBits& bits, const QuantForm& form);
    // The shared FP weights and BN parameters: everything but the quantizer slots.
    std::vector<torch::Tensor> sharedParameters() const;
    // Every invalid quantizer slot ("layer conv1, weight per-channel symmetric, 8-bit,
    // channel 4: step -0.0058 is not a positive finite number"); empty when all are valid.
    std::vector<std::string> invalidSlots() const;
    // What a v1 checkpoint held in slots that could not be converted (location -> fault, e.g.
    // "step -0.005787 is not positive"): invalidSlots() reports these raw values.
    std::map<std::string, std::string> legacySlotFaults;
    // Keeps every zero-point latent inside its integer range: after each optimizer step.
    void constrainQuantizers();
};

// Layer table of a freshly built model, from one forward pass at the spec's image size.
std::vector<LayerInfo> describeLayers(models::QuantModelImpl& model,
                                      std::vector<std::pair<std::string, quant::QuantLayer>>& q,
                                      const ModelSpec& spec);

torch::Device parseDevice(const std::string& device);

// Supernet::calibrate (Fast), or the calibration as it was before the vectorised search
// (Reference: the tensor-operation search for every slot), which the benchmark compares.
enum class CalibrationMethod { Fast, Reference };
bool calibrateSupernet(Supernet::Impl& net, const Dataset& data, int64_t images, const ProgressFn& progress,
                       const StopToken& stop, CalibrationMethod method);

// Checkpoint archives: the supernet's parameters and metadata, plus whatever else a caller
// (the trainer: optimizer, position) adds to the same archive, written atomically.
void writeSupernetArchive(const Supernet& net, torch::serialize::OutputArchive& ar);
void saveArchiveAtomic(torch::serialize::OutputArchive& ar, const std::string& path);
// Throws eqnet::Error naming the file when it is missing, truncated or foreign.
void openArchive(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device);
// Refuse: a checkpoint with invalid quantizer slots is an eqnet::Error naming them and the
// way out (eqnet recalibrate, or retraining); Allow: loaded as it is (for the repair).
enum class SlotCheck { Refuse, Allow };
Supernet readSupernetArchive(torch::serialize::InputArchive& ar, const std::string& path,
                             const std::string& device, SlotCheck slotCheck = SlotCheck::Refuse);
// Whether an opened archive is of the v1 layout (converted on load; not resumable).
bool isLegacyArchive(torch::serialize::InputArchive& ar);
std::string firstLine(const std::string& s);

} // namespace eqnet
