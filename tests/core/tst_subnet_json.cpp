// Subnet configuration JSON: round trip and every schema error, each naming its field.
#include "eqtest.h"

#include "eqnet/error.h"
#include "eqnet/subnet_json.h"
#include "eqnet/supernet.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace eqnet;
using nlohmann::json;

namespace {

const Supernet& net() {
    static Supernet n(defaultModelSpec("fmnist-cnn"));
    return n;
}

SubnetConfig sample() {
    SubnetConfig c = net().uniform(8, 8, QuantForm{Granularity::PerTensor, false, true});
    c.layers[1] = {3, 5};
    c.layers[2] = {2, 2};
    c.layers[4] = {7, 4};
    return c;
}

json sampleJson() { return json::parse(subnetToJson(sample(), "fmnist-cnn", net().layers())); }

SubnetConfig parse(const json& j) { return subnetFromJson(j.dump(), "fmnist-cnn", net().layers(), "cfg.json"); }

} // namespace

EQ_TEST(round_trip_reproduces_the_subnet) {
    for (const QuantForm& f : allForms()) {
        SubnetConfig c = sample();
        c.form = f;
        const std::string text = subnetToJson(c, "fmnist-cnn", net().layers());
        EQ_VERIFY2(subnetFromJson(text, "fmnist-cnn", net().layers(), "x") == c, formName(f));
    }
    const json j = sampleJson();
    EQ_COMPARE(j["schema"].get<std::string>(), std::string("eqnet.subnet"));
    EQ_COMPARE(j["version"].get<int>(), 1);
    EQ_COMPARE(j["layers"][2]["name"].get<std::string>(), std::string("conv3"));
    EQ_COMPARE(j["form"]["granularity"].get<std::string>(), std::string("per-tensor"));
    EQ_VERIFY(j["cost"]["bitops"].get<double>() > 0);
}

EQ_TEST(file_round_trip_is_atomic) {
    const std::string dir = eqtest::scratchDir();
    const std::string path = dir + "/sub/net.json";
    writeSubnetFile(path, sample(), "fmnist-cnn", net().layers());
    EQ_VERIFY(readSubnetFile(path, "fmnist-cnn", net().layers()) == sample());
    EQ_VERIFY(!std::filesystem::exists(path + ".part"));
    EQ_THROWS(readSubnetFile(dir + "/missing.json", "fmnist-cnn", net().layers()), Error, "missing.json");
}

EQ_TEST(schema_errors_name_the_field) {
    struct Case { std::string what; std::function<void(json&)> edit; std::string fragment; };
    const std::vector<Case> cases = {
        {"schema", [](json& j) { j["schema"] = "other"; }, "\"schema\""},
        {"version", [](json& j) { j["version"] = 2; }, "\"version\""},
        {"version type", [](json& j) { j["version"] = "1"; }, "\"version\""},
        {"no model", [](json& j) { j.erase("model"); }, "missing field \"model\""},
        {"other model", [](json& j) { j["model"] = "resnet18"; }, "resnet18"},
        {"no form", [](json& j) { j.erase("form"); }, "missing field \"form\""},
        {"granularity", [](json& j) { j["form"]["granularity"] = "per-row"; }, "form.granularity"},
        {"granularity allowed", [](json& j) { j["form"]["granularity"] = 3; }, "\"per-channel\", \"per-tensor\""},
        {"weight symmetric", [](json& j) { j["form"]["weight_symmetric"] = "yes"; }, "form.weight_symmetric"},
        {"act symmetric", [](json& j) { j["form"].erase("activation_symmetric"); }, "form.activation_symmetric"},
        {"layers type", [](json& j) { j["layers"] = 5; }, "\"layers\" must be an array"},
        {"layer count", [](json& j) { j["layers"].erase(3); }, "has 5 entries; model fmnist-cnn has 6"},
        {"w bits high", [](json& j) { j["layers"][2]["w_bits"] = 9; }, "layers[2].w_bits\" = 9 is out of range; allowed 2..8"},
        {"a bits low", [](json& j) { j["layers"][3]["a_bits"] = 1; }, "layers[3].a_bits\" = 1"},
        {"bits type", [](json& j) { j["layers"][1]["w_bits"] = 4.5; }, "layers[1].w_bits\" must be an integer"},
        {"bits missing", [](json& j) { j["layers"][1].erase("a_bits"); }, "missing field \"layers[1].a_bits\""},
        {"fixed first", [](json& j) { j["layers"][0]["w_bits"] = 4; }, "first and the last layer are fixed"},
        {"fixed last", [](json& j) { j["layers"][5]["a_bits"] = 6; }, "layers[5].w_bits"},
        {"layer name", [](json& j) { j["layers"][4]["name"] = "conv9"; }, "expected \"conv5\""},
        {"layer type", [](json& j) { j["layers"][4] = 8; }, "\"layers[4]\" must be an object"},
    };
    for (const Case& c : cases) {
        json j = sampleJson();
        c.edit(j);
        bool threw = false;
        try {
            parse(j);
        } catch (const Error& e) {
            threw = true;
            const std::string msg = e.what();
            EQ_VERIFY2(msg.find(c.fragment) != std::string::npos, c.what + ": " + msg);
            EQ_VERIFY2(msg.rfind("cfg.json: ", 0) == 0, c.what + ": names the file: " + msg);
        }
        EQ_VERIFY2(threw, c.what + " was accepted");
    }
}

