#include "eqnet/profile.h"

#include "eqnet/error.h"
#include "eqnet/files.h"

#include "io/json_fields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace eqnet {

using nlohmann::json;
namespace fs = std::filesystem;

// ---- JSON ---------------------------------------------------------------------------------

namespace {

using jsonio::fail;
using jsonio::need;
using jsonio::needBool;

void rejectUnknown(const json& obj, const std::set<std::string>& known, const std::string& where,
                   const std::string& source) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (known.count(it.key())) continue;
        std::string allowed;
        for (const std::string& k : known) allowed += (allowed.empty() ? "\"" : ", \"") + where + k + "\"";
        fail(source, "unknown field \"" + where + it.key() + "\"; allowed: " + allowed);
    }
}

// Whole numbers are written without a fraction ("1024", not "1024.0").
json number(double v) {
    if (v == std::floor(v) && std::abs(v) < 9.0e15) return json(int64_t(v));
    return json(v);
}

std::string rangeText() { return std::to_string(kMinBits) + ".." + std::to_string(kMaxBits); }

std::vector<int> needBitList(const json& obj, const char* key, const std::string& source) {
    const json& v = need(obj, key, "", source);
    const std::string field = key;
    if (!v.is_array())
        fail(source, "field \"" + field + "\" must be an array of bit-widths " + rangeText() + ", e.g. [4, 8]");
    if (v.empty()) fail(source, "field \"" + field + "\" is empty: the hardware must run at least one bit-width");
    std::vector<int> bits;
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string at = field + "[" + std::to_string(i) + "]";
        if (!v[i].is_number_integer())
            fail(source, "field \"" + at + "\" = " + v[i].dump() + " is not a bit-width " + rangeText());
        const int64_t b = v[i].get<int64_t>();
        if (b < kMinBits || b > kMaxBits)
            fail(source, "field \"" + at + "\" = " + std::to_string(b) + " is not a bit-width " + rangeText());
        if (std::find(bits.begin(), bits.end(), int(b)) != bits.end())
            fail(source, "field \"" + at + "\" = " + std::to_string(b) + " is listed twice");
        bits.push_back(int(b));
    }
    std::sort(bits.begin(), bits.end());
    return bits;
}

std::optional<double> optionalBudget(const json& budget, const char* key, const std::string& source) {
    auto it = budget.find(key);
    if (it == budget.end() || it->is_null()) return std::nullopt;
    if (!it->is_number() || !(it->get<double>() > 0) || !std::isfinite(it->get<double>()))
        fail(source, std::string("field \"budget.") + key + "\" = " + it->dump() +
                         " must be a positive number, or null for no budget");
    return it->get<double>();
}

QuantForm readForm(const json& form, const std::string& source) {
    if (form.is_string()) {
        try {
            return parseForm(form.get<std::string>());
        } catch (const Error& e) {
            fail(source, std::string("field \"form\": ") + e.what());
        }
    }
    if (!form.is_object())
        fail(source, "field \"form\" must be an object {\"granularity\", \"weight_symmetric\", "
                     "\"activation_symmetric\"} or a form name such as \"pc-sym-asym\"");
    rejectUnknown(form, {"granularity", "weight_symmetric", "activation_symmetric"}, "form.", source);
    QuantForm f;
    const json& gran = need(form, "granularity", "form.", source);
    const std::string g = gran.is_string() ? gran.get<std::string>() : gran.dump();
    if (g == "per-channel") f.granularity = Granularity::PerChannel;
    else if (g == "per-tensor") f.granularity = Granularity::PerTensor;
    else fail(source, "field \"form.granularity\" = " + gran.dump() + "; allowed \"per-channel\", \"per-tensor\"");
    f.weightSymmetric = needBool(form, "weight_symmetric", "form.", source);
    f.actSymmetric = needBool(form, "activation_symmetric", "form.", source);
    return f;
}

bool validName(const std::string& n) {
    if (n.empty() || n.size() > 64 || n[0] == '.' || n[0] == '-') return false;
    for (char c : n)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

std::string bitList(const std::vector<int>& bits) {
    std::string s;
    for (int b : bits) s += (s.empty() ? "" : ", ") + std::to_string(b);
    return s;
}

std::string who(const HardwareProfile& p) {
    return p.source.empty() ? "profile " + (p.name.empty() ? std::string("(unnamed)") : p.name) : p.source;
}

} // namespace

