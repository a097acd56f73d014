#include "eqnet/version.h"

#include "eqnet/supernet.h"

namespace eqnet {

std::string versionText() {
    return std::string(EQNET_VERSION) + " (git " + buildRevision() + ", LibTorch " + libtorchVersion() + ")";
}

} // namespace eqnet
