#include "front_merge.h"

#include <algorithm>

namespace eqnet {
namespace ui {

SubnetChoice choiceFromCandidate(const SearchCandidate& c, const ChoiceProfile& profile) {
    SubnetChoice s;
    s.config = c.config;
    s.cost = c.cost;
    s.predicted = c.predicted;
    s.profile = profile;
    return s;
}

SubnetChoice choiceFromPoint(const FrontPoint& p, const ChoiceProfile& profile) {
    SubnetChoice s;
    s.config = p.config;
    s.cost = p.cost;
    s.predicted = p.predicted;
    s.validation = p.validation;
    s.test = p.test;
    s.profile = profile;
    s.label = QString::fromStdString(p.label);
    return s;
}

void mergeMeasuredBaselines(std::vector<SubnetChoice>& baselines, const std::vector<FrontPoint>& measured) {
    for (SubnetChoice& b : baselines) {
        if (b.validation) continue;
        const auto it = std::find_if(measured.begin(), measured.end(), [&b](const FrontPoint& p) {
            return p.validation && p.config == b.config;
        });
        if (it == measured.end()) continue;
        b.validation = it->validation;
        b.test = it->test;
    }
}

MergedFront mergeFronts(const std::vector<SearchCandidate>& front, const std::vector<SearchCandidate>& uniform,
                        const std::vector<QString>& uniformLabels, const FrontFile* stored,
                        const ChoiceProfile& profile) {
    MergedFront m;
    for (const SearchCandidate& c : front) m.front.push_back(choiceFromCandidate(c, profile));
    for (size_t i = 0; i < uniform.size(); ++i) {
        m.baselines.push_back(choiceFromCandidate(uniform[i], profile));
        if (i < uniformLabels.size()) m.baselines.back().label = uniformLabels[i];
    }
    if (!stored) return m;
    const auto sameConfig = [](const SubnetConfig& cfg) {
        return [&cfg](const SubnetChoice& s) { return s.config == cfg; };
    };
    for (const FrontPoint& p : stored->points) {
        if (!p.validation) continue;
        auto it = std::find_if(m.front.begin(), m.front.end(), sameConfig(p.config));
        if (it != m.front.end()) {
            it->validation = p.validation;
            it->test = p.test;
        } else {
            m.stored.push_back(choiceFromPoint(p, profile));
        }
    }
    for (const FrontPoint& p : stored->uniform) {
        auto it = std::find_if(m.baselines.begin(), m.baselines.end(), sameConfig(p.config));
        if (it != m.baselines.end()) {
            if (p.validation) {
                it->validation = p.validation;
                it->test = p.test;
            }
        } else {
            m.baselines.push_back(choiceFromPoint(p, profile));
        }
    }
    return m;
}

} // namespace ui
} // namespace eqnet
