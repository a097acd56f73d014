#pragma once
// A pickle (the object stream inside a LibTorch archive) walked opcode by opcode before LibTorch
// unpickles it. LibTorch's unpickler trusts what the opcodes claim:
//  - it allocates a string's length, or memo slots up to a memo index, before reading the
//    bytes, so a few damaged bytes could make it ask for tens of gigabytes;
//  - a tensor's storage is the record the pickle names, taken to hold as many elements as the
//    pickle says, so a record shorter than that would be read past its end.
// The walk follows the pickle machine's stack symbolically (strings, integers, class names and
// short tuples; everything else as an opaque value) and refuses, before LibTorch sees them: an
// unknown opcode, a length past the end, a memo index no pickler would write (one above the
// opcodes before it), a stack that runs out, and a storage reference other than LibTorch's
// ('storage', torch.<Type>Storage, key, location, elements) whose record is missing or holds
// fewer than elements x the type's size bytes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace eqnet::picklecheck {

// The size of the record that holds storage `key`, or nullopt when there is none.
using RecordSize = std::function<std::optional<uint64_t>(const std::string& key)>;

// Throws eqnet::Error, prefixed with `what` (the record's name), at the first problem; also when
// the pickle has no STOP. Without `recordSize` the pickle may not refer to any storage.
void checkPickle(std::string_view pickle, const std::string& what, const RecordSize& recordSize = nullptr);

// Bytes per element of LibTorch's typed storage classes ("FloatStorage": 4); 0 if unknown.
int storageElementBytes(std::string_view className);

} // namespace eqnet::picklecheck
