#pragma once
// A network as a LibTorch module: executes a network graph (graph/network_graph.h). Every Conv
// and Linear node is a QuantLayer, every BatchNorm node a BatchNorm2d, registered under the
// node's dotted name in graph order (= execution order of first use), so that checkpoint keys
// read "block0.expand.weight". forward() and emit() walk the same graph: what is trained and
// measured is what is exported.
#include "eqnet/distributed.h"
#include "eqnet/supernet.h"
#include "export/graph_builder.h"
#include "graph/network_graph.h"
#include "quant/quant_layer.h"

#include <torch/torch.h>

namespace eqnet::models {

class QuantModelImpl : public torch::nn::Module {
public:
    explicit QuantModelImpl(graph::NetworkGraph graph);

    torch::Tensor forward(torch::Tensor x);
    // The same computation as forward() in eval mode, emitted node by node for an exporter;
    // returns the logits value.
    exporter::Value emit(exporter::GraphBuilder& g, const exporter::Value& x);

    // The quantized layers with their dotted module names, in network order.
    std::vector<std::pair<std::string, quant::QuantLayer>> quantLayers();
    std::vector<std::shared_ptr<torch::nn::BatchNorm2dImpl>> batchNorms();
    const graph::NetworkGraph& graph() const { return graph_; }
    // While set (a data-parallel training step), batch norm in training mode uses the whole
    // batch of every rank of `group` (dist/sync_batch_norm.h); null: this process's batch.
    void setBatchNormGroup(RankGroup* group) { bnGroup_ = group; }

private:
    // Registers `module` under a dotted name, creating the plain container modules on the way.
    template <typename M>
    std::shared_ptr<M> registerNested(const std::string& dotted, std::shared_ptr<M> module);

    graph::NetworkGraph graph_;
    std::vector<int> lastUse_;
    // Per node: its QuantLayer (Conv, Linear) or BatchNorm2d, null for the others.
    std::vector<quant::QuantLayer> layers_;
    std::vector<torch::nn::BatchNorm2d> bns_;
    RankGroup* bnGroup_ = nullptr;
};

using QuantModel = std::shared_ptr<QuantModelImpl>;

} // namespace eqnet::models
