#pragma once
// From a ModelSpec to the network the supernet is built from.
#include "eqnet/supernet.h"
#include "models/quant_model.h"

namespace eqnet::models {

// Throws eqnet::Error listing the available models when spec.name is none of them.
QuantModel buildModel(const ModelSpec& spec);

} // namespace eqnet::models
