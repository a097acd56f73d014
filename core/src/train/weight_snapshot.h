#pragma once
// The Weights tab's data of every layer (eqnet::LayerSnapshot): histogram, moments, and what
// a requested bit-width and form do to the weights (levels, per-channel steps, relative
// quantization error, clipped fraction). weightSnapshots() (eqnet/training.h) on a loaded
// supernet, and a training job's live snapshots, both come from here.
#include "engine/supernet_impl.h"
#include "quant/fake_quant.h"
#include "eqnet/training.h"

#include <string>
#include <vector>

namespace eqnet::train {

std::vector<LayerSnapshot> snapshotLayers(Supernet::Impl& net, const SnapshotRequest& req);

// The parts every snapshot (weights, activations) shares:
// - the request's checks (throws eqnet::Error starting with `what`);
void checkSnapshotRequest(const SnapshotRequest& req, const std::string& what);
// - histogram (bins over [min, max]) and moments of `values` (any shape, float, CPU);
void describeValues(const torch::Tensor& values, int bins, LayerSnapshot& s);
// - what quantizing `rows` ([channels, n], float, CPU) with one step and zero point per row
//   (the zero points rounded and inside `range`, as the quantizers apply them) does: relative
//   error, clipped fraction and the steps.
void describeQuantization(const torch::Tensor& rows, const torch::Tensor& steps, const torch::Tensor& zeros,
                          quant::QuantRange range, LayerSnapshot& s);

} // namespace eqnet::train
