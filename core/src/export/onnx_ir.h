#pragma once
// A plain-C++ picture of an ONNX model: what the exporter (export/onnx_export.cpp, LibTorch
// side) builds and what export/onnx_proto.cpp (ONNX/protobuf side, no LibTorch) turns into a
// checked ModelProto and back. Neither LibTorch nor ONNX headers are needed to use it, so the
// two libraries never meet in one translation unit.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace eqnet::onnxir {

// ONNX TensorProto::DataType codes.
enum class ElemType : int32_t { Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7 };
std::string elemTypeName(ElemType t);

struct Tensor {
    std::string name;
    ElemType type = ElemType::Float;
    std::vector<int64_t> dims;   // empty: a scalar
    std::vector<float> floats;   // Float
    std::vector<int64_t> ints;   // every integer type
    int64_t numel() const;
};

struct Attribute {
    // Other: a kind this code does not read (graphs, tensors other than a Constant's value,
    // ...), kept by name so that import can name it; it cannot be serialised.
    enum class Kind { Int, Ints, Float, Floats, String, Other };
    std::string name;
    Kind kind = Kind::Int;
    int64_t i = 0;
    std::vector<int64_t> ints;
    float f = 0;
    std::vector<float> floats;
    std::string s;

    static Attribute integer(std::string name, int64_t v);
    static Attribute integers(std::string name, std::vector<int64_t> v);
    static Attribute real(std::string name, float v);
};

struct Node {
    std::string op;
    std::string name;
    std::vector<std::string> inputs, outputs;
    std::vector<Attribute> attrs;
    const Attribute* attr(const std::string& name) const;
};

// A graph input or output; a dimension with a non-empty parameter name is symbolic ("N").
struct ValueInfo {
    std::string name;
    ElemType type = ElemType::Float;
    std::vector<int64_t> dims;
    std::vector<std::string> dimParams; // same length as dims; "" = fixed
};

struct Model {
    int64_t irVersion = 7;
    int64_t opset = 13;
    std::string producerName, producerVersion, graphName, docString;
    std::vector<std::pair<std::string, std::string>> metadata;
    std::vector<ValueInfo> inputs, outputs;
    std::vector<Node> nodes;
    std::vector<Tensor> initializers;

    const Tensor* initializer(const std::string& name) const;
    std::string metadataValue(const std::string& key) const;
};

// True when this build links libonnx (EQNET_HAVE_ONNX).
bool available();
// The library's version ("1.12.0"), or "" without ONNX.
std::string onnxVersion();
// The newest default-domain opset the linked ONNX library knows (0 without ONNX).
int64_t maxOpset();

// Builds the ModelProto, runs onnx::checker::check_model and strict shape inference, and
// returns the serialised bytes. Throws eqnet::Error (without a path: the caller adds it) when
// the model does not check or when ONNX is not available.
std::string serialize(const Model& m);

// Parses serialised bytes (or the file at `path`) back, checks the model and converts it.
// Throws eqnet::Error naming `source`.
Model parse(const std::string& bytes, const std::string& source);
Model readFile(const std::string& path);

} // namespace eqnet::onnxir
