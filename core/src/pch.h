// Precompiled for eqcore, the command line and the core tests (see core/CMakeLists.txt).
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>
