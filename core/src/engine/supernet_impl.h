#pragma once
// What core code (trainers, search, export) sees of a Supernet: the LibTorch model itself.
#include "eqnet/supernet.h"
#include "models/models.h"

#include <torch/torch.h>

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
};

// Layer table of a freshly built model, from one forward pass at the spec's image size.
std::vector<LayerInfo> describeLayers(models::QuantModelImpl& model,
                                      std::vector<std::pair<std::string, quant::QuantLayer>>& q,
                                      const ModelSpec& spec);

torch::Device parseDevice(const std::string& device);

// Checkpoint archives: the supernet's parameters and metadata, plus whatever else a caller
// (the trainer: optimizer, position) adds to the same archive, written atomically.
void writeSupernetArchive(const Supernet& net, torch::serialize::OutputArchive& ar);
void saveArchiveAtomic(torch::serialize::OutputArchive& ar, const std::string& path);
// Throws eqnet::Error naming the file when it is missing, truncated or foreign.
void openArchive(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device);
Supernet readSupernetArchive(torch::serialize::InputArchive& ar, const std::string& path,
                             const std::string& device);
std::string firstLine(const std::string& s);

} // namespace eqnet
