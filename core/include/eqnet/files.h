#pragma once
// Files the engine writes are never left half-written: contents go to "<path>.part" and are
// renamed over the target (atomic on POSIX), so a crash or a failed write leaves the old file.
#include <string>

namespace eqnet {

std::string readTextFile(const std::string& path);
void writeFileAtomic(const std::string& path, const std::string& contents);

// Creates the folder a file will go into; throws eqnet::Error naming `path`.
void ensureParentFolder(const std::string& path);
// Renames a finished temporary file over `path`; removes it and throws on failure.
void replaceFile(const std::string& tmp, const std::string& path);

} // namespace eqnet
