#pragma once
// What the Pareto tab shows, as data (no widget): the front searched now for a profile (CQAP
// predictions), its uniform baselines, and the measurements of the stored front of the same
// profile (search/<profile>/front.json) merged in. A measured stored point that is no longer
// on the searched front is kept apart (`stored`), and a stored baseline the search did not
// list is added to the baselines.
#include "subnet_choice.h"

#include "eqnet/front.h"
#include "eqnet/search.h"

#include <QString>

#include <vector>

namespace eqnet {
namespace ui {

struct MergedFront {
    std::vector<SubnetChoice> front;     // the searched front, measurements merged in
    std::vector<SubnetChoice> baselines; // the uniform baselines, measurements merged in
    std::vector<SubnetChoice> stored;    // measured stored points off the searched front
};

// A searched subnet or baseline as a choice of the profile.
SubnetChoice choiceFromCandidate(const SearchCandidate& c, const ChoiceProfile& profile);
// A point of a stored front, with its measurements.
SubnetChoice choiceFromPoint(const FrontPoint& p, const ChoiceProfile& profile);

// Measurements of the same subnets made for other fronts of the run (a uniform subnet measures
// the same whatever profile listed it): each baseline without a measurement takes the first
// measured point of `measured` with its configuration. Nothing is added.
void mergeMeasuredBaselines(std::vector<SubnetChoice>& baselines, const std::vector<FrontPoint>& measured);

// `uniformLabels[i]` names `uniform[i]`; `stored` may be null (no stored front).
MergedFront mergeFronts(const std::vector<SearchCandidate>& front, const std::vector<SearchCandidate>& uniform,
                        const std::vector<QString>& uniformLabels, const FrontFile* stored,
                        const ChoiceProfile& profile);

} // namespace ui
} // namespace eqnet
