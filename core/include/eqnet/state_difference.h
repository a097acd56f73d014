#pragma once
// How far apart two checkpoints of one network are: the check behind data-parallel
// equivalence (docs/distributed.md), for `eqnet bench data-parallel` and the tests.
#include <string>

namespace eqnet {

struct StateDifference {
    double largest = 0;     // largest absolute difference of any parameter or float buffer element
    std::string where;      // the tensor it is in ("block0.expand.weight")
    double scale = 0;       // the largest absolute value of that tensor in the first checkpoint
    // The largest relative distance of any tensor, ||a - b|| / ||a|| (tensors of norm 0 left out),
    // and the tensor it is in.
    double relative = 0;
    std::string relativeWhere;
};

// Loads both checkpoints (on the CPU) and compares every parameter and floating-point buffer
// (batch norm's running statistics included). Throws eqnet::Error when they hold different
// networks (other tensor names or shapes).
StateDifference checkpointDifference(const std::string& a, const std::string& b);

} // namespace eqnet
