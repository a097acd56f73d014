#pragma once
// ONNX export of one subnet of the supernet as a standard QDQ model (docs/export.md).
//
// The file computes what Supernet::evaluate() measures for the same subnet and EvalOptions:
//  - input "image": float32 [N, C, H, W] (N dynamic), raw pixel values in [0, 1]
//    (byte / 255); the data set's per-channel normalisation ((x - mean) / std) is the first
//    two nodes of the graph. An imported network's model instead takes exactly what the
//    original took: its input name, normalised input ((x - mean) / std outside the graph),
//    and its output name;
//  - every quantized layer: its input activation through Clip (only below 8 bits: the
//    narrower range [(n - z)s, (p - z)s]) -> QuantizeLinear -> DequantizeLinear (uint8 zero
//    point for unsigned ranges, int8 for signed), its weights as int8 initializers already
//    quantized (levels inside the narrow range of their bit-width) -> DequantizeLinear
//    (per-channel: axis 0, one scale and zero point per output channel; per-tensor: scalars)
//    -> Conv or Gemm with a float bias;
//  - BatchNormalization nodes (inference form) with the statistics re-estimated for this
//    subnet exactly as evaluate() does (docs/method.md §4); ReLU, Clip(0, 6), Add, MaxPool,
//    GlobalAveragePool + Flatten as in the network's forward();
//  - output "logits": float32 [N, classes].
// ONNX opsets 13 (default) up to the newest the linked ONNX library knows.
#include "eqnet/data.h"
#include "eqnet/quant_types.h"
#include "eqnet/supernet.h"

#include <cstdint>
#include <string>

namespace eqnet {

constexpr int kOnnxMinOpset = 13; // per-axis QuantizeLinear/DequantizeLinear

struct OnnxExportOptions {
    int opset = kOnnxMinOpset;
    // BN statistics are re-estimated for the subnet with these settings (bnImages, bnBatchSize,
    // bnSeed), exactly as Supernet::evaluate(data, split, bn) does, so the exported model is
    // the one evaluate() measures. bnImages = 0 keeps the supernet's current statistics. A
    // model holds one estimate: pass deployedEval() of a protocol that averages several.
    EvalOptions bn;
    std::string producerName = "EQ-Net Studio";
    std::string producerVersion; // empty: this build's version
    std::string graphName;       // empty: "<model>-<form>"
};

struct OnnxExportSummary {
    std::string path;
    int opset = 0;
    int64_t nodes = 0;
    int64_t quantizeNodes = 0;   // QuantizeLinear (one per quantized layer's input)
    int64_t dequantizeNodes = 0; // DequantizeLinear (activations and weights)
    int64_t clipNodes = 0;       // Clip: activation ranges below 8 bits, and ReLU6
    int64_t initializers = 0;
    int64_t weightBytes = 0;     // the int8 weight initializers
    int64_t fileBytes = 0;
};

// False when this build was made without libonnx (exportOnnx then throws eqnet::Error).
bool onnxExportAvailable();

// Sets `cfg` (validated against the model), re-estimates BN as evaluate() does, builds the
// graph, then puts BN, the layers' settings and the previous subnet back as they were, checks
// the model (onnx::checker and strict shape inference) and writes it atomically (temporary
// file + rename). Throws eqnet::Error naming `path` for a bad subnet, an uncalibrated
// quantizer, an unsupported opset, a model that does not check, or a failed write; then
// nothing is written and an existing file at `path` is left as it was.
OnnxExportSummary exportOnnx(Supernet& net, const Dataset& data, const SubnetConfig& cfg,
                             const std::string& path, const OnnxExportOptions& opt = {});

// The full-precision network as a framework exports it for inference: input normalised
// outside the graph ((pixel / 255 - mean) / std, recorded in the metadata), float Conv/Gemm,
// BatchNormalization with the network's current statistics when opt.bn.bnImages = 0, else
// re-estimated for it as for a subnet. What `eqnet eval --fp` measures, and a file importModel() reads back.
OnnxExportSummary exportOnnxFullPrecision(Supernet& net, const Dataset& data, const std::string& path,
                                          const OnnxExportOptions& opt = {});

} // namespace eqnet
