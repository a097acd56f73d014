#pragma once
// Image classification data, torch-free: the readers for the IDX (MNIST, Fashion-MNIST) and
// CIFAR-10 binary formats and for image folders (eqnet/image_folder.h), a seeded synthetic set
// for fast tests, and the deterministic train/validation split (docs/method.md §4: the search
// only ever sees validation).
#include "eqnet/augmentation.h"
#include "eqnet/job.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eqnet {

using Label = uint16_t; // class index: up to 65,536 classes

// Image files that stay on disk (an image folder larger than the memory budget): read,
// decoded and fitted to the set's geometry whenever a batch needs them. Shared by the subsets
// of one folder; immutable once loaded.
struct ImageFiles {
    std::vector<std::string> paths;
    // Per file and channel, the sum and the sum of squares of its fitted pixels (2 * channels
    // values per file), gathered when the folder was checked: the statistics of any subset
    // without decoding it again.
    std::vector<uint64_t> pixelSums;
    int threads = 0; // decoding threads per read (0: all cores)
};

// N images of C x H x W bytes (row-major, channel-first) with one label each: in memory
// (`pixels`), or streamed from `files` (then `pixels` is empty and image i is the file
// files->paths[fileIndex[i]]).
struct ImageSet {
    int64_t channels = 0;
    int64_t height = 0;
    int64_t width = 0;
    int numClasses = 10;
    std::vector<uint8_t> pixels; // size() * channels * height * width, unless streamed
    std::vector<Label> labels;   // size()
    std::string source;          // where it came from, for messages
    std::shared_ptr<const ImageFiles> files;
    std::vector<int64_t> fileIndex; // size(), when streamed

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t imageBytes() const { return channels * height * width; }
    bool streamed() const { return files != nullptr; }
    // Copies images idx[0..n) into a new set (same geometry; a streamed set's subset streams
    // from the same files).
    ImageSet subset(const std::vector<int64_t>& idx) const;
    // Writes the images at `idx` to dst (idx.size() * imageBytes() bytes). A streamed set
    // decodes them on files->threads worker threads; a file that can no longer be decoded
    // throws eqnet::Error naming it.
    void read(const std::vector<int64_t>& idx, uint8_t* dst) const;
    // Throws eqnet::Error (prefixed by `what`) when the sizes disagree with the geometry.
    void checkConsistent(const char* what) const;
};

enum class DataFormat { Auto, Idx, Cifar10, Folder, Synthetic };
// "auto", "idx", "cifar10", "folder", "synthetic"
DataFormat parseDataFormat(const std::string& name);
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
    // Training-batch augmentation (all formats): random crop with padding, horizontal flip.
    Augmentation augment;

    // Image folders (eqnet/image_folder.h). The network input the pictures are fitted to:
    // 0 takes it from the first picture (channels: 1 for grey, 3 for colour; size: its
    // shorter side, square). An imported network's input sets them (fitDataToModel).
    int64_t imageChannels = 0, imageHeight = 0, imageWidth = 0;
    // Decoded folders up to this size are kept in memory; larger ones stream from disk.
    int64_t cacheMegabytes = 2048;
    // Unreadable pictures are skipped and named; more than this many is an error (-1: any
    // number is skipped).
    int64_t badImageLimit = -1;
    // Not recorded in runs: decoding threads (0: all cores) and the progress of the check of
    // a folder's pictures (stage "check pictures", value "pictures_per_s").
    int decodeThreads = 0;
    ProgressFn progress;
};

struct Dataset {
    std::string name;        // "fashion-mnist" (IDX folder named *fashion*), "mnist" (other IDX),
                             // "cifar10", "synthetic", or the image folder's name
    ImageSet train;          // training split (validation images removed)
    ImageSet val;            // held out from the training files: what the search sees
    ImageSet test;           // test files: final reports only
    std::vector<float> mean; // per channel, in [0,1] pixel units, computed on `train`
    std::vector<float> std;
    Augmentation augment;    // applied to training batches
    std::vector<std::string> classNames;    // image folders: class folder names, by label
    std::vector<std::string> skippedImages; // image folders: "path: reason" per picture skipped
    DataFormat format = DataFormat::Auto;   // what was read (never Auto)
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
// `stream` picks an independent permutation (0: the train/validation split).
void splitTrainValidation(const ImageSet& all, int64_t validationSize, uint64_t seed,
                          ImageSet& train, ImageSet& val, uint64_t stream = 0);

// Per-channel mean and standard deviation of the pixels, in [0,1] units (a streamed set: from
// the sums gathered when its folder was checked). A constant channel
// gets std 1 and an empty set mean 0 / std 1, so normalising never divides by zero.
void channelStats(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std);

// One value per channel from a --mean / --std list of one value or one per channel; throws
// eqnet::Error naming `option` otherwise.
std::vector<float> perChannel(const std::vector<float>& values, int64_t channels, const std::string& option);

// The format `spec` names, or for Auto the one its folder holds (IDX names, then CIFAR-10
// names, then an image folder); Auto when nothing is recognised.
DataFormat detectDataFormat(const DataSpec& spec);

// Finds the files for `spec.format` in `spec.dir` (Auto: IDX names, then CIFAR-10 names, then
// an image folder), reads, splits and computes the normalisation. Throws eqnet::Error naming
// what is missing.
Dataset loadDataset(const DataSpec& spec);

} // namespace eqnet
