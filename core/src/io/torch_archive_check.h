#pragma once
// A LibTorch archive (a checkpoint) checked before LibTorch reads it: its zip directory
// (io/zip_directory.h) and every pickle in it (io/pickle_check.h), each storage reference
// against the record that holds it. LibTorch sizes its buffers from these without checking
// them against the file, so this is what keeps a damaged file from making it allocate or read
// more than the file holds.
#include <string>
#include <string_view>

namespace eqnet {

// Throws eqnet::Error, prefixed with `what`, naming the first record at fault.
void checkTorchArchive(std::string_view bytes, const std::string& what);

} // namespace eqnet
