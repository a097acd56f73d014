// `eqnet bench decode`: how fast an image folder streams from disk (eqnet/bench.h).
#include "eqnet/bench.h"
#include "eqnet/error.h"
#include "eqnet/image_folder.h"

#include "bench/peak_memory.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace eqnet {

DecodeBench benchDecode(const std::string& folder, int64_t channels, int64_t size, int64_t pictures,
                        double minSeconds) {
    using clock = std::chrono::steady_clock;
    ImageFolderOptions opt;
    opt.channels = channels;
    opt.height = opt.width = size;
    opt.cacheBytes = 0; // stream: the pictures stay on disk
    const auto t0 = clock::now();
    const ImageFolder f = readImageFolder(folder, opt);
    DecodeBench b;
    b.folder = folder;
    b.checkSeconds = std::chrono::duration<double>(clock::now() - t0).count();
    b.pictures = f.train.size();
    b.channels = f.train.channels;
    b.height = f.train.height;
    b.width = f.train.width;
    b.decodedMegabytes = double(b.pictures) * double(f.train.imageBytes()) / 1e6;
    const int64_t n = pictures > 0 ? std::min(pictures, b.pictures) : b.pictures;
    double fileBytes = 0;
    for (int64_t i = 0; i < n; ++i)
        fileBytes += double(std::filesystem::file_size(f.train.files->paths[size_t(f.train.fileIndex[size_t(i)])]));
    b.fileMegabytes = fileBytes / 1e6 * double(b.pictures) / double(std::max<int64_t>(n, 1));

    constexpr int64_t kBatch = 128;
    std::vector<uint8_t> buffer(size_t(kBatch * f.train.imageBytes()));
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    for (int threads : {1, cores}) {
        if (threads == 1 && cores == 1 && !b.lines.empty()) break;
        ImageSet set = f.train;
        auto files = std::make_shared<ImageFiles>(*f.train.files);
        files->threads = threads;
        set.files = files;
        int64_t done = 0;
        double read = 0;
        const auto start = clock::now();
        double seconds = 0;
        for (int64_t at = 0; seconds < minSeconds || done == 0; at = (at + kBatch) % std::max<int64_t>(n, 1)) {
            std::vector<int64_t> idx;
            for (int64_t i = at; i < std::min(at + kBatch, n); ++i) idx.push_back(i);
            if (idx.empty()) throw Error(folder + ": no pictures to read");
            set.read(idx, buffer.data());
            done += int64_t(idx.size());
            read += fileBytes / double(n) * double(idx.size());
            seconds = std::chrono::duration<double>(clock::now() - start).count();
        }
        b.lines.push_back({threads, double(done) / seconds, read / 1e6 / seconds});
    }
    b.peakRssMegabytes = bench::peakRssMegabytes();
    return b;
}

} // namespace eqnet
