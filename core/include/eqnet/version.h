#pragma once
// The build's identity, for `eqnet --version`, the studio's About box and bug reports.
#include <string>

namespace eqnet {

// The git revision the build was made from ("e9d5b8b1a2c4", "...-dirty" with uncommitted
// changes), or "unknown" when built outside a git checkout. Generated at build time.
const char* buildRevision();

// "0.1.0 (git e9d5b8b1a2c4, LibTorch 1.13.1)".
std::string versionText();

} // namespace eqnet
