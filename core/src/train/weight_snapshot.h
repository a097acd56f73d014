#pragma once
// The Weights tab's data of every layer (eqnet::LayerSnapshot): histogram, moments, and what
// a requested bit-width and form do to the weights (levels, per-channel steps, relative
// quantization error, clipped fraction). weightSnapshots() (eqnet/training.h) on a loaded
// supernet, and a training job's live snapshots, both come from here.
#include "engine/supernet_impl.h"
#include "eqnet/training.h"

#include <vector>

namespace eqnet::train {

std::vector<LayerSnapshot> snapshotLayers(Supernet::Impl& net, const SnapshotRequest& req);

} // namespace eqnet::train
