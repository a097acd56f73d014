// Hardware profiles: the JSON format and every error of it (each naming the file and the
// field), the shipped presets, finding profiles by name, feasibility and membership.
#include "eqtest.h"
#include "layer_table.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "eqnet/profile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

using namespace eqnet;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using eqtest::layer;

std::vector<LayerInfo> layers() {
    return {layer("conv1", 100000, 144, 16, true), layer("conv2", 1000000, 4608, 32, false),
            layer("conv3", 2000000, 9216, 32, false), layer("fc", 1000, 640, 10, true)};
}

json sampleJson() {
    return json::parse(R"({
      "schema": "eqnet.profile", "version": 1, "name": "npu-w4",
      "description": "test NPU",
      "weight_bits": [8, 4], "activation_bits": [8],
      "form": {"granularity": "per-channel", "weight_symmetric": true, "activation_symmetric": false},
      "budget": {"bitops": 5e8, "size_bytes": 4096}
    })");
}

HardwareProfile parse(const json& j) { return profileFromJson(j.dump(), "p.json"); }

// Sets an environment variable for the scope of one test and restores it afterwards.
class EnvVar {
public:
    EnvVar(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) setenv(name, value->c_str(), 1);
        else unsetenv(name);
    }
    ~EnvVar() {
        if (old_) setenv(name_, old_->c_str(), 1);
        else unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

std::string presetsDir() {
    if (!shippedProfileDir().empty()) return shippedProfileDir();
    // A build without the compile definition: the presets beside the sources.
    return (fs::path(__FILE__).parent_path() / ".." / ".." / "resources" / "profiles").lexically_normal().string();
}

HardwareProfile simple(const std::string& name) {
    HardwareProfile p;
    p.name = name;
    p.description = "about " + name;
    p.weightBits = {4, 8};
    p.actBits = {8};
    return p;
}

} // namespace

EQ_TEST(reads_every_field) {
    const HardwareProfile p = parse(sampleJson());
    EQ_COMPARE(p.name, std::string("npu-w4"));
    EQ_COMPARE(p.description, std::string("test NPU"));
    EQ_COMPARE(p.weightBits, (std::vector<int>{4, 8})); // sorted
    EQ_COMPARE(p.actBits, (std::vector<int>{8}));
    EQ_COMPARE(formName(p.form), std::string("pc-sym-asym"));
    EQ_COMPARE(*p.bitopsBudget, 5e8);
    EQ_COMPARE(*p.sizeBudgetBits, 4096.0 * 8);
    EQ_COMPARE(p.source, std::string("p.json"));
    // Optional parts: no description, no budget, budgets null, size in bits, form by name.
    json j = sampleJson();
    j.erase("description");
    j.erase("budget");
    const HardwareProfile q = parse(j);
    EQ_VERIFY(q.description.empty() && !q.bitopsBudget && !q.sizeBudgetBits);
    j["budget"] = {{"bitops", nullptr}, {"size_bits", 1000}};
    j["form"] = "pt-asym-sym";
    const HardwareProfile r = parse(j);
    EQ_VERIFY(!r.bitopsBudget);
    EQ_COMPARE(*r.sizeBudgetBits, 1000.0);
    EQ_COMPARE(formName(r.form), std::string("pt-asym-sym"));
    j["budget"] = nullptr;
    EQ_VERIFY(!parse(j).sizeBudgetBits);
}

