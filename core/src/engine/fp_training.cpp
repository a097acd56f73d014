#include "eqnet/fp_training.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "train/sandwich_trainer.h"
#include "eqnet/error.h"
#include "eqnet/timing.h"

#include <chrono>
#include <cmath>

namespace eqnet {

FpTrainResult trainFullPrecision(Supernet& net, const Dataset& data, const FpTrainOptions& opt,
                                 const ProgressFn& progress, const StopToken& stop) {
    if (opt.epochs < 0) throw Error("epochs must be >= 0");
    auto& d = net.impl();
    torch::manual_seed(opt.seed);
    net.setFullPrecision();
    auto& model = *d.model;
    model.train();
    // Only the shared weights and BN train here; the quantizer slots are set by calibration.
    const std::vector<torch::Tensor> params = d.sharedParameters();
    torch::optim::Adam optim(params, torch::optim::AdamOptions(opt.lr).weight_decay(opt.weightDecay));
    BatchStream stream(data.train, Normalization{data.mean, data.std}, opt.batchSize, true, opt.seed,
                       d.device, /*dropLast=*/true, data.augment);
    const int64_t total = stream.batchesPerEpoch() * opt.epochs;
    TrainConfig stepCfg; // what fpStep reads: the label smoothing
    stepCfg.labelSmoothing = opt.labelSmoothing;
    FpTrainResult res;
    const auto t0 = std::chrono::steady_clock::now();
    auto lastReport = t0;
    int64_t imagesSinceReport = 0;
    for (int epoch = 0; epoch < opt.epochs && !res.stopped; ++epoch) {
        stream.startEpoch(epoch);
        torch::Tensor x, y;
        while (stream.next(x, y)) {
            if (stop.stopRequested()) {
                res.stopped = true;
                break;
            }
            const double lr = train::cosineLr(opt.lr, res.steps, total);
            for (auto& g : optim.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
            train::clearGradients(params);
            const train::StepResult r = train::fpStep(d, x, y, stepCfg);
            torch::nn::utils::clip_grad_value_(params, opt.gradClip);
            optim.step();
            ++res.steps;
            imagesSinceReport += x.size(0);
            res.finalLoss = r.losses.front();
            if (progress) {
                const auto now = std::chrono::steady_clock::now();
                Progress p;
                p.stage = "fp-train";
                p.done = res.steps;
                p.total = total;
                p.elapsedSeconds = secondsSince(t0);
                p.values["loss"] = res.finalLoss;
                p.values["lr"] = lr;
                p.values["epoch"] = epoch + 1;
                const double dt = std::chrono::duration<double>(now - lastReport).count();
                if (dt > 0) p.values["images_per_s"] = double(imagesSinceReport) / dt;
                lastReport = now;
                imagesSinceReport = 0;
                progress(p);
            }
        }
    }
    res.seconds = secondsSince(t0);
    return res;
}

std::vector<UniformResult> measureUniformSubnets(Supernet& net, const Dataset& data,
                                                 const ImageSet& split,
                                                 const std::vector<QuantForm>& forms,
                                                 const std::vector<int>& bits,
                                                 const EvalOptions& eval,
                                                 const ProgressFn& progress, const StopToken& stop) {
    std::vector<UniformResult> out;
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t total = int64_t(forms.size() * bits.size());
    for (const QuantForm& f : forms) {
        for (int b : bits) {
            if (stop.stopRequested()) return out;
            net.setSubnet(net.uniform(b, b, f));
            out.push_back({f, b, net.evaluate(data, split, eval)});
            if (progress) {
                Progress p;
                p.stage = "evaluate";
                p.done = int64_t(out.size());
                p.total = total;
                p.elapsedSeconds = secondsSince(t0);
                p.values["accuracy"] = out.back().result.accuracy;
                p.message = formName(f) + " W" + std::to_string(b) + "A" + std::to_string(b);
                progress(p);
            }
        }
    }
    return out;
}

} // namespace eqnet
