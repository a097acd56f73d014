#include "engine/batches.h"

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

torch::Tensor imagesTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const Normalization& norm, const torch::Device& device) {
    const int64_t b = int64_t(indices.size()), per = set.imageBytes();
    auto bytes = torch::empty({b, set.channels, set.height, set.width}, torch::kUInt8);
    uint8_t* dst = bytes.data_ptr<uint8_t>();
    for (int64_t i = 0; i < b; ++i)
        std::memcpy(dst + i * per, set.pixels.data() + indices[size_t(i)] * per, size_t(per));
    auto x = bytes.to(torch::kFloat).div_(255.0f);
    if (!norm.mean.empty()) {
        auto m = torch::tensor(norm.mean).view({1, -1, 1, 1});
        auto s = torch::tensor(norm.std).view({1, -1, 1, 1});
        x.sub_(m).div_(s);
    }
    return x.to(device);
}

torch::Tensor labelsTensor(const ImageSet& set, const std::vector<int64_t>& indices,
                           const torch::Device& device) {
    auto y = torch::empty({int64_t(indices.size())}, torch::kLong);
    auto* p = y.data_ptr<int64_t>();
    for (size_t i = 0; i < indices.size(); ++i) p[i] = set.labels[size_t(indices[i])];
    return y.to(device);
}

BatchStream::BatchStream(const ImageSet& set, Normalization norm, int64_t batchSize, bool shuffle,
                         uint64_t seed, torch::Device device, bool dropLast)
    : set_(set), norm_(std::move(norm)), batchSize_(batchSize), shuffle_(shuffle), seed_(seed),
      device_(device), dropLast_(dropLast) {
    if (batchSize <= 0) throw Error("batch size must be positive, got " + std::to_string(batchSize));
    startEpoch(0);
}

int64_t BatchStream::batchesPerEpoch() const {
    const int64_t n = set_.size();
    return dropLast_ ? n / batchSize_ : (n + batchSize_ - 1) / batchSize_;
}

void BatchStream::startEpoch(int64_t epoch) {
    if (shuffle_) {
        // splitmix-style mixing keeps nearby (seed, epoch) pairs far apart.
        uint64_t s = seed_ * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 0x632BE59BD9B4E019ull;
        order_ = seededPermutation(set_.size(), s);
    } else {
        order_ = seededPermutation(set_.size(), 0);
        for (int64_t i = 0; i < set_.size(); ++i) order_[size_t(i)] = i;
    }
    next_ = 0;
}

bool BatchStream::next(torch::Tensor& images, torch::Tensor& labels) {
    if (next_ >= batchesPerEpoch()) return false;
    const int64_t begin = next_ * batchSize_;
    const int64_t end = std::min<int64_t>(begin + batchSize_, set_.size());
    std::vector<int64_t> idx(order_.begin() + begin, order_.begin() + end);
    images = imagesTensor(set_, idx, norm_, device_);
    labels = labelsTensor(set_, idx, device_);
    ++next_;
    return true;
}

} // namespace eqnet
