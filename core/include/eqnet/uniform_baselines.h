#pragma once
// The uniform baselines of a hardware profile: what a front of mixed-precision subnets is
// compared with, on the command line, in the pipeline's report and in the studio alike.
#include "eqnet/cost_model.h"
#include "eqnet/profile.h"
#include "eqnet/quant_types.h"

#include <string>
#include <vector>

namespace eqnet {

struct UniformBaseline {
    int wBits = 8, aBits = 8;
    std::string label; // "W4A4", "W4A8"
    SubnetConfig config;
};

// Every searchable layer at the same bits, in the profile's form: every allowed (w, a) pair
// when there are at most 16, else the pairs with w = a. Only subnets the profile allows
// (budgets) are kept, in that order.
std::vector<UniformBaseline> uniformBaselines(const HardwareProfile& profile, const std::vector<LayerInfo>& layers);

} // namespace eqnet
