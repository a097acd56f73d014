#include "models/models.h"

#include "eqnet/error.h"
#include "export/onnx_ir.h"
#include "graph/onnx_import.h"
#include "models/builtin_networks.h"

#include <filesystem>
#include <map>

namespace eqnet {

std::vector<std::string> modelNames() {
    std::vector<std::string> names;
    for (const auto& m : models::builtinModels()) names.emplace_back(m.name);
    return names;
}

bool isModelFile(const std::string& model) {
    const std::string ext = ".onnx";
    return model.size() > ext.size() && model.compare(model.size() - ext.size(), ext.size(), ext) == 0;
}

ModelSpec importModel(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw Error(path + ": model file not found");
    auto net = std::make_shared<graph::ImportedNetwork>(graph::importOnnxGraph(onnxir::readFile(path), path));
    ModelSpec s;
    s.name = std::filesystem::path(path).filename().string();
    s.inChannels = net->inChannels;
    s.imageSize = net->imageSize;
    s.numClasses = int(net->numClasses);
    s.imported = std::move(net);
    return s;
}

ModelSpec defaultModelSpec(const std::string& model) {
    if (isModelFile(model)) return importModel(model);
    const models::BuiltinModel& m = models::builtinModel(model);
    return {model, m.inChannels, m.imageSize, m.numClasses, nullptr};
}

ModelSpec modelSpecFor(const std::string& model, const ImageSet& data) {
    ModelSpec s = defaultModelSpec(model);
    if (!s.imported) {
        s.inChannels = data.channels;
        s.imageSize = data.height;
        s.numClasses = data.numClasses;
        return s;
    }
    if (data.channels != s.inChannels || data.height != s.imageSize || data.width != s.imageSize)
        throw Error(model + " takes " + std::to_string(s.inChannels) + "x" + std::to_string(s.imageSize) + "x" +
                    std::to_string(s.imageSize) + " images but the data (" + data.source + ") is " +
                    std::to_string(data.channels) + "x" + std::to_string(data.height) + "x" +
                    std::to_string(data.width));
    if (data.numClasses > s.numClasses)
        throw Error(model + " has " + std::to_string(s.numClasses) + " outputs but the data (" + data.source +
                    ") has " + std::to_string(data.numClasses) + " classes");
    return s;
}

void fitDataToModel(DataSpec& spec, const ModelSpec& model) {
    if (detectDataFormat(spec) != DataFormat::Folder) return;
    if (spec.imageChannels == 0) spec.imageChannels = model.inChannels;
    if (spec.imageHeight == 0) spec.imageHeight = model.imageSize;
    if (spec.imageWidth == 0) spec.imageWidth = model.imageSize;
}

namespace models {

namespace {

// Copies the imported FP parameters into the modules; every weight, bias and batch-norm
// tensor of the network must be given, with its shape.
void loadImportedParameters(QuantModelImpl& model, const graph::ImportedNetwork& net, const std::string& name) {
    torch::NoGradGuard ng;
    std::map<std::string, torch::Tensor> targets;
    for (const auto& p : model.named_parameters())
        if (!quant::QuantLayerImpl::isQuantizerParameter(p.key()))
            targets[p.key()] = p.value();
    for (const auto& b : model.named_buffers())
        if (b.key().find("running_") != std::string::npos) targets[b.key()] = b.value();
    for (const auto& [key, t] : net.parameters) {
        const auto it = targets.find(key);
        if (it == targets.end()) throw Error(name + ": parameter " + key + " belongs to no layer of the network");
        if (it->second.sizes().vec() != t.dims)
            throw Error(name + ": parameter " + key + " has the wrong shape for its layer");
        it->second.copy_(torch::from_blob(const_cast<float*>(t.floats.data()), t.dims, torch::kFloat32));
        targets.erase(it);
    }
    if (!targets.empty()) throw Error(name + ": no value for parameter " + targets.begin()->first);
}

} // namespace

QuantModel buildModel(const ModelSpec& spec) {
    if (!spec.imported) return std::make_shared<QuantModelImpl>(builtinNetwork(spec));
    auto model = std::make_shared<QuantModelImpl>(spec.imported->graph);
    // A network read back from a checkpoint has no parameters here: the checkpoint loads them.
    if (!spec.imported->parameters.empty()) loadImportedParameters(*model, *spec.imported, spec.name);
    return model;
}

} // namespace models
} // namespace eqnet
