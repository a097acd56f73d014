// ONNX import (graph/onnx_import.h) on models written out by hand as onnxir structs: the
// graph, the layer names, the FP parameters and the activation signs it derives, and the
// errors that name the node, its op and what is supported.
#include "eqtest.h"

#include "eqnet/error.h"
#include "graph/onnx_import.h"

using namespace eqnet;
using onnxir::Attribute;

namespace {

onnxir::Tensor floats(const std::string& name, std::vector<int64_t> dims, float start = 0.f) {
    onnxir::Tensor t;
    t.name = name;
    t.dims = std::move(dims);
    t.floats.resize(size_t(t.numel()));
    for (size_t i = 0; i < t.floats.size(); ++i) t.floats[i] = start + 0.01f * float(i);
    return t;
}

onnxir::Node node(const std::string& op, const std::string& name, std::vector<std::string> in,
                  std::vector<Attribute> attrs = {}) {
    onnxir::Node n;
    n.op = op;
    n.name = name;
    n.inputs = std::move(in);
    n.outputs = {name + "_out"};
    n.attrs = std::move(attrs);
    return n;
}

// x [N, 1, 8, 8] -> Conv 3x3 (4) -> BatchNormalization -> Clip(0, 6) -> depthwise Conv 3x3
// with bias -> Relu -> MaxPool 2x2 -> GlobalAveragePool -> Flatten -> Gemm (3 classes).
onnxir::Model smallModel(bool transB = true) {
    onnxir::Model m;
    m.opset = 13;
    onnxir::ValueInfo in;
    in.name = "x";
    in.dims = {-1, 1, 8, 8};
    in.dimParams = {"N", "", "", ""};
    m.inputs.push_back(in);
    onnxir::ValueInfo out;
    out.name = "logits";
    out.dims = {-1, 3};
    out.dimParams = {"N", ""};
    m.outputs.push_back(out);
    m.initializers = {floats("features.0.weight", {4, 1, 3, 3}, -0.1f),
                      floats("features.1.weight", {4}, 1.f), floats("features.1.bias", {4}),
                      floats("features.1.running_mean", {4}), floats("features.1.running_var", {4}, 1.f),
                      floats("six", {}, 6.f), floats("zero", {}, 0.f),
                      floats("onnx::Conv_7", {4, 1, 3, 3}), floats("onnx::Conv_8", {4}),
                      transB ? floats("classifier.weight", {3, 4}) : floats("classifier.weight", {4, 3}),
                      floats("classifier.bias", {3})};
    m.nodes = {node("Conv", "conv_a", {"x", "features.0.weight"},
                    {Attribute::integers("kernel_shape", {3, 3}), Attribute::integers("pads", {1, 1, 1, 1})}),
               node("BatchNormalization", "bn_a",
                    {"conv_a_out", "features.1.weight", "features.1.bias", "features.1.running_mean",
                     "features.1.running_var"},
                    {Attribute::real("epsilon", 1e-3f)}),
               node("Clip", "relu6", {"bn_a_out", "zero", "six"}),
               node("Conv", "dw", {"relu6_out", "onnx::Conv_7", "onnx::Conv_8"},
                    {Attribute::integer("group", 4), Attribute::integers("pads", {1, 1, 1, 1})}),
               node("Relu", "relu", {"dw_out"}),
               node("MaxPool", "pool", {"relu_out"},
                    {Attribute::integers("kernel_shape", {2, 2}), Attribute::integers("strides", {2, 2})}),
               node("GlobalAveragePool", "gap", {"pool_out"}),
               node("Flatten", "flat", {"gap_out"}),
               node("Gemm", "fc", {"flat_out", "classifier.weight", "classifier.bias"},
                    {Attribute::integer("transB", transB ? 1 : 0)})};
    m.nodes.back().outputs = {"logits"};
    return m;
}

} // namespace

EQ_TEST(importBuildsTheGraphNamesAndParameters) {
    const auto net = graph::importOnnxGraph(smallModel(), "small.onnx");
    EQ_COMPARE(net.inChannels, int64_t(1));
    EQ_COMPARE(net.imageSize, int64_t(8));
    EQ_COMPARE(net.numClasses, int64_t(3));
    EQ_COMPARE(net.inputName, std::string("x"));
    EQ_COMPARE(net.outputName, std::string("logits"));
    EQ_COMPARE(net.batchNorms, 1);
    std::vector<std::string> ops, names;
    for (const auto& n : net.graph.nodes) {
        ops.push_back(graph::opName(n.op));
        if (!n.name.empty()) names.push_back(n.name);
    }
    EQ_COMPARE(ops, (std::vector<std::string>{"Conv", "BatchNorm", "Clip", "Conv", "Relu", "MaxPool",
                                              "GlobalAvgPool", "Flatten", "Linear"}));
    // Framework names without ".weight", dots made '_'; a folded export's "onnx::Conv_7" gets
    // a name by kind and position.
    EQ_COMPARE(names, (std::vector<std::string>{"features_0", "features_1", "conv2", "classifier"}));
    const auto& n = net.graph.nodes;
    EQ_COMPARE(n[0].actUnsigned, false); // the normalised image is signed
    EQ_COMPARE(n[3].actUnsigned, true);  // after Clip(0, 6)
    EQ_COMPARE(n[3].groups, int64_t(4));
    EQ_COMPARE(n[3].bias, true);
    EQ_COMPARE(n[0].bias, false);
    EQ_COMPARE(n[8].actUnsigned, true); // after ReLU and pooling
    EQ_NEAR(n[1].eps, 1e-3, 1e-9);
    EQ_COMPARE(n[2].lo, 0.f);
    EQ_COMPARE(n[2].hi, 6.f);
    EQ_COMPARE(n[6].keepDims, true);
    EQ_COMPARE(net.parameters.count("features_1.running_var"), size_t(1));
    EQ_COMPARE(net.parameters.at("conv2.bias").dims, (std::vector<int64_t>{4}));
    EQ_COMPARE(net.parameters.at("classifier.weight").dims, (std::vector<int64_t>{3, 4}));
}

