#pragma once
// The FP ONNX example networks of tests/data/onnx (made by scripts/make-onnx-examples.py: a
// small network trained 3 epochs on Fashion-MNIST, exported by PyTorch with batch norm folded,
// and kept) and the preprocessing they were trained with.
#include <string>

#ifndef EQ_ONNX_MODELS_DIR
#define EQ_ONNX_MODELS_DIR "tests/data/onnx"
#endif

namespace eqtest::examples {

inline const std::string kDir = EQ_ONNX_MODELS_DIR;
inline const std::string kFoldedFile = "fmnist-small.onnx";
inline const std::string kWithBnFile = "fmnist-small-bn.onnx";
inline const std::string kFolded = kDir + "/" + kFoldedFile;
inline const std::string kWithBn = kDir + "/" + kWithBnFile;
// (pixel / 255 - kMean) / kStd
constexpr float kMean = 0.2860f, kStd = 0.3530f;

} // namespace eqtest::examples
