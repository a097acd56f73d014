#pragma once
// Subnet configuration files: a versioned JSON schema, read and validated against a model.
//
//   { "schema": "eqnet.subnet", "version": 1, "model": "fmnist-cnn",
//     "form": { "granularity": "per-channel", "weight_symmetric": true,
//               "activation_symmetric": false },
//     "layers": [ { "name": "conv1", "w_bits": 8, "a_bits": 8 }, ... ],
//     "cost": { "bitops": ..., "size_bits": ... } }          (written, ignored on reading)
//
// Errors name the file, the field (e.g. "layers[2].w_bits") and the allowed values.
#include "eqnet/files.h"
#include "eqnet/quant_types.h"

#include <string>
#include <vector>

namespace eqnet {

constexpr const char* kSubnetSchema = "eqnet.subnet";
constexpr int kSubnetSchemaVersion = 1;

std::string subnetToJson(const SubnetConfig& cfg, const std::string& model,
                         const std::vector<LayerInfo>& layers);
// `source` names the input in error messages (a file path, "--subnet", ...).
SubnetConfig subnetFromJson(const std::string& text, const std::string& model,
                            const std::vector<LayerInfo>& layers, const std::string& source);

SubnetConfig readSubnetFile(const std::string& path, const std::string& model,
                            const std::vector<LayerInfo>& layers);
// Atomic: a temporary file renamed over the target.
void writeSubnetFile(const std::string& path, const SubnetConfig& cfg, const std::string& model,
                     const std::vector<LayerInfo>& layers);

} // namespace eqnet
