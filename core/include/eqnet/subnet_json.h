#pragma once
// Subnet configuration files: a versioned JSON schema, read and validated against a model.
//
//   { "schema": "eqnet.subnet", "version": 1, "model": "fmnist-cnn",
//     "form": { "granularity": "per-channel", "weight_symmetric": true,
//               "activation_symmetric": false },
//     "layers": [ { "name": "conv1", "w_bits": 8, "a_bits": 8, "bitops": ..., "size_bits": ... }, ... ],
//     "cost": { "bitops": ..., "size_bits": ... },            (written, ignored on reading)
//     "accuracy": { "predicted": 0.87, "validation": 0.88, "test": 0.87 },   (optional)
//     "provenance": { "run": ..., "checkpoint": ..., "checkpoint_id": "crc32:...", "profile": ...,
//                     "profile_file": ..., "eqnet_version": ..., "created": ... } } (optional)
//
// Errors name the file, the field (e.g. "layers[2].w_bits") and the allowed values.
#include "eqnet/files.h"
#include "eqnet/quant_types.h"

#include <string>
#include <vector>

namespace eqnet {

constexpr const char* kSubnetSchema = "eqnet.subnet";
constexpr int kSubnetSchemaVersion = 1;

// Where an exported subnet came from and what it was measured at (all optional).
struct SubnetProvenance {
    std::string run;          // run folder
    std::string checkpoint;   // checkpoint file
    std::string checkpointId; // fileIdentity() of the checkpoint (size + CRC-32)
    std::string profile;      // hardware profile name ("<name> (modified)" when edited, unsaved)
    std::string profileFile;  // where the profile was read from ("" when edited, unsaved)
    // The constraints the subnet was searched under: the profile's content as profileToJson()
    // writes it (written as the object "provenance.constraints"; "" = not recorded).
    std::string constraints;
    double predicted = -1;    // CQAP prediction, 0..1 (< 0: none)
    double validation = -1;   // measured on the validation split (< 0: not measured)
    double test = -1;         // measured on the test split (< 0: not measured)
};

std::string subnetToJson(const SubnetConfig& cfg, const std::string& model,
                         const std::vector<LayerInfo>& layers, const SubnetProvenance* provenance = nullptr);
// The provenance and accuracy fields of a subnet file (empty/negative where absent).
SubnetProvenance subnetProvenanceFromJson(const std::string& text, const std::string& source);
// `source` names the input in error messages (a file path, "--subnet", ...).
SubnetConfig subnetFromJson(const std::string& text, const std::string& model,
                            const std::vector<LayerInfo>& layers, const std::string& source);

SubnetConfig readSubnetFile(const std::string& path, const std::string& model,
                            const std::vector<LayerInfo>& layers);
// Atomic: a temporary file renamed over the target.
void writeSubnetFile(const std::string& path, const SubnetConfig& cfg, const std::string& model,
                     const std::vector<LayerInfo>& layers, const SubnetProvenance* provenance = nullptr);

} // namespace eqnet
