#pragma once
// Files the engine writes are never left half-written: contents go to "<path>.part" and are
// renamed over the target (atomic on POSIX), so a crash or a failed write leaves the old file.
#include <string>

namespace eqnet {

// The suffix of a file being written: never a result; a listing skips it.
constexpr const char* kPartialFileSuffix = ".part";

std::string readTextFile(const std::string& path);
void writeFileAtomic(const std::string& path, const std::string& contents);

// A stable identity of a file's bytes (size and CRC-32): results measured on a checkpoint are
// keyed by it, so those of another checkpoint are never reused.
std::string fileIdentity(const std::string& path);

// Creates the folder a file will go into; throws eqnet::Error naming `path`.
void ensureParentFolder(const std::string& path);
// Renames a finished temporary file over `path`; removes it and throws on failure.
void replaceFile(const std::string& tmp, const std::string& path);

} // namespace eqnet
