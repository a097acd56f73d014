#pragma once
// From images (eqnet::ImageSet, in memory or streamed from files) to normalised float
// mini-batches on a device.
#include "eqnet/data.h"

#include <torch/torch.h>

#include <future>
#include <random>

namespace eqnet {

struct Normalization {
    std::vector<float> mean, std;
};

// The images at `indices`, as float [B, C, H, W], normalised per channel; labels as int64.
torch::Tensor imagesTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const Normalization& norm, const torch::Device& device);
// The same from the images' bytes ([B, C, H, W] uint8, as ImageSet::read writes them).
torch::Tensor normalizedImages(const torch::Tensor& bytes, const Normalization& norm,
                               const torch::Device& device);
torch::Tensor labelsTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const torch::Device& device);

// A seeded permutation of 0..n-1 (own Fisher-Yates: identical on every standard library).
std::vector<int64_t> seededPermutation(int64_t n, uint64_t seed);

// Mini-batches over a set, reshuffled per epoch from (seed, epoch) so that a resumed run sees
// the same batches as an uninterrupted one, and augmented (when asked) from (seed, epoch,
// position). A streamed set's next batch is read and decoded in the background while the
// caller works on the current one.
class BatchStream {
public:
    BatchStream(const ImageSet& set, Normalization norm, int64_t batchSize, bool shuffle,
                uint64_t seed, torch::Device device, bool dropLast, Augmentation augment = {});
    ~BatchStream();
    BatchStream(const BatchStream&) = delete;
    BatchStream& operator=(const BatchStream&) = delete;
    int64_t batchesPerEpoch() const;
    void startEpoch(int64_t epoch);
    // Jumps to batch `index` of the current epoch (resume).
    void seek(int64_t index);
    // Data-parallel: every batch is the global batch of the run, and this stream yields only
    // the part of rank `rank` of `ranks` (an equal slice; the batch size must divide evenly).
    // Order and augmentation are the global batch's, so the ranks together see exactly what
    // one process would.
    void shard(int rank, int ranks);
    bool next(torch::Tensor& images, torch::Tensor& labels);

private:
    // Batch `index` of the current epoch as bytes, augmented.
    torch::Tensor readBatch(int64_t index) const;
    // The positions in the epoch's order that batch `index` takes here: [first, second).
    std::pair<int64_t, int64_t> span(int64_t index) const;
    void dropPrefetch();

    const ImageSet& set_;
    Normalization norm_;
    int64_t batchSize_;
    int shardRank_ = 0, shardCount_ = 1;
    bool shuffle_;
    uint64_t seed_;
    torch::Device device_;
    bool dropLast_;
    Augmentation augment_;
    int64_t epoch_ = 0;
    std::vector<int64_t> order_;
    int64_t next_ = 0;
    std::future<torch::Tensor> prefetch_; // batch next_, being read (streamed sets)
    int64_t prefetchIndex_ = -1;
};

} // namespace eqnet