EQ_TEST(round_trip_and_atomic_file) {
    HardwareProfile p = parse(sampleJson());
    for (const QuantForm& f : allForms()) {
        p.form = f;
        const HardwareProfile q = profileFromJson(profileToJson(p), "x");
        EQ_COMPARE(q.name, p.name);
        EQ_COMPARE(q.description, p.description);
        EQ_COMPARE(q.weightBits, p.weightBits);
        EQ_COMPARE(q.actBits, p.actBits);
        EQ_VERIFY(q.form == p.form);
        EQ_COMPARE(*q.bitopsBudget, *p.bitopsBudget);
        EQ_COMPARE(*q.sizeBudgetBits, *p.sizeBudgetBits);
    }
    const json j = json::parse(profileToJson(p));
    EQ_COMPARE(j["budget"]["size_bytes"].get<int64_t>(), int64_t(4096)); // whole bytes, no fraction
    p.sizeBudgetBits = 1001; // not whole bytes: stays in bits
    EQ_COMPARE(json::parse(profileToJson(p))["budget"]["size_bits"].get<int64_t>(), int64_t(1001));
    p.bitopsBudget.reset();
    p.sizeBudgetBits.reset();
    EQ_VERIFY(json::parse(profileToJson(p))["budget"]["bitops"].is_null());

    const std::string dir = eqtest::scratchDir();
    const std::string path = dir + "/sub/mine.json";
    writeProfileFile(path, p);
    EQ_VERIFY(!fs::exists(path + ".part"));
    const HardwareProfile back = readProfileFile(path);
    EQ_COMPARE(back.name, p.name);
    EQ_COMPARE(back.source, path);
    EQ_THROWS(readProfileFile(dir + "/missing.json"), Error, "missing.json");
    HardwareProfile bad = p;
    bad.weightBits = {4, 9};
    EQ_THROWS(writeProfileFile(dir + "/bad.json", bad), Error, "weight_bits[1]");
    EQ_VERIFY(!fs::exists(dir + "/bad.json"));
}

EQ_TEST(errors_name_the_file_and_the_field) {
    struct Case { std::string what; std::function<void(json&)> edit; std::string fragment; };
    const std::vector<Case> cases = {
        {"schema", [](json& j) { j["schema"] = "eqnet.subnet"; }, "p.json: field \"schema\" must be \"eqnet.profile\""},
        {"no schema", [](json& j) { j.erase("schema"); }, "missing field \"schema\""},
        {"version", [](json& j) { j["version"] = 2; }, "field \"version\" = 2 is not supported"},
        {"version type", [](json& j) { j["version"] = "1"; }, "\"version\""},
        {"no name", [](json& j) { j.erase("name"); }, "missing field \"name\""},
        {"name type", [](json& j) { j["name"] = 5; }, "field \"name\" = 5"},
        {"name chars", [](json& j) { j["name"] = "my npu/2"; }, "letters, digits"},
        {"description type", [](json& j) { j["description"] = 1; }, "field \"description\" must be a string"},
        {"no weight bits", [](json& j) { j.erase("weight_bits"); }, "missing field \"weight_bits\""},
        {"weight bits type", [](json& j) { j["weight_bits"] = 8; }, "field \"weight_bits\" must be an array"},
        {"weight bits empty", [](json& j) { j["weight_bits"] = json::array(); }, "field \"weight_bits\" is empty"},
        {"weight bits high", [](json& j) { j["weight_bits"] = {4, 9}; }, "p.json: field \"weight_bits[1]\" = 9 is not a bit-width 2..8"},
        {"weight bits low", [](json& j) { j["weight_bits"] = {1}; }, "field \"weight_bits[0]\" = 1 is not a bit-width 2..8"},
        {"weight bits fraction", [](json& j) { j["weight_bits"] = {4.5}; }, "field \"weight_bits[0]\" = 4.5 is not a bit-width"},
        {"weight bits twice", [](json& j) { j["weight_bits"] = {4, 8, 4}; }, "field \"weight_bits[2]\" = 4 is listed twice"},
        {"no activation bits", [](json& j) { j.erase("activation_bits"); }, "missing field \"activation_bits\""},
        {"activation bits empty", [](json& j) { j["activation_bits"] = json::array(); }, "field \"activation_bits\" is empty"},
        {"activation bits high", [](json& j) { j["activation_bits"] = {8, 16}; }, "field \"activation_bits[1]\" = 16 is not a bit-width 2..8"},
        {"activation bits string", [](json& j) { j["activation_bits"] = {"8"}; }, "field \"activation_bits[0]\" = \"8\""},
        {"no form", [](json& j) { j.erase("form"); }, "missing field \"form\""},
        {"form type", [](json& j) { j["form"] = 3; }, "field \"form\" must be an object"},
        {"form name", [](json& j) { j["form"] = "pc-sym"; }, "field \"form\": unknown quantization form 'pc-sym'"},
        {"granularity", [](json& j) { j["form"]["granularity"] = "per-row"; }, "field \"form.granularity\" = \"per-row\"; allowed \"per-channel\", \"per-tensor\""},
        {"no granularity", [](json& j) { j["form"].erase("granularity"); }, "missing field \"form.granularity\""},
        {"weight symmetric", [](json& j) { j["form"]["weight_symmetric"] = "yes"; }, "field \"form.weight_symmetric\" must be true or false"},
        {"no activation symmetric", [](json& j) { j["form"].erase("activation_symmetric"); }, "missing field \"form.activation_symmetric\""},
        {"form unknown", [](json& j) { j["form"]["per_channel"] = true; }, "unknown field \"form.per_channel\""},
        {"budget type", [](json& j) { j["budget"] = 5; }, "field \"budget\" must be an object"},
        {"bitops negative", [](json& j) { j["budget"]["bitops"] = -1; }, "field \"budget.bitops\" = -1 must be a positive number, or null"},
        {"bitops zero", [](json& j) { j["budget"]["bitops"] = 0; }, "field \"budget.bitops\" = 0"},
        {"bitops text", [](json& j) { j["budget"]["bitops"] = "1G"; }, "field \"budget.bitops\" = \"1G\""},
        {"size both", [](json& j) { j["budget"]["size_bits"] = 100; }, "give one of them, not both"},
        {"size bytes negative", [](json& j) { j["budget"]["size_bytes"] = -5; }, "field \"budget.size_bytes\" = -5"},
        {"budget unknown", [](json& j) { j["budget"]["latency_ms"] = 3; }, "unknown field \"budget.latency_ms\""},
        {"unknown field", [](json& j) { j["weights"] = {8}; }, "unknown field \"weights\""},
        {"top level", [](json& j) { j = json::array(); }, "expected a JSON object"},
    };
    for (const Case& c : cases) {
        json j = sampleJson();
        c.edit(j);
        bool thrown = false;
        try {
            parse(j);
        } catch (const Error& e) {
            thrown = true;
            const std::string what = e.what();
            EQ_VERIFY2(what.rfind("p.json: ", 0) == 0, c.what + ": " + what);
            EQ_VERIFY2(what.find(c.fragment) != std::string::npos, c.what + ": \"" + what + "\" lacks \"" + c.fragment + "\"");
        }
        EQ_VERIFY2(thrown, c.what + ": no error");
    }
    EQ_THROWS(profileFromJson("{\"schema\": ", "bad.json"), Error, "bad.json: malformed JSON");
}