HardwareProfile profileFromJson(const std::string& text, const std::string& source) {
    const json j = jsonio::parseObject(text, source);
    rejectUnknown(j, {"schema", "version", "name", "description", "weight_bits", "activation_bits", "form", "budget"},
                  "", source);
    const json& schema = need(j, "schema", "", source);
    if (!schema.is_string() || schema.get<std::string>() != kProfileSchema)
        fail(source, std::string("field \"schema\" must be \"") + kProfileSchema + "\" (is this a hardware profile?)");
    const json& version = need(j, "version", "", source);
    if (!version.is_number_integer() || version.get<int64_t>() < 1 || version.get<int64_t>() > kProfileSchemaVersion)
        fail(source, "field \"version\" = " + version.dump() + " is not supported; this build reads version " +
                         std::to_string(kProfileSchemaVersion));

    HardwareProfile p;
    p.source = source;
    const json& name = need(j, "name", "", source);
    if (!name.is_string() || !validName(name.get<std::string>()))
        fail(source, "field \"name\" = " + name.dump() +
                         " must be a non-empty string of letters, digits, '-', '_' and '.' (at most 64)");
    p.name = name.get<std::string>();
    if (auto it = j.find("description"); it != j.end() && !it->is_null()) {
        if (!it->is_string()) fail(source, "field \"description\" must be a string");
        p.description = it->get<std::string>();
    }
    p.weightBits = needBitList(j, "weight_bits", source);
    p.actBits = needBitList(j, "activation_bits", source);
    p.form = readForm(need(j, "form", "", source), source);

    if (auto it = j.find("budget"); it != j.end() && !it->is_null()) {
        const json& b = *it;
        if (!b.is_object())
            fail(source, "field \"budget\" must be an object {\"bitops\", \"size_bytes\" or \"size_bits\"} or null");
        rejectUnknown(b, {"bitops", "size_bits", "size_bytes"}, "budget.", source);
        p.bitopsBudget = optionalBudget(b, "bitops", source);
        const auto bits = optionalBudget(b, "size_bits", source);
        const auto bytes = optionalBudget(b, "size_bytes", source);
        if (bits && bytes) fail(source, "fields \"budget.size_bits\" and \"budget.size_bytes\": give one of them, not both");
        if (bits) p.sizeBudgetBits = *bits;
        if (bytes) p.sizeBudgetBits = *bytes * 8.0;
    }
    return p;
}

std::string profileToJson(const HardwareProfile& p) {
    json j;
    j["schema"] = kProfileSchema;
    j["version"] = kProfileSchemaVersion;
    j["name"] = p.name;
    j["description"] = p.description;
    j["weight_bits"] = p.weightBits;
    j["activation_bits"] = p.actBits;
    j["form"] = {{"granularity", p.form.granularity == Granularity::PerChannel ? "per-channel" : "per-tensor"},
                 {"weight_symmetric", p.form.weightSymmetric},
                 {"activation_symmetric", p.form.actSymmetric}};
    json b = json::object();
    b["bitops"] = p.bitopsBudget ? number(*p.bitopsBudget) : json(nullptr);
    // Whole bytes read better; a size that is not a whole number of bytes stays in bits.
    if (p.sizeBudgetBits && std::fmod(*p.sizeBudgetBits, 8.0) != 0.0) b["size_bits"] = number(*p.sizeBudgetBits);
    else b["size_bytes"] = p.sizeBudgetBits ? number(*p.sizeBudgetBits / 8.0) : json(nullptr);
    j["budget"] = b;
    return j.dump(2) + "\n";
}

void validateProfile(const HardwareProfile& p) {
    // The same checks as the reader: round trip through the JSON form, which names the field.
    profileFromJson(profileToJson(p), who(p));
}

HardwareProfile readProfileFile(const std::string& path) { return profileFromJson(readTextFile(path, kMaxSettingsFileBytes), path); }

void writeProfileFile(const std::string& path, const HardwareProfile& p) {
    validateProfile(p);
    writeFileAtomic(path, profileToJson(p));
}

// ---- Finding profiles ---------------------------------------------------------------------

std::string userProfileDir() {
    // XDG base directories: a relative XDG_CONFIG_HOME is invalid and ignored.
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && x[0] == '/')
        return (fs::path(x) / "eqnet" / "profiles").string();
    if (const char* h = std::getenv("HOME"); h && h[0])
        return (fs::path(h) / ".config" / "eqnet" / "profiles").string();
    return {};
}

std::string shippedProfileDir() {
    // An installed program reads the presets from <prefix>/share/eqnet/profiles beside its own
    // bin/ (whatever the prefix: the Debian package installs into /usr while a plain build's
    // install prefix is /usr/local), else from the configured install folder; a build run in
    // place (or whose install has no presets) from the source tree.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path beside = exe.parent_path().parent_path() / "share" / "eqnet" / "profiles";
        if (fs::is_directory(beside, ec)) return beside.string();
    }
