// Image folders (eqnet/image_folder.h): finding the pictures, checking and decoding each once,
// and keeping them in memory or streaming them from disk.
#include "eqnet/image_folder.h"

#include "data/parallel_for.h"
#include "common/random.h"
#include "eqnet/error.h"
#include "eqnet/image_decode.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

namespace eqnet {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxClasses = int64_t(1) << 16; // eqnet::Label
constexpr uint64_t kOrderSeed = 0x466F6C646572ull;  // the pictures' fixed order ("Folder")

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isPictureName(const fs::path& p) {
    const std::string ext = lower(p.extension().u8string());
    const auto& exts = imageExtensions();
    return std::find(exts.begin(), exts.end(), ext) != exts.end();
}

bool hidden(const fs::path& p) {
    const std::string n = p.filename().u8string();
    return !n.empty() && n[0] == '.';
}

bool isDirectory(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// The class folders directly under `split`, sorted by name (byte order, as Python sorts).
std::vector<std::string> classFolders(const fs::path& split) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(split, ec), end; !ec && it != end; it.increment(ec))
        if (!hidden(it->path()) && isDirectory(it->path())) names.push_back(it->path().filename().u8string());
    if (ec) throw Error(split.u8string() + ": cannot list the folder (" + ec.message() + ")");
    std::sort(names.begin(), names.end());
    return names;
}

// Every picture file below `folder` (any depth; hidden files and folders skipped), sorted, so
// that the order does not depend on the file system. Counts the other files in `ignored`.
std::vector<std::string> pictureFiles(const fs::path& folder, int64_t& ignored) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (hidden(p)) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_directory(ec)) continue;
        if (isPictureName(p))
            files.push_back(p.u8string());
        else
            ++ignored;
    }
    if (ec) throw Error(folder.u8string() + ": cannot list the folder (" + ec.message() + ")");
    std::sort(files.begin(), files.end());
    return files;
}

std::string noPicturesMessage(const fs::path& folder) {
    std::string exts;
    for (const auto& e : imageExtensions()) exts += (exts.empty() ? "" : ", ") + e;
    return folder.u8string() + ": no pictures (" + exts + ") in this class folder";
}

struct Listing {
    std::vector<std::string> paths;
    std::vector<Label> labels;
    std::vector<uint8_t> inTest; // per path: 1 when it belongs to the test split
};

} // namespace

const std::vector<std::string>& imageExtensions() {
    static const std::vector<std::string> exts = {".png", ".jpg", ".jpeg"};
    return exts;
}

bool looksLikeImageFolder(const std::string& dir) { return isDirectory(fs::u8path(dir) / "train"); }

