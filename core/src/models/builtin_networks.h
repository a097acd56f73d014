#pragma once
// The built-in networks (fmnist-cnn, mbv2-28, resnet20, resnet18, mobilenetv2) as network
// graphs.
#include "eqnet/supernet.h"
#include "graph/network_graph.h"

#include <string>
#include <vector>

namespace eqnet::models {

// The registry of built-in networks, the one place that names them, in the order they are
// listed to users: each with the input and classes it is defined for, and its graph builder.
struct BuiltinModel {
    const char* name;
    int inChannels, imageSize, numClasses;
    graph::NetworkGraph (*build)(const ModelSpec& spec);
};
const std::vector<BuiltinModel>& builtinModels();
// Throws eqnet::Error listing the available models when `name` is none of them.
const BuiltinModel& builtinModel(const std::string& name);

graph::NetworkGraph builtinNetwork(const ModelSpec& spec);

} // namespace eqnet::models
