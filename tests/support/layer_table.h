#pragma once
// Hand-made layer tables for the suites that need a network's shape without building one.
#include "eqnet/quant_types.h"

namespace eqtest {

inline eqnet::LayerInfo layer(const char* name, int64_t macs, int64_t params, int64_t outChannels, bool fixed) {
    eqnet::LayerInfo l;
    l.name = name;
    l.macs = macs;
    l.weightParams = params;
    l.outChannels = outChannels;
    l.biasParams = outChannels;
    l.fixedBits = fixed;
    return l;
}

} // namespace eqtest
