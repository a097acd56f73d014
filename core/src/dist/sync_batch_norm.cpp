#include "dist/sync_batch_norm.h"

#include "dist/collectives.h"

namespace eqnet::dist {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The normalisation with the whole batch's mean and inverse standard deviation (computed by
// syncBatchNorm, inputs here without gradients of their own: the backward pass below is the
// whole of batch norm's, through the statistics too).
class SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
public:
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias, const torch::Tensor& mean, const torch::Tensor& invstd,
                                 RankGroup* group, double count) {
        const int64_t C = x.size(1);
        const auto xhat = (x - mean.view({1, C, 1, 1})) * invstd.view({1, C, 1, 1});
        ctx->save_for_backward({xhat, weight, invstd});
        ctx->saved_data["group"] = int64_t(reinterpret_cast<intptr_t>(group));
        ctx->saved_data["count"] = count;
        return xhat * weight.view({1, C, 1, 1}) + bias.view({1, C, 1, 1});
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        auto saved = ctx->get_saved_variables();
        const auto& xhat = saved[0];
        const auto& weight = saved[1];
        const auto& invstd = saved[2];
        auto* group = reinterpret_cast<RankGroup*>(intptr_t(ctx->saved_data["group"].toInt()));
        const double count = ctx->saved_data["count"].toDouble();
        const auto& dy = grads[0];
        const std::vector<int64_t> dims{0, 2, 3};
        const int64_t C = dy.size(1);
        // This rank's part of the parameters' gradients (the gradient all-reduce averages them).
        const auto sumDy = dy.sum(dims);
        const auto sumDyXhat = (dy * xhat).sum(dims);
        // The input's gradient needs both sums over the whole batch.
        std::vector<torch::Tensor> sums{torch::cat({sumDy, sumDyXhat}).to(torch::kDouble)};
        allReduceSum(*group, sums);
        const auto meanDy = (sums[0].narrow(0, 0, C) / count).to(dy.scalar_type()).view({1, C, 1, 1});
        const auto meanDyXhat = (sums[0].narrow(0, C, C) / count).to(dy.scalar_type()).view({1, C, 1, 1});
        const auto dx = weight.view({1, C, 1, 1}) * invstd.view({1, C, 1, 1}) * (dy - meanDy - xhat * meanDyXhat);
        return {dx, sumDyXhat, sumDy, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor syncBatchNorm(RankGroup& g, torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x) {
    const int64_t C = x.size(1);
    torch::Tensor mean, var;
    double count = 0;
    {
        // The whole batch's statistics, summed in double: the variance comes from sums of x and
        // x^2, whose float cancellation would lose digits a single process's batch norm keeps.
        torch::NoGradGuard ng;
        const std::vector<int64_t> dims{0, 2, 3};
        const auto xd = x.detach().to(torch::kDouble);
        std::vector<torch::Tensor> sums{torch::cat(
            {xd.sum(dims), (xd * xd).sum(dims), torch::full({1}, double(x.numel() / C), xd.options())})};
        allReduceSum(g, sums);
        count = sums[0][2 * C].item<double>();
        mean = sums[0].narrow(0, 0, C) / count;
        var = (sums[0].narrow(0, C, C) / count - mean * mean).clamp_min(0);
        // The running statistics as BatchNorm2d keeps them: the unbiased variance.
        if (bn.options.track_running_stats()) {
            bn.num_batches_tracked += 1;
            const double m = bn.options.momentum() ? *bn.options.momentum()
                                                   : 1.0 / double(bn.num_batches_tracked.item<int64_t>());
            bn.running_mean.mul_(1 - m).add_(mean.to(bn.running_mean.scalar_type()), m);
            bn.running_var.mul_(1 - m).add_((var * (count / std::max(count - 1, 1.0))).to(bn.running_var.scalar_type()), m);
        }
    }
    const auto invstd = (var + bn.options.eps()).rsqrt().to(x.scalar_type());
    return SyncBatchNormFunction::apply(x, bn.weight, bn.bias, mean.to(x.scalar_type()), invstd, &g, count);
}

} // namespace eqnet::dist
