#pragma once
// An FP ONNX model as a network graph: every Conv and Gemm becomes a quantizable layer, the
// other supported operators their graph nodes, and the initializers the FP parameters of the
// layers and batch norms. Plain C++ on the plain structs of export/onnx_ir.h (the protobuf
// side parses the file), so that the conversion is testable without a file.
#include "export/onnx_ir.h"
#include "graph/network_graph.h"

#include <map>
#include <string>

namespace eqnet::graph {

struct ImportedNetwork {
    NetworkGraph graph;
    int64_t inChannels = 0, imageSize = 0, numClasses = 0;
    std::string inputName, outputName; // the original model's, kept by the export
    // FP parameters by checkpoint key: "<layer>.weight", "<layer>.bias", "<bn>.weight",
    // "<bn>.bias", "<bn>.running_mean", "<bn>.running_var". Conv weights [out, in/groups, k, k],
    // Linear weights [out, in] (a Gemm with transB = 0 is transposed here).
    std::map<std::string, onnxir::Tensor> parameters;
    int batchNorms = 0; // 0: batch norm folded into the convolutions (an inference export)
};

// The operators import understands, for error messages.
std::string supportedOnnxOps();

// Throws eqnet::Error naming `source`, the node, its op and what is supported when the model
// uses an operator, an attribute or a dynamic shape that import does not support.
ImportedNetwork importOnnxGraph(const onnxir::Model& m, const std::string& source);

} // namespace eqnet::graph
