#include "eqnet/state_difference.h"

#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/supernet.h"

namespace eqnet {

namespace {

void compare(const torch::OrderedDict<std::string, torch::Tensor>& x,
             const torch::OrderedDict<std::string, torch::Tensor>& y, const std::string& a, const std::string& b,
             StateDifference& d) {
    if (x.size() != y.size())
        throw Error(a + " and " + b + ": different networks (" + std::to_string(x.size()) + " and " +
                    std::to_string(y.size()) + " tensors)");
    for (const auto& p : x) {
        const torch::Tensor* other = y.find(p.key());
        if (!other || other->sizes() != p.value().sizes())
            throw Error(a + " and " + b + ": different networks (" + p.key() + ")");
        if (!p.value().is_floating_point()) continue;
        const double diff = (p.value() - *other).abs().max().item<double>();
        const double norm = p.value().norm().item<double>();
        if (norm > 0) {
            const double rel = (p.value() - *other).norm().item<double>() / norm;
            if (rel > d.relative || d.relativeWhere.empty()) {
                d.relative = std::max(rel, d.relative);
                d.relativeWhere = p.key();
            }
        }
        if (diff > d.largest || d.where.empty()) {
            d.largest = diff;
            d.where = p.key();
            d.scale = p.value().abs().max().item<double>();
        }
    }
}

} // namespace

StateDifference checkpointDifference(const std::string& a, const std::string& b) {
    Supernet x = Supernet::load(a, "cpu"), y = Supernet::load(b, "cpu");
    torch::NoGradGuard ng;
    StateDifference d;
    compare(x.impl().model->named_parameters(), y.impl().model->named_parameters(), a, b, d);
    compare(x.impl().model->named_buffers(), y.impl().model->named_buffers(), a, b, d);
    return d;
}

} // namespace eqnet