#ifdef EQNET_INSTALLED_PROFILE_DIR
    if (fs::is_directory(EQNET_INSTALLED_PROFILE_DIR, ec)) return EQNET_INSTALLED_PROFILE_DIR;
#endif
#ifdef EQNET_SHIPPED_PROFILE_DIR
    return EQNET_SHIPPED_PROFILE_DIR;
#else
    return {};
#endif
}

std::vector<std::string> profileSearchDirs() {
    std::vector<std::string> dirs;
    const auto add = [&](const std::string& d) {
        if (d.empty()) return;
        const std::string norm = fs::path(d).lexically_normal().string();
        for (const std::string& e : dirs)
            if (fs::path(e).lexically_normal().string() == norm) return;
        dirs.push_back(d);
    };
    if (const char* env = std::getenv("EQNET_PROFILE_DIR")) {
        std::string s = env;
        size_t start = 0;
        while (start <= s.size()) {
            const size_t end = std::min(s.find(':', start), s.size());
            add(s.substr(start, end - start));
            start = end + 1;
        }
    }
    add(userProfileDir());
    add(shippedProfileDir());
    return dirs;
}

std::vector<ProfileEntry> listProfiles() {
    std::vector<ProfileEntry> out;
    std::set<std::string> seen;
    const std::string shipped = shippedProfileDir().empty()
                                    ? std::string()
                                    : fs::path(shippedProfileDir()).lexically_normal().string();
    for (const std::string& dir : profileSearchDirs()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".json" && fs::is_regular_file(it->path(), ec)) files.push_back(it->path());
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) {
            ProfileEntry e;
            e.name = f.stem().string();
            if (!seen.insert(e.name).second) continue;
            e.path = f.string();
            e.shipped = !shipped.empty() && fs::path(dir).lexically_normal().string() == shipped;
            try {
                e.description = readProfileFile(e.path).description;
            } catch (const Error& err) {
                e.error = err.what();
            }
            out.push_back(std::move(e));
        }
    }
    std::sort(out.begin(), out.end(), [](const ProfileEntry& a, const ProfileEntry& b) { return a.name < b.name; });
    return out;
}

HardwareProfile findProfile(const std::string& nameOrPath) {
    std::error_code ec;
    if (fs::is_regular_file(nameOrPath, ec)) return readProfileFile(nameOrPath);
    const bool looksLikePath = nameOrPath.find('/') != std::string::npos ||
                               (nameOrPath.size() > 5 && nameOrPath.compare(nameOrPath.size() - 5, 5, ".json") == 0);
    if (looksLikePath) throw Error(nameOrPath + ": no such hardware profile file");
    if (!nameOrPath.empty())
        for (const std::string& dir : profileSearchDirs()) {
            const fs::path f = fs::path(dir) / (nameOrPath + ".json");
            if (fs::is_regular_file(f, ec)) return readProfileFile(f.string());
        }
    std::string names;
    for (const ProfileEntry& e : listProfiles()) names += (names.empty() ? "" : ", ") + e.name;
    std::string dirs;
    for (const std::string& d : profileSearchDirs()) dirs += (dirs.empty() ? "" : ", ") + d;
    throw Error("no hardware profile named '" + nameOrPath + "'; available: " +
                (names.empty() ? std::string("none") : names) + " (searched " +
                (dirs.empty() ? std::string("no folder") : dirs) + "); or give the path of a .json file");
}

// ---- Using a profile ----------------------------------------------------------------------

