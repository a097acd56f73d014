#include "models/quant_model.h"

#include "dist/sync_batch_norm.h"

#include "eqnet/error.h"

namespace eqnet::models {

using graph::Op;
using quant::QuantLayer;
namespace nn = torch::nn;

template <typename M>
std::shared_ptr<M> QuantModelImpl::registerNested(const std::string& dotted, std::shared_ptr<M> module) {
    torch::nn::Module* parent = this;
    size_t start = 0;
    for (size_t dot = dotted.find('.'); dot != std::string::npos; dot = dotted.find('.', start)) {
        const std::string part = dotted.substr(start, dot - start);
        std::shared_ptr<torch::nn::Module> child;
        for (const auto& c : parent->named_children())
            if (c.key() == part) child = c.value();
        if (!child) child = parent->register_module(part, std::make_shared<torch::nn::Module>(part));
        parent = child.get();
        start = dot + 1;
    }
    return parent->register_module(dotted.substr(start), std::move(module));
}

QuantModelImpl::QuantModelImpl(graph::NetworkGraph g) : graph_(std::move(g)) {
    lastUse_ = graph_.lastUses();
    layers_.resize(graph_.nodes.size(), QuantLayer{nullptr});
    bns_.resize(graph_.nodes.size(), nn::BatchNorm2d{nullptr});
    // Construction in graph order: parameters are initialised (and registered) in the order a
    // checkpoint lists them, so a seed gives the same network as it always did.
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
        const auto& n = graph_.nodes[i];
        if (n.op == Op::Conv || n.op == Op::Linear) {
            quant::QuantLayerOptions o;
            o.kind = n.op == Op::Conv ? LayerKind::Conv2d : LayerKind::Linear;
            o.in = n.in;
            o.out = n.out;
            o.kernel = n.kernel;
            o.stride = n.stride;
            o.padding = n.padding;
            o.groups = n.groups;
            o.bias = n.bias;
            o.actUnsigned = n.actUnsigned;
            layers_[i] = QuantLayer(registerNested(n.name, std::make_shared<quant::QuantLayerImpl>(o)));
        } else if (n.op == Op::BatchNorm) {
            auto bn = std::make_shared<nn::BatchNorm2dImpl>(nn::BatchNorm2dOptions(n.out).eps(n.eps));
            bns_[i] = nn::BatchNorm2d(registerNested(n.name, bn));
        }
    }
}

torch::Tensor QuantModelImpl::forward(torch::Tensor x) {
    std::vector<torch::Tensor> v(graph_.nodes.size() + 1);
    v[0] = std::move(x);
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
        const auto& n = graph_.nodes[i];
        const torch::Tensor& a = v[size_t(n.inputs[0])];
        torch::Tensor y;
        switch (n.op) {
        case Op::Conv:
        case Op::Linear: y = layers_[i]->forward(a); break;
        case Op::BatchNorm:
            y = bnGroup_ && is_training() ? dist::syncBatchNorm(*bnGroup_, *bns_[i], a) : bns_[i]->forward(a);
            break;
        case Op::Relu: y = torch::relu(a); break;
        // hardtanh, not clamp: the same forward, and its backward is one fused pass where
        // clamp's builds a mask from two compares and a where (measured: a third of the
        // supernet step of mbv2-28 went to ReLU6's backward; docs/performance.md).
        case Op::Clip: y = torch::hardtanh(a, n.lo, n.hi); break;
        case Op::Add: y = a + v[size_t(n.inputs[1])]; break;
        case Op::Concat: {
            std::vector<torch::Tensor> xs;
            for (auto in : n.inputs) xs.push_back(v[size_t(in)]);
            y = torch::cat(xs, n.axis);
            break;
        }
        case Op::MaxPool: y = torch::max_pool2d(a, n.kernel, n.stride, n.padding); break;
        case Op::AvgPool:
            y = torch::avg_pool2d(a, n.kernel, n.stride, n.padding, /*ceil_mode=*/false,
                                  /*count_include_pad=*/false);
            break;
        case Op::GlobalAvgPool: y = a.mean({2, 3}, /*keepdim=*/n.keepDims); break;
        case Op::Flatten: y = a.flatten(1); break;
        }
        v[i + 1] = std::move(y);
        // Free what no later node reads (activations autograd needs stay alive in its graph).
        for (auto in : n.inputs)
            if (lastUse_[size_t(in)] == int(i)) v[size_t(in)] = torch::Tensor();
    }
    return v[size_t(graph_.output)];
}

exporter::Value QuantModelImpl::emit(exporter::GraphBuilder& g, const exporter::Value& x) {
    std::vector<exporter::Value> v(graph_.nodes.size() + 1);
    v[0] = x;
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
        const auto& n = graph_.nodes[i];
        const exporter::Value& a = v[size_t(n.inputs[0])];
        exporter::Value y;
        switch (n.op) {
        case Op::Conv:
        case Op::Linear: y = g.quantLayer(a, *layers_[i]); break;
        case Op::BatchNorm: y = g.batchNorm(a, *bns_[i]); break;
        case Op::Relu: y = g.relu(a); break;
        case Op::Clip: y = n.lo == 0.f && n.hi == 6.f ? g.relu6(a) : g.clip(a, n.lo, n.hi); break;
        case Op::Add: y = g.add(a, v[size_t(n.inputs[1])]); break;
        case Op::Concat: {
            std::vector<exporter::Value> xs;
            for (auto in : n.inputs) xs.push_back(v[size_t(in)]);
            y = g.concat(xs, n.axis);
            break;
        }
        case Op::MaxPool: y = g.maxPool(a, n.kernel, n.stride, n.padding); break;
        case Op::AvgPool: y = g.avgPool(a, n.kernel, n.stride, n.padding); break;
        case Op::GlobalAvgPool: y = g.globalAveragePool(a, n.keepDims); break;
        case Op::Flatten: y = g.flatten(a); break;
        }
        v[i + 1] = std::move(y);
    }
    return v[size_t(graph_.output)];
}

std::vector<std::pair<std::string, QuantLayer>> QuantModelImpl::quantLayers() {
    std::vector<std::pair<std::string, QuantLayer>> out;
    for (size_t i = 0; i < graph_.nodes.size(); ++i)
        if (layers_[i]) out.emplace_back(graph_.nodes[i].name, layers_[i]);
    return out;
}

std::vector<std::shared_ptr<nn::BatchNorm2dImpl>> QuantModelImpl::batchNorms() {
    std::vector<std::shared_ptr<nn::BatchNorm2dImpl>> out;
    for (const auto& bn : bns_)
        if (bn) out.push_back(bn.ptr());
    return out;
}

} // namespace eqnet::models
