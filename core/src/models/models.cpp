#include "models/models.h"

#include "models/builtin_networks.h"

namespace eqnet::models {

QuantModel buildModel(const ModelSpec& spec) { return std::make_shared<QuantModelImpl>(builtinNetwork(spec)); }

} // namespace eqnet::models