EQ_TEST(malformed_json) {
    EQ_THROWS(subnetFromJson("{\"schema\": ", "fmnist-cnn", net().layers(), "bad.json"), Error,
              "bad.json: malformed JSON");
    EQ_THROWS(subnetFromJson("[1,2]", "fmnist-cnn", net().layers(), "arr.json"), Error, "JSON object");
}

EQ_TEST(uniform_bits_and_form_names) {
    EQ_VERIFY(parseUniformBits("w4a4") == (LayerBits{4, 4}));
    EQ_VERIFY(parseUniformBits("W8A2") == (LayerBits{8, 2}));
    EQ_THROWS(parseUniformBits("W9A4"), Error, "W9A4");
    EQ_THROWS(parseUniformBits("4/4"), Error, "WnAm");
    for (const QuantForm& f : allForms()) {
        EQ_VERIFY(parseForm(formName(f)) == f);
        EQ_COMPARE(allForms()[size_t(formIndex(f))], f);
    }
    EQ_THROWS(parseForm("pc-sym"), Error, "allowed: pc-sym-sym");
}

EQ_TEST(provenance_records_the_constraints_searched_under) {
    SubnetProvenance p;
    p.profile = "int8-pc-sym (modified)";
    p.constraints = R"({"name": "int8-pc-sym", "budget_mbitops": 12.5, "weight_bits": [2, 4]})";
    const std::string text = subnetToJson(sample(), "fmnist-cnn", net().layers(), &p);
    const json j = json::parse(text);
    EQ_VERIFY(j["provenance"]["constraints"].is_object()); // an object in the file, not a string
    EQ_COMPARE(j["provenance"]["constraints"]["budget_mbitops"].get<double>(), 12.5);
    EQ_VERIFY(!j["provenance"].contains("profile_file")); // edited, unsaved: no file
    const SubnetProvenance back = subnetProvenanceFromJson(text, "s.json");
    EQ_COMPARE(back.profile, p.profile);
    EQ_COMPARE(json::parse(back.constraints), json::parse(p.constraints));
    // Without constraints nothing is written; a wrong type is an error naming the field.
    const SubnetProvenance none;
    EQ_VERIFY(!json::parse(subnetToJson(sample(), "fmnist-cnn", net().layers(), &none)).at("provenance").contains("constraints"));
    json bad = j;
    bad["provenance"]["constraints"] = "int8";
    EQ_THROWS(subnetProvenanceFromJson(bad.dump(), "s.json"), Error, "provenance.constraints");
}
