#include "engine/batches.h"

#include "eqnet/augmentation.h"
#include "eqnet/error.h"

namespace eqnet {

std::vector<int64_t> seededPermutation(int64_t n, uint64_t seed) {
    std::vector<int64_t> p(size_t(std::max<int64_t>(n, 0)));
    for (int64_t i = 0; i < n; ++i) p[size_t(i)] = i;
    std::mt19937_64 rng(seed);
    for (int64_t i = n - 1; i > 0; --i) {
        const int64_t j = int64_t(rng() % uint64_t(i + 1));
        std::swap(p[size_t(i)], p[size_t(j)]);
    }
    return p;
}

torch::Tensor normalizedImages(const torch::Tensor& bytes, const Normalization& norm,
                               const torch::Device& device) {
    auto x = bytes.to(torch::kFloat).div_(255.0f);
    if (!norm.mean.empty()) {
        auto m = torch::tensor(norm.mean).view({1, -1, 1, 1});
        auto s = torch::tensor(norm.std).view({1, -1, 1, 1});
        x.sub_(m).div_(s);
    }
    return x.to(device);
}

torch::Tensor imagesTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const Normalization& norm, const torch::Device& device) {
    auto bytes = torch::empty({int64_t(indices.size()), set.channels, set.height, set.width}, torch::kUInt8);
    set.read(indices, bytes.data_ptr<uint8_t>());
    return normalizedImages(bytes, norm, device);
}

torch::Tensor labelsTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const torch::Device& device) {
    auto y = torch::empty({int64_t(indices.size())}, torch::kLong);
    auto* p = y.data_ptr<int64_t>();
    for (size_t i = 0; i < indices.size(); ++i) p[i] = set.labels[size_t(indices[i])];
    return y.to(device);
}

BatchStream::BatchStream(const ImageSet& set, Normalization norm, int64_t batchSize, bool shuffle,
                         uint64_t seed, torch::Device device, bool dropLast, Augmentation augment)
    : set_(set), norm_(std::move(norm)), batchSize_(batchSize), shuffle_(shuffle), seed_(seed),
      device_(device), dropLast_(dropLast), augment_(augment) {
    if (batchSize <= 0) throw Error("batch size must be positive, got " + std::to_string(batchSize));
    startEpoch(0);
}

BatchStream::~BatchStream() { dropPrefetch(); }

int64_t BatchStream::batchesPerEpoch() const {
    const int64_t n = set_.size();
    return dropLast_ ? n / batchSize_ : (n + batchSize_ - 1) / batchSize_;
}

void BatchStream::dropPrefetch() {
    if (prefetch_.valid()) {
        try {
            prefetch_.get(); // its result (or error) belongs to a batch no longer wanted
        } catch (...) {
        }
    }
    prefetchIndex_ = -1;
}

void BatchStream::startEpoch(int64_t epoch) {
    dropPrefetch();
    epoch_ = epoch;
    if (shuffle_) {
        // splitmix-style mixing keeps nearby (seed, epoch) pairs far apart.
        uint64_t s = seed_ * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 0x632BE59BD9B4E019ull;
        order_ = seededPermutation(set_.size(), s);
    } else {
        order_.resize(size_t(set_.size()));
        for (int64_t i = 0; i < set_.size(); ++i) order_[size_t(i)] = i;
    }
    next_ = 0;
}

void BatchStream::seek(int64_t index) {
    dropPrefetch();
    next_ = index;
}

void BatchStream::shard(int rank, int ranks) {
    if (ranks < 1 || rank < 0 || rank >= ranks) throw Error("shard " + std::to_string(rank) + " of " + std::to_string(ranks));
    if (batchSize_ % ranks != 0)
        throw Error("batch size " + std::to_string(batchSize_) + " cannot be split evenly over " + std::to_string(ranks) +
                    " ranks: give a multiple of " + std::to_string(ranks));
    dropPrefetch();
    shardRank_ = rank;
    shardCount_ = ranks;
}

std::pair<int64_t, int64_t> BatchStream::span(int64_t index) const {
    const int64_t begin = index * batchSize_;
    const int64_t end = std::min<int64_t>(begin + batchSize_, set_.size());
    if (shardCount_ == 1) return {begin, end};
    const int64_t part = batchSize_ / shardCount_;
    return {std::min(end, begin + part * shardRank_), std::min(end, begin + part * (shardRank_ + 1))};
}

torch::Tensor BatchStream::readBatch(int64_t index) const {
    const auto [begin, end] = span(index);
    const std::vector<int64_t> idx(order_.begin() + begin, order_.begin() + end);
    auto bytes = torch::empty({end - begin, set_.channels, set_.height, set_.width}, torch::kUInt8);
    uint8_t* p = bytes.data_ptr<uint8_t>();
    set_.read(idx, p);
    if (augment_.any())
        for (int64_t i = begin; i < end; ++i) {
            // One seed per (run seed, epoch, position in the epoch).
            const uint64_t s = (seed_ * 0x9E3779B97F4A7C15ull) ^ (uint64_t(epoch_) * 0xD1B54A32D192ED03ull) ^
                               (uint64_t(i) * 0x94D049BB133111EBull);
            augmentImage(p + (i - begin) * set_.imageBytes(), set_.channels, set_.height, set_.width, augment_, s);
        }
    return bytes;
}

bool BatchStream::next(torch::Tensor& images, torch::Tensor& labels) {
    if (next_ >= batchesPerEpoch()) return false;
    torch::Tensor bytes;
    if (prefetchIndex_ == next_ && prefetch_.valid()) {
        bytes = prefetch_.get();
        prefetchIndex_ = -1;
    } else {
        dropPrefetch();
        bytes = readBatch(next_);
    }
    const auto [begin, end] = span(next_);
    labels = labelsTensor(set_, std::vector<int64_t>(order_.begin() + begin, order_.begin() + end), device_);
    ++next_;
    // Streamed: decode the following batch while the caller trains on this one.
    if (set_.streamed() && next_ < batchesPerEpoch()) {
        prefetchIndex_ = next_;
        prefetch_ = std::async(std::launch::async, [this, i = next_] { return readBatch(i); });
    }
    images = normalizedImages(bytes, norm_, device_);
    return true;
}

} // namespace eqnet
