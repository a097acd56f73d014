// Loading a data set (eqnet/data.h), torch-free: the format named or detected, its files found,
// the deterministic train/validation split and the normalisation statistics. The formats'
// readers have files of their own: idx_format.cpp, cifar_format.cpp, image_folder.cpp and
// synthetic_data.cpp (input_file.h reads plain and gzip files for the first two).
#include "eqnet/data.h"

#include "common/random.h"
#include "eqnet/error.h"
#include "eqnet/image_folder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <system_error>

namespace eqnet {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Finding the files of a data set

const char* const kIdxNames[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
const char* const kCifarNames[6] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                    "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
constexpr const char* kCifarSubdir = "cifar-10-batches-bin";

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// dir/name, else dir/name.gz (the plain file wins when both exist); "" when neither.
std::string findIdx(const fs::path& dir, const std::string& name) {
    if (isFile(dir / name)) return (dir / name).u8string();
    if (isFile(dir / (name + ".gz"))) return (dir / (name + ".gz")).u8string();
    return "";
}

std::string idxNameList() {
    std::string s;
    for (const char* n : kIdxNames) s += (s.empty() ? "" : ", ") + std::string(n) + "[.gz]";
    return s;
}

std::string cifarNameList() {
    return std::string("data_batch_1.bin .. data_batch_5.bin, test_batch.bin (also inside ") +
           kCifarSubdir + "/)";
}

bool anyIdx(const fs::path& dir) {
    for (const char* n : kIdxNames)
        if (!findIdx(dir, n).empty()) return true;
    return false;
}

bool anyCifar(const fs::path& dir) {
    for (const char* n : kCifarNames)
        if (isFile(dir / n) || isFile(dir / kCifarSubdir / n)) return true;
    return false;
}

void requireSameGeometry(const ImageSet& train, const ImageSet& test) {
    if (train.channels != test.channels || train.height != test.height || train.width != test.width)
        throw Error("training images " + train.source + " are " + std::to_string(train.channels) +
                    "x" + std::to_string(train.height) + "x" + std::to_string(train.width) +
                    " but test images " + test.source + " are " + std::to_string(test.channels) +
                    "x" + std::to_string(test.height) + "x" + std::to_string(test.width));
}

} // namespace

// ---------------------------------------------------------------------------------------------


DataFormat parseDataFormat(const std::string& name) {
    const std::string n = lower(name);
    for (DataFormat f : {DataFormat::Auto, DataFormat::Idx, DataFormat::Cifar10, DataFormat::Folder,
                         DataFormat::Synthetic})
        if (n == dataFormatName(f)) return f;
    throw Error("unknown data format '" + name + "'; allowed: auto, idx, cifar10, folder, synthetic");
}

std::string dataFormatName(DataFormat f) {
    switch (f) {
    case DataFormat::Auto: return "auto";
    case DataFormat::Idx: return "idx";
    case DataFormat::Cifar10: return "cifar10";
    case DataFormat::Folder: return "folder";
    case DataFormat::Synthetic: return "synthetic";
    }
    return "auto";
}


void splitTrainValidation(const ImageSet& all, int64_t validationSize, uint64_t seed,
                          ImageSet& train, ImageSet& val, uint64_t stream) {
    all.checkConsistent("splitTrainValidation");
    const int64_t n = all.size();
    if (validationSize < 0 || validationSize >= n)
        throw Error("validation size " + std::to_string(validationSize) +
                    " out of range: need 0 <= size < " + std::to_string(n) +
                    ", the number of images in " + all.source + " (some must remain for training)");
    // Partial Fisher-Yates: positions 0..validationSize-1 receive a uniform random selection.
    const size_t total = size_t(n), held = size_t(validationSize);
    std::vector<int64_t> perm(total);
    std::iota(perm.begin(), perm.end(), int64_t(0));
    SplitMix rng(deriveSeed(seed, stream == 0 ? 2 : 100 + stream));
    for (size_t i = 0; i < held; ++i) std::swap(perm[i], perm[i + size_t(rng.below(total - i))]);
    std::vector<int64_t> valIdx(perm.begin(), perm.begin() + std::ptrdiff_t(held));
    std::vector<int64_t> trainIdx(perm.begin() + std::ptrdiff_t(held), perm.end());
    // Ascending order: the split is a set, independent of how the permutation was drawn.
    std::sort(valIdx.begin(), valIdx.end());
    std::sort(trainIdx.begin(), trainIdx.end());
    // Build both before assigning: `train` or `val` may alias `all`.
    ImageSet v = all.subset(valIdx);
    ImageSet t = all.subset(trainIdx);
    val = std::move(v);
    train = std::move(t);
}

void channelStats(const ImageSet& set, std::vector<float>& mean, std::vector<float>& std) {
    set.checkConsistent("channelStats");
    const size_t channels = static_cast<size_t>(set.channels);
    const size_t plane = static_cast<size_t>(set.height * set.width);
    const size_t bytes = channels * plane;
    // Exact integer sums; doubles only for the final division.
    std::vector<uint64_t> sum(channels, 0), sumSq(channels, 0);
    if (set.streamed()) {
        const std::vector<uint64_t>& sums = set.files->pixelSums;
        for (const int64_t f : set.fileIndex)
            for (size_t c = 0; c < channels; ++c) {
                sum[c] += sums.at(size_t(f) * 2 * channels + c);
                sumSq[c] += sums.at(size_t(f) * 2 * channels + channels + c);
            }
    }
    for (size_t i = 0; i < (set.streamed() ? 0 : static_cast<size_t>(set.size())); ++i)
        for (size_t c = 0; c < channels; ++c) {
            const uint8_t* p = set.pixels.data() + i * bytes + c * plane;
            uint64_t s = 0, s2 = 0;
            for (size_t k = 0; k < plane; ++k) {
                s += p[k];
                s2 += uint64_t(p[k]) * p[k];
            }
            sum[c] += s;
            sumSq[c] += s2;
        }
    mean.assign(channels, 0.0f);
    std.assign(channels, 1.0f);
    const double count = double(set.size()) * double(plane);
    if (count == 0) return; // nothing to measure: the identity normalisation
    for (size_t c = 0; c < channels; ++c) {
        const double m = double(sum[c]) / count / 255.0;
        const double var = std::max(0.0, double(sumSq[c]) / count / (255.0 * 255.0) - m * m);
        mean[c] = static_cast<float>(m);
        // A constant channel reports 1, so normalising by it never divides by zero.
        std[c] = var > 1e-12 ? static_cast<float>(std::sqrt(var)) : 1.0f;
    }
}

DataFormat detectDataFormat(const DataSpec& spec) {
    if (spec.format != DataFormat::Auto) return spec.format;
    const fs::path dir = fs::u8path(spec.dir);
    if (anyIdx(dir)) return DataFormat::Idx;
    if (anyCifar(dir)) return DataFormat::Cifar10;
    if (looksLikeImageFolder(spec.dir)) return DataFormat::Folder;
    return DataFormat::Auto;
}

Dataset loadDataset(const DataSpec& spec) {
    Dataset ds;
    ImageSet all;
    DataFormat format = spec.format;
    const fs::path dir = fs::u8path(spec.dir);

    if (format != DataFormat::Synthetic) {
        std::error_code ec;
        if (!fs::exists(dir, ec))
            throw Error("data directory '" + spec.dir + "' does not exist (looked for " +
                        (format == DataFormat::Cifar10 ? cifarNameList()
                         : format == DataFormat::Idx   ? idxNameList()
                         : format == DataFormat::Folder
                             ? std::string("train/<class>/*.png|jpg|jpeg")
                             : idxNameList() + "; or " + cifarNameList() + "; or an image folder") +
                        ")");
        if (!fs::is_directory(dir, ec))
            throw Error("data directory '" + spec.dir + "' is not a directory");
    }
    if (format == DataFormat::Auto) {
        format = detectDataFormat(spec);
        if (format == DataFormat::Auto)
            throw Error("no data set found in '" + spec.dir + "': looked for the IDX files " +
                        idxNameList() + ", the CIFAR-10 files " + cifarNameList() +
                        " and an image folder (train/<class>/*.png|jpg|jpeg)");
    }
    bool heldOutTest = false; // an image folder without val/: the test split comes from train/
    ds.format = format;

    switch (format) {
    case DataFormat::Auto: // resolved above
    case DataFormat::Idx: {
        std::string paths[4], missing;
        for (int i = 0; i < 4; ++i) {
            paths[i] = findIdx(dir, kIdxNames[i]);
            if (paths[i].empty())
                missing += (missing.empty() ? "" : ", ") + std::string(kIdxNames[i]) + "[.gz]";
        }
        if (!missing.empty())
            throw Error("data directory '" + spec.dir + "' lacks the IDX files " + missing +
                        " (looked for " + idxNameList() + ")");
        all = readIdx(paths[0], paths[1]);
        ds.test = readIdx(paths[2], paths[3]);
        requireSameGeometry(all, ds.test);
        std::error_code ec;
        const fs::path abs = fs::absolute(dir, ec);
        ds.name = lower((ec ? dir : abs).u8string()).find("fashion") != std::string::npos
                      ? "fashion-mnist"
                      : "mnist";
        break;
    }
    case DataFormat::Cifar10: {
        // The files straight in the directory, or in the folder the official archive unpacks to.
        fs::path where;
        for (const fs::path& cand : {dir, dir / kCifarSubdir}) {
            bool all6 = true;
            for (const char* n : kCifarNames) all6 = all6 && isFile(cand / n);
            if (all6) {
                where = cand;
                break;
            }
        }
        if (where.empty()) {
            std::string missing;
            for (const char* n : kCifarNames)
                if (!isFile(dir / n) && !isFile(dir / kCifarSubdir / n))
                    missing += (missing.empty() ? "" : ", ") + std::string(n);
            throw Error("data directory '" + spec.dir + "' lacks the CIFAR-10 files " +
                        (missing.empty() ? std::string("together in one folder") : missing) +
                        " (looked for " + cifarNameList() + ")");
        }
        std::vector<std::string> trainFiles;
        for (int i = 0; i < 5; ++i) trainFiles.push_back((where / kCifarNames[i]).u8string());
        all = readCifar10(trainFiles);
        ds.test = readCifar10({(where / kCifarNames[5]).u8string()});
        ds.name = "cifar10";
        break;
    }
    case DataFormat::Folder: {
        ImageFolderOptions opt;
        opt.channels = spec.imageChannels;
        opt.height = spec.imageHeight;
        opt.width = spec.imageWidth;
        if (spec.cacheMegabytes < 0) throw Error("data: the cache size must not be negative");
        opt.cacheBytes = spec.cacheMegabytes > (int64_t(1) << 40) ? int64_t(1) << 60 : spec.cacheMegabytes << 20;
        opt.badImageLimit = spec.badImageLimit;
        opt.threads = spec.decodeThreads;
        opt.progress = spec.progress;
        ImageFolder folder = readImageFolder(spec.dir, opt);
        all = std::move(folder.train);
        ds.test = std::move(folder.test);
        heldOutTest = !folder.hasTest;
        ds.classNames = std::move(folder.classNames);
        ds.skippedImages = std::move(folder.skipped);
        std::error_code ec;
        const fs::path abs = fs::absolute(dir, ec);
        ds.name = ((ec ? dir : abs).lexically_normal() / "").parent_path().filename().u8string();
        if (ds.name.empty()) ds.name = "images";
        break;
    }
    case DataFormat::Synthetic: {
        if (spec.syntheticTrain < 1 || spec.syntheticTest < 0 || spec.validationSize < 1)
            throw Error("synthetic data needs syntheticTrain >= 1, syntheticTest >= 0 and "
                        "validationSize >= 1 (got " +
                        std::to_string(spec.syntheticTrain) + ", " +
                        std::to_string(spec.syntheticTest) + ", " +
                        std::to_string(spec.validationSize) + ")");
        // syntheticTrain counts the images left for training once validation is split off.
        all = makeSynthetic(spec.syntheticTrain + spec.validationSize, 1, 28, 28, 10,
                            deriveSeed(spec.splitSeed, 10));
        ds.test = makeSynthetic(spec.syntheticTest, 1, 28, 28, 10, deriveSeed(spec.splitSeed, 11));
        ds.name = "synthetic";
        break;
    }
    }

    if (heldOutTest) {
        // As many test pictures as validation ones, drawn by an independent permutation.
        if (spec.validationSize * 2 >= all.size())
            throw Error("image folder '" + spec.dir + "' has no val/ folder, so the validation and test splits (" +
                        std::to_string(spec.validationSize) + " pictures each, --val-size) are held out of its " +
                        std::to_string(all.size()) + " training pictures: too few remain; lower --val-size or add val/");
        splitTrainValidation(all, spec.validationSize, spec.splitSeed, all, ds.test, 1);
        ds.test.source = all.source + " (held out as the test split)";
    }
    // Every accuracy the tools report on validation needs at least one image (0 gave "0.00 %").
    if (spec.validationSize < 1)
        throw Error("data: the validation split (--val-size) must hold at least 1 image, not " +
                    std::to_string(spec.validationSize));
    splitTrainValidation(all, spec.validationSize, spec.splitSeed, ds.train, ds.val);
    if (spec.trainLimit < 0) throw Error("data: trainLimit must not be negative");
    if (spec.trainLimit > 0 && spec.trainLimit < ds.train.size()) {
        std::vector<int64_t> keep(size_t(spec.trainLimit));
        for (int64_t i = 0; i < spec.trainLimit; ++i) keep[size_t(i)] = i;
        ds.train = ds.train.subset(keep);
    }
    channelStats(ds.train, ds.mean, ds.std);
    if (!spec.mean.empty()) ds.mean = perChannel(spec.mean, ds.train.channels, "--mean");
    if (!spec.std.empty()) ds.std = perChannel(spec.std, ds.train.channels, "--std");
    for (float v : ds.std)
        if (!(v > 0)) throw Error("--std: every value must be positive");
    if (spec.augment.cropPadding < 0 || spec.augment.cropPadding > std::min(ds.train.height, ds.train.width))
        throw Error("data: the random crop's padding " + std::to_string(spec.augment.cropPadding) +
                    " must be between 0 and the picture's side (" + std::to_string(std::min(ds.train.height, ds.train.width)) + ")");
    ds.augment = spec.augment;
    return ds;
}

std::vector<float> perChannel(const std::vector<float>& values, int64_t channels, const std::string& option) {
    if (values.size() == 1) return std::vector<float>(size_t(channels), values[0]);
    if (int64_t(values.size()) != channels)
        throw Error(option + " has " + std::to_string(values.size()) + " values for images of " +
                    std::to_string(channels) + " channel(s); give one value or one per channel");
    for (float v : values)
        if (!std::isfinite(v)) throw Error(option + ": every value must be a finite number");
    return values;
}

} // namespace eqnet