EQ_TEST(shipped_presets_are_valid) {
    const std::string dir = presetsDir();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".json") continue;
        const HardwareProfile p = readProfileFile(e.path().string());
        EQ_COMPARE(p.name, e.path().stem().string()); // looked up by file name
        EQ_VERIFY2(!p.description.empty(), p.name);
        EQ_VERIFY2(!p.bitopsBudget && !p.sizeBudgetBits, p.name + ": presets carry no model-specific budget");
        names.push_back(p.name);
    }
    for (const char* want : {"int8-pc-sym", "int4-int8-pc-asym", "flex-2to8-pt", "int8-pt-asym-cpu", "bitfusion-2-4-8"})
        EQ_VERIFY2(std::find(names.begin(), names.end(), want) != names.end(), want);
    const HardwareProfile q = readProfileFile(dir + "/int4-int8-pc-asym.json");
    EQ_COMPARE(q.weightBits, (std::vector<int>{4, 8}));
    EQ_COMPARE(formName(q.form), std::string("pc-sym-asym"));
    EQ_COMPARE(readProfileFile(dir + "/flex-2to8-pt.json").weightBits.size(), size_t(7));
}

EQ_TEST(search_dirs_follow_the_environment) {
    const std::string root = eqtest::scratchDir();
    {
        EnvVar a("EQNET_PROFILE_DIR", root + "/one:" + root + "/two");
        EnvVar b("XDG_CONFIG_HOME", root + "/xdg");
        const auto dirs = profileSearchDirs();
        EQ_VERIFY(dirs.size() >= 3);
        EQ_COMPARE(dirs[0], root + "/one");
        EQ_COMPARE(dirs[1], root + "/two");
        EQ_COMPARE(dirs[2], root + "/xdg/eqnet/profiles");
        EQ_COMPARE(userProfileDir(), root + "/xdg/eqnet/profiles");
        if (!shippedProfileDir().empty()) EQ_COMPARE(dirs.back(), shippedProfileDir());
    }
    {
        EnvVar a("EQNET_PROFILE_DIR", std::nullopt);
        EnvVar b("XDG_CONFIG_HOME", std::string("relative/ignored"));
        EnvVar c("HOME", root + "/home");
        EQ_COMPARE(profileSearchDirs().front(), root + "/home/.config/eqnet/profiles");
    }
}

