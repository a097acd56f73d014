#pragma once
// From in-memory images (eqnet::ImageSet) to normalised float mini-batches on a device.
#include "eqnet/data.h"

#include <torch/torch.h>

#include <random>

namespace eqnet {

struct Normalization {
    std::vector<float> mean, std;
};

// The images at `indices`, as float [B, C, H, W], normalised per channel; labels as int64.
torch::Tensor imagesTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const Normalization& norm, const torch::Device& device);
torch::Tensor labelsTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const torch::Device& device);

// A seeded permutation of 0..n-1 (own Fisher-Yates: identical on every standard library).
std::vector<int64_t> seededPermutation(int64_t n, uint64_t seed);

// Mini-batches over a set, reshuffled per epoch from (seed, epoch) so that a resumed run sees
// the same batches as an uninterrupted one.
class BatchStream {
public:
    BatchStream(const ImageSet& set, Normalization norm, int64_t batchSize, bool shuffle,
                uint64_t seed, torch::Device device, bool dropLast);
    int64_t batchesPerEpoch() const;
    void startEpoch(int64_t epoch);
    // Jumps to batch `index` of the current epoch (resume).
    void seek(int64_t index) { next_ = index; }
    bool next(torch::Tensor& images, torch::Tensor& labels);

private:
    const ImageSet& set_;
    Normalization norm_;
    int64_t batchSize_;
    bool shuffle_;
    uint64_t seed_;
    torch::Device device_;
    bool dropLast_;
    std::vector<int64_t> order_;
    int64_t next_ = 0;
};

} // namespace eqnet
