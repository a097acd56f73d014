// A network graph (graph/network_graph.h) drives both walks of a model: the LibTorch forward
// pass computes what the node kinds say, with the modules registered under their dotted
// names in graph order, and the export walk visits the same nodes in the same order.
#include "eqtest.h"

#include "eqnet/error.h"
#include "export/graph_builder.h"
#include "graph/network_graph.h"
#include "models/builtin_networks.h"
#include "models/quant_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>

using namespace eqnet;
using graph::NetworkBuilder;
using graph::ValueId;

namespace {

// Every node kind once: a stem, a depthwise branch with a Clip beside a max-pool branch,
// their concatenation, an average pool, a 1x1 convolution added back, global pooling kept
// 4-D, flatten and a classifier.
graph::NetworkGraph everyOp() {
    NetworkBuilder b;
    ValueId x = b.relu(b.batchNorm(b.conv(b.input(), "stem", 3, 8, 3, 1, false), "stem_bn", 8));
    ValueId a = b.clip(b.conv(x, "branch.dw", 8, 8, 3, 1, true, 8), -1.f, 2.f);
    ValueId m = b.maxPool(x, 3, 1, 1);
    ValueId c = b.avgPool(b.concat({a, m}, 1), 3, 2, 1);
    ValueId s = b.add(c, b.conv(c, "branch.pw", 16, 16, 1, 1, false));
    return b.finish(b.linear(b.flatten(b.globalAvgPool(s, /*keepDims=*/true)), "fc", 16, 5, true));
}

// Records the export walk as text.
class Recorder : public exporter::GraphBuilder {
public:
    std::vector<std::string> ops;
    std::map<const quant::QuantLayerImpl*, std::string> layerNames;
    exporter::Value quantLayer(const exporter::Value& x, quant::QuantLayerImpl& l) override {
        return rec("quant(" + layerNames.at(&l) + ")", {x});
    }
    exporter::Value batchNorm(const exporter::Value& x, torch::nn::BatchNorm2dImpl& bn) override {
        return rec("bn(" + std::to_string(bn.options.num_features()) + ")", {x});
    }
    exporter::Value relu(const exporter::Value& x) override { return rec("relu", {x}); }
    exporter::Value relu6(const exporter::Value& x) override { return rec("relu6", {x}); }
    exporter::Value clip(const exporter::Value& x, float lo, float hi) override {
        return rec("clip(" + eqtest::toText(lo) + "," + eqtest::toText(hi) + ")", {x});
    }
    exporter::Value add(const exporter::Value& a, const exporter::Value& b) override { return rec("add", {a, b}); }
    exporter::Value concat(const std::vector<exporter::Value>& xs, int64_t axis) override {
        return rec("concat(" + std::to_string(axis) + ")", xs);
    }
    exporter::Value maxPool(const exporter::Value& x, int64_t k, int64_t s, int64_t p) override {
        return rec("maxpool(" + std::to_string(k) + "," + std::to_string(s) + "," + std::to_string(p) + ")", {x});
    }
    exporter::Value avgPool(const exporter::Value& x, int64_t k, int64_t s, int64_t p) override {
        return rec("avgpool(" + std::to_string(k) + "," + std::to_string(s) + "," + std::to_string(p) + ")", {x});
    }
    exporter::Value globalAveragePool(const exporter::Value& x, bool keepDims) override {
        return rec(keepDims ? "gap(keep)" : "gap", {x});
    }
    exporter::Value flatten(const exporter::Value& x) override { return rec("flatten", {x}); }

private:
    // Each value is "vK"; an op's record lists the values it reads.
    exporter::Value rec(const std::string& op, const std::vector<exporter::Value>& in) {
        std::string s = op + ":";
        for (const auto& v : in) s += " " + v;
        ops.push_back(s);
        return "v" + std::to_string(ops.size());
    }
};

} // namespace

EQ_TEST(forwardComputesEveryNodeKind) {
    torch::manual_seed(3);
    auto model = std::make_shared<models::QuantModelImpl>(everyOp());
    // Running statistics other than the defaults, so that eval-mode BN does something.
    for (auto& bn : model->batchNorms()) {
        torch::NoGradGuard ng;
        bn->running_mean.uniform_(-0.5, 0.5);
        bn->running_var.uniform_(0.5, 2.0);
    }
    model->eval();
    const auto x = torch::randn({2, 3, 8, 8});
    const auto y = model->forward(x);

    // The same network written out by hand with the model's own modules.
    auto layers = model->quantLayers();
    auto bns = model->batchNorms();
    torch::NoGradGuard ng;
    auto h = torch::relu(bns[0]->forward(layers[0].second->apply(x, layers[0].second->weight, layers[0].second->bias)));
    auto a = torch::clamp(layers[1].second->apply(h, layers[1].second->weight, layers[1].second->bias), -1.0, 2.0);
    auto m = torch::max_pool2d(h, 3, 1, 1);
    auto c = torch::avg_pool2d(torch::cat({a, m}, 1), 3, 2, 1, false, /*count_include_pad=*/false);
    auto s = c + layers[2].second->apply(c, layers[2].second->weight, layers[2].second->bias);
    auto ref = layers[3].second->apply(s.mean({2, 3}), layers[3].second->weight, layers[3].second->bias);
    EQ_COMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 5}));
    EQ_VERIFY2(torch::equal(y, ref), "forward differs from the hand-written network");
}

