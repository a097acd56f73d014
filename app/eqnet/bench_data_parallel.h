#pragma once
// eqnet bench data-parallel (bench_data_parallel.cpp), registered under `eqnet bench`.
#include "commands.h"

namespace eqcli {

void registerBenchDataParallel(CLI::App* bench, CommandSet& set);

} // namespace eqcli