EQ_TEST(gemmWithoutTransposeIsTransposedOnImport) {
    const auto a = graph::importOnnxGraph(smallModel(false), "t.onnx");
    const auto& w = a.parameters.at("classifier.weight"); // ONNX [4, 3] -> [3, 4]
    EQ_COMPARE(w.dims, (std::vector<int64_t>{3, 4}));
    // Element (o, i) of the imported weight is element (i, o) of the file's: 0.01 * (i * 3 + o).
    EQ_NEAR(w.floats[size_t(1 * 4 + 2)], 0.01f * (2 * 3 + 1), 1e-7);
}

EQ_TEST(unsupportedInputsAreNamed) {
    auto m = smallModel();
    m.nodes.push_back(node("Softmax", "probabilities", {"logits"}));
    EQ_THROWS(graph::importOnnxGraph(m, "a.onnx"), Error,
              "a.onnx: node 'probabilities' (Softmax): operator not supported; import supports Conv, Gemm");

    m = smallModel();
    m.inputs[0].dims = {-1, 1, -1, -1};
    m.inputs[0].dimParams = {"N", "", "height", "width"};
    EQ_THROWS(graph::importOnnxGraph(m, "b.onnx"), Error, "dynamic dimension 2 ('height')");

    m = smallModel();
    m.nodes[0].attrs = {Attribute::integers("kernel_shape", {3, 1})};
    m.initializers[0] = floats("features.0.weight", {4, 1, 3, 1});
    EQ_THROWS(graph::importOnnxGraph(m, "c.onnx"), Error, "node 'conv_a' (Conv): kernel [3, 1] is not supported");

    m = smallModel();
    m.nodes[0].attrs.push_back(Attribute::integers("dilations", {2, 2}));
    EQ_THROWS(graph::importOnnxGraph(m, "d.onnx"), Error, "dilation 2 is not supported");

    m = smallModel();
    m.nodes[7] = node("Reshape", "flat", {"gap_out", "computed_shape"});
    EQ_THROWS(graph::importOnnxGraph(m, "e.onnx"), Error, "node 'flat' (Reshape): the target shape is computed");

    m = smallModel();
    m.nodes[3].attrs = {Attribute::integer("group", 3), Attribute::integers("pads", {1, 1, 1, 1})};
    EQ_THROWS(graph::importOnnxGraph(m, "f.onnx"), Error, "with group 3 does not fit 4 input channels");

    m = smallModel();
    m.nodes[0].inputs[1] = "weights_from_a_node";
    EQ_THROWS(graph::importOnnxGraph(m, "g.onnx"), Error, "must be an initializer");
}

EQ_TEST(reshapeToFlatAndPassThroughsAreAccepted) {
    auto m = smallModel();
    onnxir::Tensor shape;
    shape.name = "flat_shape";
    shape.type = onnxir::ElemType::Int64;
    shape.dims = {2};
    shape.ints = {0, -1};
    m.initializers.push_back(shape);
    m.nodes[7] = node("Reshape", "flat", {"gap_out", "flat_shape"});
    m.nodes.insert(m.nodes.begin() + 5, node("Dropout", "drop", {"relu_out"}));
    m.nodes[6].inputs = {"drop_out"}; // the MaxPool now reads the Dropout
    const auto net = graph::importOnnxGraph(m, "r.onnx");
    EQ_COMPARE(net.graph.nodes.size(), size_t(9)); // Dropout leaves no node
    EQ_COMPARE(std::string(graph::opName(net.graph.nodes[7].op)), std::string("Flatten"));
}

EQ_TEST(identityOfAnInitializerIsTheInitializer) {
    // PyTorch's exporter writes a weight shared by two uses once, and an Identity of it for the
    // second use (torchvision's ResNet-18 does).
    auto m = smallModel();
    m.nodes.insert(m.nodes.begin(), node("Identity", "alias", {"features.0.weight"}));
    m.nodes[1].inputs[1] = "alias_out";
    const auto net = graph::importOnnxGraph(m, "i.onnx");
    EQ_COMPARE(net.graph.nodes.front().name, std::string("conv1")); // named by position now
    EQ_COMPARE(net.parameters.at("conv1.weight").floats, m.initializers[0].floats);
}
