#pragma once
// An imported network's description (its graph, input geometry and original input/output
// names; not its parameters) as JSON: a checkpoint of an imported network carries it, so that
// the checkpoint alone rebuilds the network (the ONNX file is not needed again).
#include "graph/onnx_import.h"

#include <string>

namespace eqnet::graph {

std::string importedNetworkToJson(const ImportedNetwork& net);
// Throws eqnet::Error naming `source` and the field at fault; the graph is checked as the
// builder checks it (every node reads values written before it).
ImportedNetwork importedNetworkFromJson(const std::string& text, const std::string& source);

} // namespace eqnet::graph
