#pragma once
// Image classification data in memory, torch-free: the readers for the IDX (MNIST,
// Fashion-MNIST) and CIFAR-10 binary formats, a seeded synthetic set for fast tests, and the
// deterministic train/validation split (docs/method.md §4: the search only ever sees validation).
#include <cstdint>
#include <string>
#include <vector>

namespace eqnet {

// N images of C x H x W bytes (row-major, channel-first) with one label byte each.
struct ImageSet {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;
    int numClasses = 10;
    std::vector<uint8_t> pixels; // size() * channels * height * width
    std::vector<uint8_t> labels; // size()
    std::string source;          // where it came from, for messages

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t imageBytes() const { return channels * height * width; }
    // Copies images idx[0..n) into a new set (same geometry).
    ImageSet subset(const std::vector<int64_t>& idx) const;
};

enum class DataFormat { Auto, Idx, Cifar10, Synthetic };
DataFormat parseDataFormat(const std::string& name); // "auto", "idx", "cifar10", "synthetic"
std::string dataFormatName(DataFormat f);

constexpr const char* kDefaultDataDir = "/usr/share/datasets/fashion-mnist";
constexpr int64_t kDefaultValidationSize = 5000;

struct DataSpec {
    std::string dir = kDefaultDataDir;
    DataFormat format = DataFormat::Auto;
    int64_t validationSize = kDefaultValidationSize;
    uint64_t splitSeed = 0;       // the split is a pure function of this seed
    int64_t syntheticTrain = 2048; // DataFormat::Synthetic: training images after the split
    int64_t syntheticTest = 512;   // (validationSize more are made for validation)
    int64_t trainLimit = 0;        // keep only the first N training images after the split
                                   // (0: all); quick runs and experiments
    // Input preprocessing: the network sees (pixel / 255 - mean) / std per channel. Empty: the
    // training images' own mean (or deviation). An imported network needs the values it was
    // trained with (one value for every channel, or one per channel).
    std::vector<float> mean, std;
};

struct Dataset {
    std::string name;        // "fashion-mnist" (IDX folder named *fashion*), "mnist" (other IDX),
                             // "cifar10", "synthetic"
    ImageSet train;          // training split (validation images removed)
    ImageSet val;            // held out from the training files: what the search sees
    ImageSet test;           // test files: final reports only
    std::vector<float> mean; // per channel, in [0,1] pixel units, computed on `train`
    std::vector<float> std;
};

// IDX files (magic 0x00000803 images / 0x00000801 labels, big-endian dims), plain or gzip.
// Throws eqnet::Error naming the file and the fault: missing file, wrong magic, short read,
// bad gzip stream, image and label counts that disagree, labels out of range (10 classes).
ImageSet readIdx(const std::string& imagesPath, const std::string& labelsPath);

// CIFAR-10 binary batches (1 label byte + 3072 pixel bytes per record), plain or gzip.
ImageSet readCifar10(const std::vector<std::string>& batchFiles);

// Learnable synthetic data: each class is a smooth prototype plus noise, shift and brightness.
// The prototypes depend only on the geometry and class count (so sets made with different
// seeds are the same task); the seed picks the samples. Integer arithmetic only: the same
// seed gives the same bytes on every machine and compiler.
ImageSet makeSynthetic(int64_t n, int64_t channels, int64_t height, int64_t width,
                       int numClasses, uint64_t seed);

// Deterministic split: a seeded permutation, the first `validationSize` images go to `val`.
void splitTrainValidation(const ImageSet& all, int64_t validationSize, uint64_t seed,
                          ImageSet& train, ImageSet& val);

// Per-channel mean and standard deviation of the pixels, in [0,1] units. A constant channel
// gets std 1 and an empty set mean 0 / std 1, so normalising never divides by zero.
void channelStats(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std);

// One value per channel from a --mean / --std list of one value or one per channel; throws
// eqnet::Error naming `option` otherwise.
std::vector<float> perChannel(const std::vector<float>& values, int64_t channels, const std::string& option);

// Finds the files for `spec.format` in `spec.dir` (Auto: IDX names, then CIFAR-10 names),
// reads, splits and computes the normalisation. Throws eqnet::Error naming what is missing.
Dataset loadDataset(const DataSpec& spec);

} // namespace eqnet
