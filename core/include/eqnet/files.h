#pragma once
// Files the engine writes are never left half-written: contents go to "<path>.part" and are
// renamed over the target (atomic on POSIX), so a crash or a failed write leaves the old file.
#include <cstdint>
#include <string>

namespace eqnet {

// The suffix of a file being written: never a result; a listing skips it.
constexpr const char* kPartialFileSuffix = ".part";

// Reads a whole file. A file larger than `maxBytes` is refused before anything is read (an
// error naming it), so hostile input cannot make the reader allocate what no real file needs.
std::string readTextFile(const std::string& path, uint64_t maxBytes = UINT64_MAX);
// Size limits of the project's JSON files: settings (run.json, pipeline.json, profiles, subnet
// files, predictor scores) are a few KB; results (front.json, predictors) a few MB.
constexpr uint64_t kMaxSettingsFileBytes = uint64_t(1) << 20;
constexpr uint64_t kMaxResultsFileBytes = uint64_t(256) << 20;
void writeFileAtomic(const std::string& path, const std::string& contents);

// A stable identity of a file's bytes (size and CRC-32): results measured on a checkpoint are
// keyed by it, so those of another checkpoint are never reused.
std::string fileIdentity(const std::string& path);

// Appends `line` and a newline to a record file (metrics.jsonl, samples.jsonl) in one write, so
// that a kill leaves whole lines; when a crash cut the file's last line, the record starts on a
// fresh line. Throws eqnet::Error naming the file and the cause (no space left, read-only).
void appendLine(const std::string& path, const std::string& line);

// A name that becomes a file inside a folder the engine owns (an export's --name): throws
// eqnet::Error naming `what` unless it is a plain file name (no '/', '\\', control characters,
// "." or "..", at most 200 bytes), so that no name can reach outside its folder.
void checkFileName(const std::string& name, const std::string& what);

// Removes the "<name>.part" files a killed process left under `dir` (recursively): a command
// that takes a run folder over calls it first, so no partial file outlives the next run.
// Returns how many were removed.
int removePartialFiles(const std::string& dir);

// Creates the folder a file will go into; throws eqnet::Error naming `path`.
void ensureParentFolder(const std::string& path);
// Renames a finished temporary file over `path`; removes it and throws on failure.
void replaceFile(const std::string& tmp, const std::string& path);

} // namespace eqnet
