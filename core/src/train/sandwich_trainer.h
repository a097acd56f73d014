#pragma once
// One optimisation step of each training stage (docs/method.md §3): the plain FP step, the
// static-subnet QAT step and the sandwich step with WDR-Loss and GPG-Loss.
#include "engine/supernet_impl.h"
#include "eqnet/training.h"
#include "train/wdr_loss.h"

#include <torch/torch.h>

#include <random>

namespace eqnet::train {

struct StepResult {
    std::vector<std::string> names;
    std::vector<double> losses;
    WdrResult wdr;
};

// The step's subnets are drawn from this generator only: seeded from (seed, step), so a
// resumed run draws exactly what an uninterrupted one would.
std::mt19937_64 stepRng(uint64_t seed, int64_t step);

// A random quantization form for each layer (or one for all when !perLayer).
std::vector<QuantForm> drawForms(std::mt19937_64& rng, size_t layers, bool perLayer);

// Cross-entropy with label smoothing.
torch::Tensor labelLoss(const torch::Tensor& logits, const torch::Tensor& y, double smoothing);
// alpha * KL(softmax(teacher) || softmax(student)) + (1 - alpha) * CE(student, y).
torch::Tensor guidedLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                         const torch::Tensor& y, double alpha, double smoothing);

// The weights WDR regularises: every quantized layer but the first (§3.1).
std::vector<torch::Tensor> wdrWeights(Supernet::Impl& net);

// §3: the learning rate decays from `base` to 0 along a half cosine over all steps.
double cosineLr(double base, int64_t step, int64_t total);

// Sets every gradient to undefined (PyTorch's zero_grad(set_to_none=True)).
void clearGradients(const std::vector<torch::Tensor>& params);

// The update after a step's backward passes: gradients clipped by value (§3), the optimizer
// step (parameters whose gradient is undefined, e.g. slots the step did not use, are left
// exactly as they are), then every zero-point latent back inside its integer range.
void applyUpdate(torch::optim::Optimizer& optim, const std::vector<torch::Tensor>& params,
                 double gradClip, Supernet::Impl& net);

// The ablation TrainConfig::adamMovesUnusedSlots: in every slot bank (setting) that the step
// used, the bit-widths it did not use get a zero gradient instead of none.
void zeroUnusedSlotGradients(Supernet::Impl& net);

// Forward/backward of the sandwich (gradients accumulate; the caller steps the optimizer).
StepResult sandwichStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                        const TrainConfig& cfg, int64_t step);
StepResult staticStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                      const TrainConfig& cfg);
StepResult fpStep(Supernet::Impl& net, const torch::Tensor& x, const torch::Tensor& y,
                  const TrainConfig& cfg);

} // namespace eqnet::train