namespace {

SubnetConfig atBits(const HardwareProfile& p, const std::vector<LayerInfo>& layers, int w, int a) {
    SubnetConfig cfg;
    cfg.form = p.form;
    cfg.layers.reserve(layers.size());
    for (const LayerInfo& l : layers)
        cfg.layers.push_back(l.fixedBits ? LayerBits{kFixedLayerBits, kFixedLayerBits} : LayerBits{w, a});
    return cfg;
}

void requireBits(const HardwareProfile& p) {
    if (p.weightBits.empty() || p.actBits.empty())
        throw Error(who(p) + ": the profile allows no " + (p.weightBits.empty() ? "weight" : "activation") +
                    " bit-width");
}

// Two quantities formatted alike get more digits, so a message never reads "94.0 is below 94.0".
std::pair<std::string, std::string> distinct(double a, double b, std::string (*fmt)(double), const char* unit) {
    std::pair<std::string, std::string> r{fmt(a), fmt(b)};
    if (r.first == r.second) {
        char x[80], y[80];
        std::snprintf(x, sizeof x, " (%.0f%s)", a, unit);
        std::snprintf(y, sizeof y, " (%.0f%s)", b, unit);
        r.first += x;
        r.second += y;
    }
    return r;
}

std::string withUnit(double v, const char* const* units, int n, double step, const char* suffix) {
    int u = 0;
    while (u + 1 < n && std::abs(v) >= step) {
        v /= step;
        ++u;
    }
    char buf[64];
    if (u == 0 && v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f %s%s", v, units[u], suffix);
    else if (std::abs(v) < 10) std::snprintf(buf, sizeof buf, "%.2f %s%s", v, units[u], suffix);
    else if (std::abs(v) < 100) std::snprintf(buf, sizeof buf, "%.1f %s%s", v, units[u], suffix);
    else std::snprintf(buf, sizeof buf, "%.0f %s%s", v, units[u], suffix);
    return buf;
}

} // namespace

std::string formatBitops(double bitops) {
    static const char* const units[] = {"", "K", "M", "G", "T", "P"};
    return withUnit(bitops, units, 6, 1000.0, "BitOps");
}

std::string formatSizeBits(double bits) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    return withUnit(bits / 8.0, units, 5, 1024.0, "");
}

SubnetConfig cheapestSubnet(const HardwareProfile& p, const std::vector<LayerInfo>& layers) {
    requireBits(p);
    return atBits(p, layers, p.weightBits.front(), p.actBits.front());
}

SubnetConfig largestSubnet(const HardwareProfile& p, const std::vector<LayerInfo>& layers) {
    requireBits(p);
    return atBits(p, layers, p.weightBits.back(), p.actBits.back());
}

void checkFeasible(const HardwareProfile& p, const std::vector<LayerInfo>& layers) {
    if (layers.empty()) throw Error(who(p) + ": the model has no quantized layers");
    const SubnetConfig cheap = cheapestSubnet(p, layers);
    const SubnetCost c = subnetCost(layers, cheap);
    const std::string at = "W" + std::to_string(p.weightBits.front()) + "A" + std::to_string(p.actBits.front()) +
                           "; the first and last layer stay at W8A8";
    if (p.bitopsBudget && c.bitops > *p.bitopsBudget) {
        const auto s = distinct(*p.bitopsBudget, c.bitops, &formatBitops, "");
        throw Error(who(p) + ": BitOps budget of " + s.first +
                    " is below the cheapest subnet this profile allows (" + s.second + " at " + at + ")");
    }
    if (p.sizeBudgetBits && c.sizeBits > *p.sizeBudgetBits) {
        const auto s = distinct(*p.sizeBudgetBits, c.sizeBits, &formatSizeBits, " bits");
        throw Error(who(p) + ": size budget of " + s.first + " is below the cheapest subnet this profile allows (" +
                    s.second + " at " + at + ")");
    }
}

std::string profileViolation(const HardwareProfile& p, const SubnetConfig& cfg, const std::vector<LayerInfo>& layers) {
    if (cfg.layers.size() != layers.size())
        return "the subnet has " + std::to_string(cfg.layers.size()) + " layers, the model " +
               std::to_string(layers.size());
    if (cfg.form != p.form)
        return "form " + formName(cfg.form) + " is not the profile's " + formName(p.form);
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerBits& b = cfg.layers[i];
        const std::string name = layers[i].name.empty() ? "layer " + std::to_string(i) : layers[i].name;
        if (layers[i].fixedBits) {
            if (b.w != kFixedLayerBits || b.a != kFixedLayerBits)
                return name + " is the first or last layer and must stay at W8A8";
            continue;
        }
        if (!std::binary_search(p.weightBits.begin(), p.weightBits.end(), b.w))
            return name + ": " + std::to_string(b.w) + "-bit weights are not among the profile's " +
                   bitList(p.weightBits);
        if (!std::binary_search(p.actBits.begin(), p.actBits.end(), b.a))
            return name + ": " + std::to_string(b.a) + "-bit activations are not among the profile's " +
                   bitList(p.actBits);
    }
    const SubnetCost c = subnetCost(layers, cfg);
    if (p.bitopsBudget && c.bitops > *p.bitopsBudget)
        return formatBitops(c.bitops) + " exceed the BitOps budget of " + formatBitops(*p.bitopsBudget);
    if (p.sizeBudgetBits && c.sizeBits > *p.sizeBudgetBits)
        return "size " + formatSizeBits(c.sizeBits) + " exceeds the budget of " + formatSizeBits(*p.sizeBudgetBits);
    return {};
}

} // namespace eqnet
