#pragma once
// The built-in networks (fmnist-cnn, mbv2-28, resnet20, resnet18, mobilenetv2) as network
// graphs.
#include "eqnet/supernet.h"
#include "graph/network_graph.h"

namespace eqnet::models {

// Throws eqnet::Error listing the available models when spec.name is none of them.
graph::NetworkGraph builtinNetwork(const ModelSpec& spec);

} // namespace eqnet::models
