#pragma once
// The networks the supernet is built from. Every Conv2d and Linear is a QuantLayer; the
// model lists them in network order (registration order = execution order of first use).
#include "eqnet/supernet.h"
#include "export/graph_builder.h"
#include "quant/quant_layer.h"

#include <torch/torch.h>

namespace eqnet::models {

class QuantModelImpl : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor x) = 0;
    // The same computation as forward() in eval mode, emitted op by op for an exporter
    // (export/graph_builder.h); returns the logits value. Mirrors forward() exactly.
    virtual exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& x) = 0;

    // The quantized layers with their dotted module names, in network order.
    std::vector<std::pair<std::string, quant::QuantLayer>> quantLayers();
    std::vector<std::shared_ptr<torch::nn::BatchNorm2dImpl>> batchNorms();
};

using QuantModel = std::shared_ptr<QuantModelImpl>;

QuantModel buildModel(const ModelSpec& spec);

// Convenience for the builders.
quant::QuantLayerOptions convOpts(int64_t in, int64_t out, int64_t k, int64_t stride,
                                  bool actUnsigned, int64_t groups = 1);

} // namespace eqnet::models
