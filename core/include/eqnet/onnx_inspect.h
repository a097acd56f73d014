#pragma once
// What a QDQ ONNX model quantizes, read back from the file (docs/export.md): every
// QuantizeLinear and DequantizeLinear node with its scale(s), zero point(s), storage type, the
// layer (Conv/Gemm) it feeds, and the integer levels it can hold: for a weight or bias, the
// range of the stored levels; for an activation, the range a Clip just before its
// QuantizeLinear narrows it to (how a model below 8 bits says its bit-width), else the storage
// type's. Works on any QDQ model, not only ours. Plain C++ types only (the studio's Model tab).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace eqnet {

struct QdqNodeInfo {
    std::string node;       // the node's name (or "<op> #<index>" when it has none)
    std::string op;         // "QuantizeLinear" or "DequantizeLinear"
    std::string input;      // the tensor it reads
    bool constantInput = false; // its input is an initializer: a weight or bias stored quantized
    std::string layer;      // the Conv, Gemm or MatMul node its values reach (within two nodes); "" none
    std::string layerOp;
    bool perChannel = false;
    int64_t axis = 1;       // the quantization axis when perChannel
    std::vector<double> scales;
    std::vector<int64_t> zeroPoints; // empty: none given (zero)
    std::string storageType;         // "int8", "uint8", "int32"
    int64_t levelMin = 0, levelMax = 0; // see above
    bool clipped = false;            // an activation range narrowed by a Clip (ours below 8
                                     // bits, or the network's own, e.g. ReLU6's Clip(0, 6))
    // levelMax - levelMin + 1
    int64_t levels() const { return levelMax - levelMin + 1; }
    // The smallest bit-width whose 2^b levels hold levels().
    int bits() const;
};

struct OnnxQdqReport {
    std::string path;
    int64_t opset = 0;
    std::string producer; // "EQ-Net Studio 0.9.0"
    int64_t nodes = 0;    // every node of the graph
    std::vector<std::pair<std::string, std::string>> metadata;
    std::vector<QdqNodeInfo> qdq; // in graph order
};

// Throws eqnet::Error naming `path` when it cannot be read or is no valid ONNX model, or when
// this build has no ONNX library.
OnnxQdqReport inspectOnnxQdq(const std::string& path);

} // namespace eqnet