ImageFolder readImageFolder(const std::string& dir, const ImageFolderOptions& opt) {
    const fs::path root = fs::u8path(dir);
    const fs::path trainDir = root / "train";
    if (!isDirectory(root)) throw Error("image folder '" + dir + "' does not exist or is not a directory");
    if (!isDirectory(trainDir))
        throw Error("image folder '" + dir + "' has no train/ folder (expected train/<class>/*.png|jpg|jpeg, "
                    "and optionally val/<class>/...)");
    if (opt.channels < 0 || opt.height < 0 || opt.width < 0 || opt.channels == 2 || opt.channels > 3)
        throw Error("image folder '" + dir + "': the pictures can be fitted to 1 or 3 channels and a positive "
                    "size, not " + std::to_string(opt.channels) + "x" + std::to_string(opt.height) + "x" +
                    std::to_string(opt.width));

    ImageFolder out;
    out.classNames = classFolders(trainDir);
    if (out.classNames.empty())
        throw Error(trainDir.u8string() + ": no class folders (expected train/<class>/*.png|jpg|jpeg)");
    if (int64_t(out.classNames.size()) > kMaxClasses)
        throw Error(trainDir.u8string() + ": " + std::to_string(out.classNames.size()) +
                    " class folders; at most " + std::to_string(kMaxClasses) + " are supported");
    std::map<std::string, Label> labelOf;
    for (size_t i = 0; i < out.classNames.size(); ++i) labelOf[out.classNames[i]] = Label(i);

    Listing list;
    for (size_t c = 0; c < out.classNames.size(); ++c) {
        const fs::path folder = trainDir / fs::u8path(out.classNames[c]);
        auto files = pictureFiles(folder, out.ignoredFiles);
        if (files.empty()) throw Error(noPicturesMessage(folder));
        for (auto& f : files) {
            list.paths.push_back(std::move(f));
            list.labels.push_back(Label(c));
            list.inTest.push_back(0);
        }
    }
    for (const char* name : {"val", "test"}) {
        const fs::path testDir = root / name;
        if (!isDirectory(testDir)) continue;
        out.hasTest = true;
        out.testFolder = name;
        for (const std::string& cls : classFolders(testDir)) {
            auto it = labelOf.find(cls);
            if (it == labelOf.end())
                throw Error((testDir / fs::u8path(cls)).u8string() + ": class '" + cls +
                            "' has no folder in " + trainDir.u8string() +
                            " (the test classes must be among the training classes)");
            for (auto& f : pictureFiles(testDir / fs::u8path(cls), out.ignoredFiles)) {
                list.paths.push_back(std::move(f));
                list.labels.push_back(it->second);
                list.inTest.push_back(1);
            }
        }
        break; // val/ when both exist
    }

    // Listed class by class, a prefix would hold the first classes only; every "first N" the
    // engine takes (a training subset, the images of an epoch-end evaluation, calibration)
    // must be a fair sample. So each split gets a fixed pseudo-random order, the same on
    // every load and machine (one seeded Fisher-Yates over the sorted listing).
    const size_t trainCount = size_t(std::count(list.inTest.begin(), list.inTest.end(), uint8_t(0)));
    SplitMix rng(deriveSeed(kOrderSeed, 0));
    for (const auto& [begin, end] : {std::pair<size_t, size_t>{0, trainCount}, {trainCount, list.paths.size()}})
        for (size_t i = end; i > begin + 1; --i) {
            const size_t j = begin + size_t(rng.below(uint64_t(i - begin)));
            std::swap(list.paths[i - 1], list.paths[j]);
            std::swap(list.labels[i - 1], list.labels[j]);
        }

    // The geometry: given, or the first readable picture's.
    int64_t channels = opt.channels, height = opt.height, width = opt.width;
    if (channels == 0 || height == 0 || width == 0) {
        for (const std::string& p : list.paths) {
            try {
                const DecodedImage first = decodeImageFile(p);
                if (channels == 0) channels = first.channels == 1 ? 1 : 3;
                if (height == 0) height = first.height;
                if (width == 0) width = first.width;
                break;
            } catch (const Error&) {
                // counted below, with every other unreadable picture
            }
        }
        if (channels == 0 || height == 0 || width == 0)
            throw Error(trainDir.u8string() + ": none of the " + std::to_string(list.paths.size()) +
                        " pictures can be read");
    }

    // One pass over every picture: decode, fit, gather the statistics, keep the pixels when
    // they fit the budget.
    const size_t count = list.paths.size();
    const size_t imageBytes = size_t(channels * height * width);
    const bool cache = opt.cacheBytes >= 0 && uint64_t(count) * imageBytes <= uint64_t(opt.cacheBytes);
    std::vector<uint8_t> pixels(cache ? count * imageBytes : 0);
    std::vector<uint64_t> sums(count * 2 * size_t(channels), 0);
    std::vector<std::string> failure(count);
    std::atomic<int64_t> done{0};
    std::mutex progressMutex;
    const auto start = std::chrono::steady_clock::now();
    auto lastReport = start;
    parallelFor(count, opt.threads, [&](size_t k) {
        std::vector<uint8_t> local;
        uint8_t* dst = cache ? pixels.data() + k * imageBytes : (local.resize(imageBytes), local.data());
        try {
            fitImage(decodeImageFile(list.paths[k]), channels, height, width, dst);
            const size_t plane = size_t(height * width);
            for (size_t c = 0; c < size_t(channels); ++c) {
                uint64_t s = 0, s2 = 0;
                for (size_t i = 0; i < plane; ++i) {
                    const uint64_t v = dst[c * plane + i];
                    s += v;
                    s2 += v * v;
                }
                sums[k * 2 * size_t(channels) + c] = s;
                sums[k * 2 * size_t(channels) + size_t(channels) + c] = s2;
            }
        } catch (const Error& e) {
            failure[k] = e.what();
        }
        const int64_t d = ++done;
        if (opt.progress) {
            std::lock_guard<std::mutex> lock(progressMutex);
            const auto now = std::chrono::steady_clock::now();
            if (d == int64_t(count) || now - lastReport > std::chrono::milliseconds(100)) {
                lastReport = now;
                Progress p;
                p.stage = "check pictures";
                p.done = d;
                p.total = int64_t(count);
                p.elapsedSeconds = std::chrono::duration<double>(now - start).count();
                if (p.elapsedSeconds > 0) p.values["pictures_per_s"] = double(d) / p.elapsedSeconds;
                opt.progress(p);
            }
        }
    });

    for (size_t k = 0; k < count; ++k)
        if (!failure[k].empty()) out.skipped.push_back(failure[k]);
    if (opt.badImageLimit >= 0 && int64_t(out.skipped.size()) > opt.badImageLimit) {
        std::string first;
        for (size_t i = 0; i < std::min<size_t>(3, out.skipped.size()); ++i) first += "\n  " + out.skipped[i];
        throw Error("image folder '" + dir + "': " + std::to_string(out.skipped.size()) +
                    " unreadable pictures, more than the limit of " + std::to_string(opt.badImageLimit) +
                    ":" + first + (out.skipped.size() > 3 ? "\n  ..." : ""));
    }

    // The sets, without the unreadable pictures. Cached pixels are compacted in place (the
    // training pictures come first in the listing), so the memory peak stays one copy.
    auto files = std::make_shared<ImageFiles>();
    files->threads = opt.threads;
    std::vector<size_t> perClass(out.classNames.size(), 0);
    size_t trainKept = 0;
    for (size_t k = 0; k < count; ++k) {
        if (!failure[k].empty()) continue;
        ImageSet& set = list.inTest[k] ? out.test : out.train;
        set.labels.push_back(list.labels[k]);
        if (cache && list.inTest[k]) {
            set.pixels.insert(set.pixels.end(), pixels.begin() + std::ptrdiff_t(k * imageBytes),
                              pixels.begin() + std::ptrdiff_t((k + 1) * imageBytes));
        } else if (cache) {
            if (trainKept != k)
                std::copy(pixels.begin() + std::ptrdiff_t(k * imageBytes),
                          pixels.begin() + std::ptrdiff_t((k + 1) * imageBytes),
                          pixels.begin() + std::ptrdiff_t(trainKept * imageBytes));
        } else {
            set.fileIndex.push_back(int64_t(files->paths.size()));
            files->paths.push_back(list.paths[k]);
            files->pixelSums.insert(files->pixelSums.end(), sums.begin() + std::ptrdiff_t(k * 2 * size_t(channels)),
                                    sums.begin() + std::ptrdiff_t((k + 1) * 2 * size_t(channels)));
        }
        if (!list.inTest[k]) {
            ++perClass[list.labels[k]];
            ++trainKept;
        }
    }
    if (cache) {
        pixels.resize(trainKept * imageBytes);
        out.train.pixels = std::move(pixels);
    }
    for (int split = 0; split < 2; ++split) {
        ImageSet& set = split == 0 ? out.train : out.test;
        set.channels = channels;
        set.height = height;
        set.width = width;
        set.numClasses = int(out.classNames.size());
        set.source = (root / (split == 0 ? "train" : out.testFolder)).u8string();
        if (!cache) set.files = files;
    }
    for (size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0)
            throw Error((trainDir / fs::u8path(out.classNames[c])).u8string() +
                        ": every picture in this class folder is unreadable (" + out.skipped.front() + ")");
    return out;
}

} // namespace eqnet
