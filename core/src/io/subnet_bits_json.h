#pragma once
// The compact form of a subnet inside the project's line records (front points, CQAP samples,
// refinement measurements): {"form": "pc-sym-asym", "w_bits": [8, 4, ...], "a_bits": [...]},
// one entry per quantized layer. One home for writing and checking it.
#include "eqnet/quant_types.h"

#include <nlohmann/json.hpp>

#include <string>

namespace eqnet::jsonio {

// Adds "form", "w_bits" and "a_bits" of `cfg` to `j`.
void putSubnetBits(nlohmann::json& j, const SubnetConfig& cfg);

// Reads them back for a model of `layers` quantized layers. A missing field, a layer count
// that differs or a bit-width outside 2..8 throws Error "<source>: field \"<where>...\" ...".
SubnetConfig subnetBits(const nlohmann::json& j, size_t layers, const std::string& where, const std::string& source);

} // namespace eqnet::jsonio
