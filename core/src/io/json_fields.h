#pragma once
// Reading the project's JSON files with errors that name the file and the field (DEVELOPERS.md):
// shared by the subnet, profile and run-folder readers.
#include "eqnet/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace eqnet::jsonio {

using nlohmann::json;

[[noreturn]] inline void fail(const std::string& source, const std::string& what) {
    throw Error(source + ": " + what);
}

// No file of the project nests deeper than a few levels; hostile input nested 10^5 deep would
// recurse through every later walk of the tree (dump, comparison) and overflow the stack.
constexpr int kMaxJsonDepth = 64;

namespace detail {
struct TooDeep {};
inline json parseLimited(const std::string& text) {
    return json::parse(text, [](int depth, json::parse_event_t, json&) {
        if (depth > kMaxJsonDepth) throw TooDeep{};
        return true;
    });
}
} // namespace detail

// Every JSON document the engine reads from outside goes through parseDocument (an error naming
// `source`) or, for one record of a .jsonl file, parseRecord (a discarded value, which the
// readers skip or count as damaged).
inline json parseDocument(const std::string& text, const std::string& source) {
    try {
        return detail::parseLimited(text);
    } catch (const json::exception& e) {
        fail(source, std::string("malformed JSON: ") + e.what());
    } catch (const detail::TooDeep&) {
        fail(source, "malformed JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
}
inline json parseRecord(const std::string& text) {
    try {
        return detail::parseLimited(text);
    } catch (const json::exception&) {
    } catch (const detail::TooDeep&) {
    }
    return json(json::value_t::discarded);
}

// Parses `text` as one JSON object; malformed text or another top-level value names `source`.
inline json parseObject(const std::string& text, const std::string& source) {
    json j = parseDocument(text, source);
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

// Every number, string and flag the readers take goes through these: the JSON type and, for
// integers, the range of the C++ type are checked (nlohmann's get<int>() would wrap 4294967300
// into 4 and a string would escape as an internal error). `tryAs` says whether `v` is a T;
// `as` throws eqnet::Error naming the field and the file otherwise.
template <typename T> bool tryAs(const json& v, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) return false;
        out = v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (v.is_number_unsigned()) {
            const uint64_t x = v.get<uint64_t>();
            if (x > uint64_t(std::numeric_limits<T>::max())) return false;
            out = T(x);
        } else if (v.is_number_integer()) {
            const int64_t x = v.get<int64_t>();
            if constexpr (std::is_signed_v<T>) {
                if (x < int64_t(std::numeric_limits<T>::min()) || x > int64_t(std::numeric_limits<T>::max())) return false;
            } else {
                if (x < 0 || uint64_t(x) > uint64_t(std::numeric_limits<T>::max())) return false;
            }
            out = T(x);
        } else {
            return false;
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) return false;
        const double x = v.get<double>();
        if (!std::isfinite(x)) return false;
        out = T(x);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) return false;
        out = v.get<std::string>();
    } else {
        static_assert(std::is_same_v<T, std::vector<typename T::value_type>>, "tryAs: a number, string, flag or a list of them");
        if (!v.is_array()) return false;
        T list;
        list.reserve(v.size());
        for (const json& e : v) {
            typename T::value_type x{};
            if (!tryAs(e, x)) return false;
            list.push_back(std::move(x));
        }
        out = std::move(list);
    }
    return true;
}

// What a field of type T holds: "an integer in -2147483648..2147483647", "a list of numbers"
// (plural: "integers in ...", for the elements of a list).
template <typename T> std::string typeWord(bool plural = false) {
    const auto noun = [plural](const char* one, const char* many) { return std::string(plural ? many : one); };
    if constexpr (std::is_same_v<T, bool>) {
        return noun("true or false", "flags (true or false)");
    } else if constexpr (std::is_integral_v<T>) {
        return noun(std::is_signed_v<T> ? "an integer" : "a non-negative integer",
                    std::is_signed_v<T> ? "integers" : "non-negative integers") +
               " in " + std::to_string(std::numeric_limits<T>::min()) + ".." +
               std::to_string(std::numeric_limits<T>::max());
    } else if constexpr (std::is_floating_point_v<T>) {
        return noun("a number", "numbers");
    } else if constexpr (std::is_same_v<T, std::string>) {
        return noun("a string", "strings");
    } else {
        return noun("a list of ", "lists of ") + typeWord<typename T::value_type>(true);
    }
}

// `field` is the full name shown ("search.population", "points[3].w_bits").
template <typename T> T as(const json& v, const std::string& field, const std::string& source) {
    T out{};
    if (!tryAs(v, out)) {
        std::string shown = v.dump();
        if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
        fail(source, "field \"" + field + "\" = " + shown + " must be " + typeWord<T>());
    }
    return out;
}

// obj[key] as T (checked), or an error naming the missing field.
template <typename T> T need(const json& obj, const char* key, const std::string& where, const std::string& source) {
    return as<T>(need(obj, key, where, source), where + key, source);
}

// obj[key] as T when present (checked: a present field of the wrong type is an error, not the
// default), else `dflt`.
template <typename T> T optional(const json& obj, const char* key, T dflt, const std::string& where, const std::string& source) {
    const auto it = obj.find(key);
    if (it == obj.end()) return dflt;
    return as<T>(*it, where + key, source);
}

} // namespace eqnet::jsonio