EQ_TEST(find_and_list_profiles) {
    const std::string root = eqtest::scratchDir();
    EnvVar a("EQNET_PROFILE_DIR", root + "/first:" + root + "/second");
    EnvVar b("XDG_CONFIG_HOME", root + "/xdg");
    writeProfileFile(root + "/first/alpha.json", simple("alpha"));
    HardwareProfile shadowed = simple("alpha");
    shadowed.description = "shadowed";
    writeProfileFile(root + "/second/alpha.json", shadowed);
    writeProfileFile(root + "/xdg/eqnet/profiles/beta.json", simple("beta"));
    writeFileAtomic(root + "/second/broken.json", "{ not json");
    writeFileAtomic(root + "/second/notes.txt", "ignored");

    const std::vector<ProfileEntry> list = listProfiles();
    const auto entry = [&](const std::string& n) -> const ProfileEntry* {
        for (const ProfileEntry& e : list)
            if (e.name == n) return &e;
        return nullptr;
    };
    EQ_VERIFY(entry("alpha") && entry("beta") && entry("broken"));
    EQ_COMPARE(entry("alpha")->description, std::string("about alpha")); // the first folder wins
    EQ_COMPARE(entry("alpha")->path, root + "/first/alpha.json");
    EQ_VERIFY(!entry("alpha")->shipped);
    EQ_VERIFY(entry("broken")->error.find("malformed JSON") != std::string::npos);
    EQ_VERIFY(!entry("notes"));
    for (size_t i = 1; i < list.size(); ++i) EQ_VERIFY(list[i - 1].name < list[i].name);
    if (!shippedProfileDir().empty()) {
        EQ_VERIFY(entry("int8-pc-sym") && entry("int8-pc-sym")->shipped);
        EQ_COMPARE(findProfile("flex-2to8-pt").weightBits.size(), size_t(7));
    }

    EQ_COMPARE(findProfile("alpha").description, std::string("about alpha"));
    EQ_COMPARE(findProfile("beta").source, root + "/xdg/eqnet/profiles/beta.json");
    EQ_COMPARE(findProfile(root + "/second/alpha.json").description, std::string("shadowed")); // a path
    // The user's and the listed folders first in the list of names (sorted), presets after them.
    EQ_THROWS(findProfile("gamma"), Error, "no hardware profile named 'gamma'; available: alpha, beta, ");
    EQ_THROWS(findProfile("gamma"), Error, ", broken");
    EQ_THROWS(findProfile("gamma"), Error, root + "/first");
    EQ_THROWS(findProfile(root + "/nowhere.json"), Error, "nowhere.json: no such hardware profile file");
    EQ_THROWS(findProfile("broken"), Error, "broken.json: malformed JSON");
}

