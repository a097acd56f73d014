#include "dist/gradient_sync.h"

#include "dist/collectives.h"
#include "eqnet/error.h"

#include <map>

namespace eqnet::dist {

GradientSyncResult averageGradients(RankGroup& g, const std::vector<torch::Tensor>& params, bool stopRequested,
                                    std::vector<double>* values, int64_t bucketBytes) {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> grads;
    for (const auto& p : params)
        if (p.grad().defined()) grads.push_back(p.grad());
    // Buckets of consecutive gradients of one dtype and device, each at most bucketBytes (a
    // larger gradient is a bucket of its own).
    std::vector<std::vector<size_t>> buckets;
    int64_t filled = 0;
    for (size_t i = 0; i < grads.size(); ++i) {
        const int64_t bytes = grads[i].numel() * int64_t(grads[i].element_size());
        const bool fits = !buckets.empty() && filled + bytes <= bucketBytes &&
                          grads[buckets.back().front()].scalar_type() == grads[i].scalar_type() &&
                          grads[buckets.back().front()].device() == grads[i].device();
        if (!fits) {
            buckets.emplace_back();
            filled = 0;
        }
        buckets.back().push_back(i);
        filled += bytes;
    }
    std::vector<torch::Tensor> flat;
    for (const auto& b : buckets) {
        std::vector<torch::Tensor> parts;
        for (size_t i : b) parts.push_back(grads[i].reshape({-1}));
        flat.push_back(torch::cat(parts));
    }
    // The flags ride along: the stop wish, the number of gradients this rank holds, the values.
    const auto dev = grads.empty() ? torch::Device(torch::kCPU) : grads.front().device();
    std::vector<double> flags{stopRequested ? 1.0 : 0.0, double(grads.size())};
    if (values) flags.insert(flags.end(), values->begin(), values->end());
    flat.push_back(torch::tensor(flags, torch::TensorOptions().dtype(torch::kDouble)).to(dev));
    allReduceSum(g, flat);
    GradientSyncResult r;
    const auto summed = flat.back().cpu();
    r.stop = summed[0].item<double>() > 0;
    if (values)
        for (size_t i = 0; i < values->size(); ++i) (*values)[i] = summed[int64_t(2 + i)].item<double>() / g.size();
    if (int64_t(summed[1].item<double>()) != int64_t(grads.size()) * g.size())
        throw Error("rank " + std::to_string(g.rank()) + ": the ranks computed gradients for different parameters "
                    "(" + std::to_string(grads.size()) + " here, " + std::to_string(int64_t(summed[1].item<double>())) +
                    " over all " + std::to_string(g.size()) + " ranks); they no longer train the same subnets");
    const double inv = 1.0 / double(g.size());
    for (size_t k = 0; k < buckets.size(); ++k) {
        int64_t at = 0;
        for (size_t i : buckets[k]) {
            const int64_t n = grads[i].numel();
            grads[i].copy_(flat[k].narrow(0, at, n).view_as(grads[i])).mul_(inv);
            at += n;
        }
    }
    for (const auto& t : flat) r.bytes += t.numel() * int64_t(t.element_size());
    r.buckets = int(buckets.size());
    return r;
}

bool anyRank(RankGroup& g, bool mine) {
    std::vector<torch::Tensor> v{torch::tensor({mine ? 1.0 : 0.0}, torch::kDouble)};
    allReduceSum(g, v);
    return v[0].item<double>() > 0;
}

void broadcastModuleState(RankGroup& g, torch::nn::Module& module) {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> ts;
    for (auto& p : module.parameters()) ts.push_back(p.data());
    for (auto& b : module.buffers()) ts.push_back(b);
    // One flat tensor per dtype: a few operations instead of hundreds.
    std::map<std::pair<c10::ScalarType, std::string>, std::vector<torch::Tensor>> groups;
    for (auto& t : ts) groups[{t.scalar_type(), t.device().str()}].push_back(t);
    std::vector<torch::Tensor> flat;
    std::vector<std::vector<torch::Tensor>*> members;
    for (auto& [key, list] : groups) {
        std::vector<torch::Tensor> parts;
        for (auto& t : list) parts.push_back(t.reshape({-1}));
        flat.push_back(torch::cat(parts));
        members.push_back(&list);
    }
    broadcastFromRankZero(g, flat);
    for (size_t k = 0; k < flat.size(); ++k) {
        int64_t at = 0;
        for (auto& t : *members[k]) {
            t.copy_(flat[k].narrow(0, at, t.numel()).view_as(t));
            at += t.numel();
        }
    }
}

void checkSameOnAllRanks(RankGroup& g, const std::vector<int64_t>& values, const std::string& what) {
    // The sum and the sum of squares of each value match world * v and world * v^2 only when
    // every rank has v (doubles: exact for the counts and positions this checks).
    auto t = torch::empty({2, int64_t(values.size())}, torch::kDouble);
    for (size_t i = 0; i < values.size(); ++i) {
        t[0][int64_t(i)] = double(values[i]);
        t[1][int64_t(i)] = double(values[i]) * double(values[i]);
    }
    std::vector<torch::Tensor> v{t};
    allReduceSum(g, v);
    for (size_t i = 0; i < values.size(); ++i) {
        const double n = g.size(), x = double(values[i]);
        if (v[0][0][int64_t(i)].item<double>() != n * x || v[0][1][int64_t(i)].item<double>() != n * x * x)
            throw Error("rank " + std::to_string(g.rank()) + ": the ranks disagree on " + what +
                        " (do all of them read the same run folder, data and options?)");
    }
}

} // namespace eqnet::dist