EQ_TEST(modulesAreNamedAndOrderedByTheGraph) {
    auto model = std::make_shared<models::QuantModelImpl>(everyOp());
    std::vector<std::string> names;
    for (const auto& [n, l] : model->quantLayers()) names.push_back(n);
    EQ_COMPARE(names, (std::vector<std::string>{"stem", "branch.dw", "branch.pw", "fc"}));
    std::vector<std::string> params;
    for (const auto& p : model->named_parameters()) params.push_back(p.key());
    // Dotted names nest: the checkpoint keys of a built-in network ("block0.expand.weight").
    EQ_VERIFY(std::find(params.begin(), params.end(), "branch.dw.weight") != params.end());
    EQ_VERIFY(std::find(params.begin(), params.end(), "stem_bn.weight") != params.end());
    EQ_VERIFY(std::find(params.begin(), params.end(), "fc.bias") != params.end());
    EQ_COMPARE(model->named_children().size(), size_t(4)); // stem, stem_bn, branch, fc
    EQ_COMPARE(model->batchNorms().size(), size_t(1));
    // Depthwise: groups = channels, weight [8, 1, 3, 3].
    EQ_COMPARE(model->quantLayers()[1].second->weight.sizes().vec(), (std::vector<int64_t>{8, 1, 3, 3}));
}

EQ_TEST(exportWalksTheSameNodes) {
    auto model = std::make_shared<models::QuantModelImpl>(everyOp());
    Recorder r;
    for (auto& [n, l] : model->quantLayers()) r.layerNames[l.get()] = n;
    const auto out = model->emit(r, "image");
    const std::vector<std::string> expected{
        "quant(stem): image", "bn(8): v1", "relu: v2", "quant(branch.dw): v3", "clip(-1,2): v4",
        "maxpool(3,1,1): v3", "concat(1): v5 v6", "avgpool(3,2,1): v7", "quant(branch.pw): v8",
        "add: v8 v9", "gap(keep): v10", "flatten: v11", "quant(fc): v12"};
    EQ_COMPARE(r.ops, expected);
    EQ_COMPARE(out, std::string("v13"));
}

EQ_TEST(relu6IsClipZeroSixAndExportsAsRelu6) {
    NetworkBuilder b;
    auto g = b.finish(b.linear(b.flatten(b.relu6(b.input())), "fc", 4, 2, false));
    EQ_COMPARE(int(g.nodes[0].op), int(graph::Op::Clip));
    auto model = std::make_shared<models::QuantModelImpl>(g);
    Recorder r;
    r.layerNames[model->quantLayers()[0].second.get()] = "fc";
    model->emit(r, "x");
    EQ_COMPARE(r.ops.front(), std::string("relu6: x"));
    const auto x = torch::tensor({-1.f, 3.f, 7.f, 6.5f}).reshape({1, 4, 1, 1});
    auto l = model->quantLayers()[0].second;
    torch::NoGradGuard ng;
    EQ_VERIFY(torch::equal(model->forward(x), l->apply(torch::tensor({{0.f, 3.f, 6.f, 6.f}}), l->weight, l->bias)));
}

EQ_TEST(builderRejectsReadsBeforeWrites) {
    NetworkBuilder b;
    EQ_THROWS(b.add(b.input(), 1), Error, "not written before it");
    EQ_THROWS(b.finish(5), Error, "not a value of the graph");
}

EQ_TEST(deadValuesAreFreedLastUsesMarkTheirReader) {
    const auto g = everyOp();
    const auto last = g.lastUses();
    // Value 3 (the stem's ReLU) is read by the depthwise convolution and the max-pool (node 5).
    EQ_COMPARE(last[3], 5);
    // Value 8 (the average pool) is read by the 1x1 convolution and by the add (node 9).
    EQ_COMPARE(last[8], 9);
    // The output is read after the last node.
    EQ_COMPARE(last[size_t(g.output)], int(g.nodes.size()));
}

EQ_TEST(builtinNetworksKeepTheirLayerNames) {
    auto mbv2 = std::make_shared<models::QuantModelImpl>(models::builtinNetwork(ModelSpec{"mbv2-28", 1, 28, 10}));
    std::vector<std::string> names;
    for (const auto& [n, l] : mbv2->quantLayers()) names.push_back(n);
    EQ_COMPARE(names.size(), size_t(20));
    EQ_COMPARE(names.front(), std::string("conv1"));
    EQ_COMPARE(names[1], std::string("block0.dw")); // block0 has no expansion (t = 1)
    EQ_COMPARE(names[3], std::string("block1.expand"));
    EQ_COMPARE(names.back(), std::string("fc"));
    auto r18 = std::make_shared<models::QuantModelImpl>(models::builtinNetwork(ModelSpec{"resnet18", 3, 224, 1000}));
    names.clear();
    for (const auto& [n, l] : r18->quantLayers()) names.push_back(n);
    EQ_COMPARE(names[5], std::string("layer2_0.conv1"));
    EQ_COMPARE(names[7], std::string("layer2_0.downsample"));
    EQ_THROWS(models::builtinNetwork(ModelSpec{"bogus", 1, 28, 10}), Error, "available: mbv2-28");
}