EQ_TEST(cheapest_subnet_and_feasibility) {
    const auto L = layers();
    HardwareProfile p = simple("npu");
    p.actBits = {4, 8};
    const SubnetConfig cheap = cheapestSubnet(p, L);
    EQ_COMPARE(cheap.layers.front(), (LayerBits{8, 8})); // first and last stay 8/8 (§1)
    EQ_COMPARE(cheap.layers[1], (LayerBits{4, 4}));
    EQ_COMPARE(cheap.layers[2], (LayerBits{4, 4}));
    EQ_COMPARE(cheap.layers.back(), (LayerBits{8, 8}));
    EQ_COMPARE(largestSubnet(p, L).layers[1], (LayerBits{8, 8}));
    const SubnetCost c = subnetCost(L, cheap);
    EQ_COMPARE(c.bitops, 100000.0 * 64 + 3000000.0 * 16 + 1000.0 * 64);

    checkFeasible(p, L); // no budget
    p.bitopsBudget = c.bitops;
    checkFeasible(p, L); // exactly the cheapest
    p.bitopsBudget = 1.2e6;
    EQ_THROWS(checkFeasible(p, L), Error,
              "profile npu: BitOps budget of 1.20 MBitOps is below the cheapest subnet this profile allows "
              "(54.5 MBitOps at W4A4; the first and last layer stay at W8A8)");
    p.source = "npu.json";
    EQ_THROWS(checkFeasible(p, L), Error, "npu.json: BitOps budget");
    p.bitopsBudget.reset();
    p.sizeBudgetBits = c.sizeBits - 8;
    EQ_THROWS(checkFeasible(p, L), Error, "size budget of");
    EQ_THROWS(checkFeasible(p, L), Error, "below the cheapest subnet this profile allows");
    p.sizeBudgetBits = c.sizeBits;
    checkFeasible(p, L);
    // Budgets so close that the rounded figures agree get the exact ones as well.
    p.sizeBudgetBits.reset();
    p.bitopsBudget = c.bitops - 1;
    EQ_THROWS(checkFeasible(p, L), Error, "(54463999)");
}

EQ_TEST(allows_names_the_violation) {
    const auto L = layers();
    HardwareProfile p = simple("npu");
    p.form = QuantForm{Granularity::PerChannel, true, false};
    SubnetConfig ok = cheapestSubnet(p, L);
    ok.layers[2] = {8, 8};
    EQ_VERIFY(allows(p, ok, L));
    SubnetConfig c = ok;
    c.form.actSymmetric = true;
    EQ_COMPARE(profileViolation(p, c, L), std::string("form pc-sym-sym is not the profile's pc-sym-asym"));
    c = ok;
    c.layers[1] = {5, 8};
    EQ_COMPARE(profileViolation(p, c, L), std::string("conv2: 5-bit weights are not among the profile's 4, 8"));
    c.layers[1] = {4, 4};
    EQ_COMPARE(profileViolation(p, c, L), std::string("conv2: 4-bit activations are not among the profile's 8"));
    c = ok;
    c.layers[0] = {4, 8};
    EQ_VERIFY(profileViolation(p, c, L).find("conv1 is the first or last layer") == 0);
    c = ok;
    c.layers.pop_back();
    EQ_VERIFY(!allows(p, c, L));
    p.bitopsBudget = subnetCost(L, ok).bitops - 1;
    EQ_VERIFY(profileViolation(p, ok, L).find("exceed the BitOps budget") != std::string::npos);
    p.bitopsBudget.reset();
    p.sizeBudgetBits = subnetCost(L, ok).sizeBits - 1;
    EQ_VERIFY(profileViolation(p, ok, L).find("exceeds the budget") != std::string::npos);
}

EQ_TEST(human_units) {
    EQ_COMPARE(formatBitops(950), std::string("950 BitOps"));
    EQ_COMPARE(formatBitops(1.2e6), std::string("1.20 MBitOps"));
    EQ_COMPARE(formatBitops(93970432), std::string("94.0 MBitOps"));
    EQ_COMPARE(formatBitops(3.4e11), std::string("340 GBitOps"));
    EQ_COMPARE(formatSizeBits(8 * 512), std::string("512 B"));
    EQ_COMPARE(formatSizeBits(8 * 1536), std::string("1.50 KiB"));
    EQ_COMPARE(formatSizeBits(8.0 * 11.7 * 1024 * 1024), std::string("11.7 MiB"));
}
