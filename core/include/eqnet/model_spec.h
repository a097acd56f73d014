#pragma once
// Which network a run quantizes: a built-in one by name, or the user's own FP network read
// from an ONNX file (docs/user-guide.md, "Your own model"). Torch-free.
#include "eqnet/data.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eqnet {

namespace graph {
struct ImportedNetwork;
}

// The network every command, preset and the studio's New run start from (docs/results.md
// says why this one: its subnets differ by far more than a measurement's noise).
constexpr const char* kDefaultModel = "mbv2-28";

struct ModelSpec {
    std::string name = kDefaultModel; // a built-in name, or the ONNX file's name ("net.onnx")
    int64_t inChannels = 1;
    int64_t imageSize = 28;
    int numClasses = 10;
    // An imported network: its graph, FP parameters (empty when read back from a checkpoint,
    // which holds its own) and the original input and output names. Null for built-ins.
    std::shared_ptr<const graph::ImportedNetwork> imported;
};

// The built-in networks: "mbv2-28", "fmnist-cnn", "resnet20", "resnet18", "mobilenetv2".
std::vector<std::string> modelNames();
// True when `model` names an ONNX file (it ends in ".onnx") rather than a built-in network.
bool isModelFile(const std::string& model);
// The input geometry each built-in model is meant for (mbv2-28 and fmnist-cnn 1x28x28,
// resnet20 3x32x32, the ImageNet models 3x224x224 with 1000 classes), or the imported file's
// own (importModel). Throws eqnet::Error for an unknown name or a file that cannot be imported.
ModelSpec defaultModelSpec(const std::string& model);
// Reads an FP ONNX model file: every Conv and Gemm becomes an elastic layer, the initializers
// its FP parameters. Throws eqnet::Error naming the file (and the node, its op and what is
// supported when the graph uses something import does not).
ModelSpec importModel(const std::string& path);
// The spec a model needs for a data set: a built-in network takes the data's channels, image
// size and classes; an imported one keeps its own, and the data must fit it (eqnet::Error
// naming both otherwise).
ModelSpec modelSpecFor(const std::string& model, const ImageSet& data);
// An image folder's pictures are fitted to the model's input: the channels and size a
// built-in network is meant for, or an imported one's own. Sizes the spec already names are
// kept (modelSpecFor then says when they do not fit an imported network); other formats are
// left alone.
void fitDataToModel(DataSpec& spec, const ModelSpec& model);

} // namespace eqnet
