#pragma once
// docs/method.md §7: BitOps and model size of a subnet, from the layers' MACs and parameters.
#include "eqnet/quant_types.h"

#include <vector>

namespace eqnet {

struct SubnetCost {
    double bitops = 0;      // sum_l MACs_l * w_bits_l * a_bits_l, per image
    double sizeBits = 0;    // weights at w_bits + biases at 32 bits + scales and zero points
    double weightBits = 0;  // sum_l params_l * w_bits_l alone
};

// Bits stored per quantization scale (FP32) and per integer zero point (int8/uint8 storage).
constexpr int kScaleBits = 32;
constexpr int kZeroPointBits = 8;

SubnetCost subnetCost(const std::vector<LayerInfo>& layers, const SubnetConfig& cfg);
// One layer's share of SubnetCost::bitops: MACs x weight bits x activation bits.
inline double layerBitops(const LayerInfo& l, const LayerBits& b) { return double(l.macs) * b.w * b.a; }
// The full-precision reference: every layer at 32-bit weights and 32-bit activations.
SubnetCost fp32Cost(const std::vector<LayerInfo>& layers);
int64_t totalMacs(const std::vector<LayerInfo>& layers);

} // namespace eqnet
