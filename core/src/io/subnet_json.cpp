#include "eqnet/subnet_json.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/files.h"

#include "io/json_fields.h"

#include <nlohmann/json.hpp>

#include <ctime>


namespace eqnet {

using nlohmann::json;

std::string subnetToJson(const SubnetConfig& cfg, const std::string& model,
                         const std::vector<LayerInfo>& layers, const SubnetProvenance* prov) {
    json j;
    j["schema"] = kSubnetSchema;
    j["version"] = kSubnetSchemaVersion;
    j["model"] = model;
    j["form"] = {{"granularity", cfg.form.granularity == Granularity::PerChannel ? "per-channel" : "per-tensor"},
                 {"weight_symmetric", cfg.form.weightSymmetric},
                 {"activation_symmetric", cfg.form.actSymmetric}};
    const bool known = cfg.layers.size() == layers.size();
    json ls = json::array();
    for (size_t i = 0; i < cfg.layers.size(); ++i) {
        json l = {{"name", i < layers.size() ? layers[i].name : ""},
                  {"w_bits", cfg.layers[i].w},
                  {"a_bits", cfg.layers[i].a}};
        if (known) {
            // One layer's share of §7's cost: the subnet cost of that layer alone.
            const SubnetCost c = subnetCost({layers[i]}, SubnetConfig{cfg.form, {cfg.layers[i]}});
            l["bitops"] = c.bitops;
            l["size_bits"] = c.sizeBits;
        }
        ls.push_back(l);
    }
    j["layers"] = ls;
    if (known) {
        const SubnetCost c = subnetCost(layers, cfg);
        j["cost"] = {{"bitops", c.bitops}, {"size_bits", c.sizeBits}};
    }
    if (prov) {
        json acc = json::object();
        if (prov->predicted >= 0) acc["predicted"] = prov->predicted;
        if (prov->validation >= 0) acc["validation"] = prov->validation;
        if (prov->test >= 0) acc["test"] = prov->test;
        if (!acc.empty()) j["accuracy"] = acc;
        json pv = json::object();
        auto put = [&](const char* k, const std::string& v) {
            if (!v.empty()) pv[k] = v;
        };
        put("run", prov->run);
        put("checkpoint", prov->checkpoint);
        put("checkpoint_id", prov->checkpointId);
        put("profile", prov->profile);
        put("profile_file", prov->profileFile);
        if (!prov->constraints.empty()) pv["constraints"] = json::parse(prov->constraints);
#ifdef EQNET_VERSION
        pv["eqnet_version"] = EQNET_VERSION;
#endif
        const std::time_t now = std::time(nullptr);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
        pv["created"] = when;
        j["provenance"] = pv;
    }
    return j.dump(2) + "\n";
}

namespace {

using jsonio::fail;
using jsonio::need;
using jsonio::needBool;

int needBits(const json& obj, const char* key, const std::string& where, const std::string& source) {
    const json& v = need(obj, key, where, source);
    if (!v.is_number_integer())
        fail(source, "field \"" + where + key + "\" must be an integer in " + std::to_string(kMinBits) +
                         ".." + std::to_string(kMaxBits));
    const int64_t b = v.get<int64_t>();
    if (b < kMinBits || b > kMaxBits)
        fail(source, "field \"" + where + key + "\" = " + std::to_string(b) + " is out of range; allowed " +
                         std::to_string(kMinBits) + ".." + std::to_string(kMaxBits));
    return int(b);
}

} // namespace

SubnetConfig subnetFromJson(const std::string& text, const std::string& model,
                            const std::vector<LayerInfo>& layers, const std::string& source) {
    const json j = jsonio::parseObject(text, source);
    const json& schema = need(j, "schema", "", source);
    if (!schema.is_string() || schema.get<std::string>() != kSubnetSchema)
        fail(source, std::string("field \"schema\" must be \"") + kSubnetSchema + "\"");
    const json& version = need(j, "version", "", source);
    if (!version.is_number_integer() || version.get<int64_t>() < 1 ||
        version.get<int64_t>() > kSubnetSchemaVersion)
        fail(source, "field \"version\" = " + version.dump() + " is not supported; this build reads version " +
                         std::to_string(kSubnetSchemaVersion));
    const json& m = need(j, "model", "", source);
    if (!m.is_string()) fail(source, "field \"model\" must be a string");
    if (m.get<std::string>() != model)
        fail(source, "field \"model\" = \"" + m.get<std::string>() + "\" but the supernet is \"" + model + "\"");

    SubnetConfig cfg;
    const json& form = need(j, "form", "", source);
    if (!form.is_object()) fail(source, "field \"form\" must be an object");
    const json& gran = need(form, "granularity", "form.", source);
    const std::string g = gran.is_string() ? gran.get<std::string>() : gran.dump();
    if (g == "per-channel") cfg.form.granularity = Granularity::PerChannel;
    else if (g == "per-tensor") cfg.form.granularity = Granularity::PerTensor;
    else fail(source, "field \"form.granularity\" = " + gran.dump() + "; allowed \"per-channel\", \"per-tensor\"");
    cfg.form.weightSymmetric = needBool(form, "weight_symmetric", "form.", source);
    cfg.form.actSymmetric = needBool(form, "activation_symmetric", "form.", source);

    const json& ls = need(j, "layers", "", source);
    if (!ls.is_array()) fail(source, "field \"layers\" must be an array");
    if (ls.size() != layers.size())
        fail(source, "field \"layers\" has " + std::to_string(ls.size()) + " entries; model " + model +
                         " has " + std::to_string(layers.size()) + " quantized layers");
    for (size_t i = 0; i < ls.size(); ++i) {
        const std::string where = "layers[" + std::to_string(i) + "].";
        if (!ls[i].is_object()) fail(source, "field \"layers[" + std::to_string(i) + "]\" must be an object");
        if (auto it = ls[i].find("name"); it != ls[i].end()) {
            if (!it->is_string() || it->get<std::string>() != layers[i].name)
                fail(source, "field \"" + where + "name\" = " + it->dump() + "; expected \"" + layers[i].name + "\"");
        }
        LayerBits b{needBits(ls[i], "w_bits", where, source), needBits(ls[i], "a_bits", where, source)};
        if (layers[i].fixedBits && (b.w != kFixedLayerBits || b.a != kFixedLayerBits))
            fail(source, "fields \"" + where + "w_bits\"/\"a_bits\" of " + layers[i].name +
                             " must be 8: the first and the last layer are fixed at 8 bits");
        cfg.layers.push_back(b);
    }
    return cfg;
}

SubnetConfig readSubnetFile(const std::string& path, const std::string& model,
                            const std::vector<LayerInfo>& layers) {
    return subnetFromJson(readTextFile(path, kMaxSettingsFileBytes), model, layers, path);
}

void writeSubnetFile(const std::string& path, const SubnetConfig& cfg, const std::string& model,
                     const std::vector<LayerInfo>& layers, const SubnetProvenance* provenance) {
    writeFileAtomic(path, subnetToJson(cfg, model, layers, provenance));
}

SubnetProvenance subnetProvenanceFromJson(const std::string& text, const std::string& source) {
    SubnetProvenance p;
    const json j = jsonio::parseObject(text, source);
    auto str = [&](const json& o, const char* k, const std::string& where) {
        auto it = o.find(k);
        if (it == o.end()) return std::string();
        if (!it->is_string()) fail(source, "field \"" + where + k + "\" must be a string");
        return it->get<std::string>();
    };
    auto num = [&](const json& o, const char* k, const std::string& where) {
        auto it = o.find(k);
        if (it == o.end()) return -1.0;
        if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
            fail(source, "field \"" + where + k + "\" must be an accuracy between 0 and 1");
        return it->get<double>();
    };
    if (auto it = j.find("accuracy"); it != j.end()) {
        if (!it->is_object()) fail(source, "field \"accuracy\" must be an object");
        p.predicted = num(*it, "predicted", "accuracy.");
        p.validation = num(*it, "validation", "accuracy.");
        p.test = num(*it, "test", "accuracy.");
    }
    if (auto it = j.find("provenance"); it != j.end()) {
        if (!it->is_object()) fail(source, "field \"provenance\" must be an object");
        p.run = str(*it, "run", "provenance.");
        p.checkpoint = str(*it, "checkpoint", "provenance.");
        p.checkpointId = str(*it, "checkpoint_id", "provenance.");
        p.profile = str(*it, "profile", "provenance.");
        p.profileFile = str(*it, "profile_file", "provenance.");
        if (auto c = it->find("constraints"); c != it->end()) {
            if (!c->is_object()) fail(source, "field \"provenance.constraints\" must be an object");
            p.constraints = c->dump(2);
        }
    }
    return p;
}

} // namespace eqnet
