#include "io/subnet_bits_json.h"

#include "io/json_fields.h"

#include <vector>

namespace eqnet::jsonio {

void putSubnetBits(nlohmann::json& j, const SubnetConfig& cfg) {
    std::vector<int> w, a;
    for (const auto& l : cfg.layers) {
        w.push_back(l.w);
        a.push_back(l.a);
    }
    j["form"] = formName(cfg.form);
    j["w_bits"] = w;
    j["a_bits"] = a;
}

SubnetConfig subnetBits(const nlohmann::json& j, size_t layers, const std::string& where, const std::string& source) {
    SubnetConfig cfg;
    try {
        cfg.form = parseForm(need<std::string>(j, "form", where + ".", source));
        const auto w = need<std::vector<int>>(j, "w_bits", where + ".", source);
        const auto a = need<std::vector<int>>(j, "a_bits", where + ".", source);
        if (w.size() != layers || a.size() != layers)
            fail(source, "field \"" + where + ".w_bits\" has " + std::to_string(w.size()) + " layers, \"" + where +
                 ".a_bits\" " + std::to_string(a.size()) + "; the model has " + std::to_string(layers));
        for (size_t i = 0; i < w.size(); ++i) {
            if (w[i] < kMinBits || w[i] > kMaxBits || a[i] < kMinBits || a[i] > kMaxBits)
                fail(source, "field \"" + where + "\": layer " + std::to_string(i) + " has bits outside " +
                     std::to_string(kMinBits) + ".." + std::to_string(kMaxBits));
            cfg.layers.push_back({w[i], a[i]});
        }
    } catch (const nlohmann::json::exception& e) {
        fail(source, "field \"" + where + "\": " + e.what());
    }
    return cfg;
}

} // namespace eqnet::jsonio
