#pragma once
// Reading the project's JSON files with errors that name the file and the field (DEVELOPERS.md):
// shared by the subnet, profile and run-folder readers.
#include "eqnet/error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace eqnet::jsonio {

using nlohmann::json;

[[noreturn]] inline void fail(const std::string& source, const std::string& what) {
    throw Error(source + ": " + what);
}

// Parses `text` as one JSON object; malformed text or another top-level value names `source`.
inline json parseObject(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        fail(source, std::string("malformed JSON: ") + e.what());
    }
    if (!j.is_object()) fail(source, "expected a JSON object at the top level");
    return j;
}

// obj[key], or an error naming the field "<where><key>" (where = "form." etc.).
inline const json& need(const json& obj, const char* key, const std::string& where, const std::string& source) {
    auto it = obj.find(key);
    if (it == obj.end()) fail(source, "missing field \"" + where + key + "\"");
    return *it;
}

inline bool needBool(const json& obj, const char* key, const std::string& where, const std::string& source) {
    const json& v = need(obj, key, where, source);
    if (!v.is_boolean()) fail(source, "field \"" + where + key + "\" must be true or false");
    return v.get<bool>();
}

} // namespace eqnet::jsonio
