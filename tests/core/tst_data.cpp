// The data layer (eqnet/data.h): the real Fashion-MNIST files, the IDX and CIFAR-10 readers
// on crafted good and damaged files, the synthetic set, the split and the statistics.
#include "error_check.h"
#include "eqtest.h"
#include "noise_bytes.h"
#include "image_writer.h"

#include "eqnet/data.h"
#include "eqnet/error.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#ifndef EQ_TEST_DATA_DIR
#define EQ_TEST_DATA_DIR "/usr/share/datasets/fashion-mnist"
#endif

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

const std::string kDataDir = EQ_TEST_DATA_DIR;

std::string realPath(const char* name) { return kDataDir + "/" + name; }

// The real training set, read once for all the cases that need it (about a second).
const ImageSet& realTrain() {
    static const ImageSet set =
        readIdx(realPath("train-images-idx3-ubyte.gz"), realPath("train-labels-idx1-ubyte.gz"));
    return set;
}

// ---- crafting files


Bytes readFile(const std::string& path) {
    Bytes b(size_t(fs::file_size(path)));
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(b.data()), std::streamsize(b.size()));
    if (!in) throw std::runtime_error("test setup: cannot read " + path);
    return b;
}

void writeGz(const std::string& path, const Bytes& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("test setup: cannot open " + path);
    const int n = bytes.empty() ? 0 : gzwrite(f, bytes.data(), unsigned(bytes.size()));
    const int rc = gzclose(f);
    if (n != int(bytes.size()) || rc != Z_OK)
        throw std::runtime_error("test setup: gzwrite " + path);
}

void putBE32(Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

Bytes idxImages(uint32_t n, uint32_t h, uint32_t w, const Bytes& pixels) {
    Bytes b;
    putBE32(b, 0x00000803);
    putBE32(b, n);
    putBE32(b, h);
    putBE32(b, w);
    b.insert(b.end(), pixels.begin(), pixels.end());
    return b;
}

Bytes idxLabels(const Bytes& labels) {
    Bytes b;
    putBE32(b, 0x00000801);
    putBE32(b, uint32_t(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

using eqtest::noise;

Bytes cyclicLabels(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = uint8_t(i % 10);
    return b;
}

// A valid pair of tiny IDX files in dir, returned as {images, labels} paths.
std::pair<std::string, std::string> writeTinyIdx(const std::string& dir, uint32_t n = 7) {
    const std::string img = dir + "/imgs-idx3-ubyte", lab = dir + "/labs-idx1-ubyte";
    eqtest::writeBytes(img, idxImages(n, 4, 3, noise(n * 12, 1)));
    eqtest::writeBytes(lab, idxLabels(cyclicLabels(n)));
    return {img, lab};
}

Bytes cifarRecords(const Bytes& labels, uint32_t seed) {
    Bytes b;
    const Bytes px = noise(labels.size() * 3072, seed);
    for (size_t i = 0; i < labels.size(); ++i) {
        b.push_back(labels[i]);
        b.insert(b.end(), px.begin() + std::ptrdiff_t(i * 3072),
                 px.begin() + std::ptrdiff_t((i + 1) * 3072));
    }
    return b;
}

// ---- helpers on sets

std::vector<int> classCounts(const ImageSet& s) {
    std::vector<int> counts(size_t(s.numClasses), 0);
    for (Label l : s.labels) counts[l]++;
    return counts;
}

// FNV-1a over each image with its label: a fingerprint per sample, for multiset comparisons.
std::vector<uint64_t> sampleHashes(const ImageSet& s) {
    std::vector<uint64_t> h(size_t(s.size()));
    const size_t bytes = size_t(s.imageBytes());
    for (size_t i = 0; i < h.size(); ++i) {
        uint64_t x = 1469598103934665603ull ^ s.labels[i];
        for (size_t k = 0; k < bytes; ++k) x = (x ^ s.pixels[i * bytes + k]) * 1099511628211ull;
        h[i] = x;
    }
    return h;
}

uint64_t fingerprint(const ImageSet& s) {
    uint64_t x = 1469598103934665603ull;
    for (uint8_t b : s.pixels) x = (x ^ b) * 1099511628211ull;
    for (Label b : s.labels) x = (x ^ b) * 1099511628211ull;
    return x;
}

// A set whose image i stores i in its 4 bytes, so a split reveals its indices.
ImageSet indexedSet(int64_t n) {
    ImageSet s;
    s.channels = 1;
    s.height = 1;
    s.width = 4;
    s.source = "indexed";
    for (int64_t i = 0; i < n; ++i) {
        putBE32(s.pixels, uint32_t(i));
        s.labels.push_back(Label(i % 10));
    }
    return s;
}

std::vector<int64_t> indicesOf(const ImageSet& s) {
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < s.size(); ++i) {
        const uint8_t* p = s.pixels.data() + i * 4;
        idx.push_back((int64_t(p[0]) << 24) | (int64_t(p[1]) << 16) | (int64_t(p[2]) << 8) | p[3]);
    }
    return idx;
}

// Accuracy of a nearest-class-mean classifier fitted on `train`, measured on `test`.
double nearestMeanAccuracy(const ImageSet& train, const ImageSet& test) {
    const size_t bytes = size_t(train.imageBytes()), classes = size_t(train.numClasses);
    std::vector<double> mean(classes * bytes, 0.0);
    std::vector<int> count(classes, 0);
    for (size_t i = 0; i < size_t(train.size()); ++i) {
        count[train.labels[i]]++;
        for (size_t k = 0; k < bytes; ++k)
            mean[train.labels[i] * bytes + k] += train.pixels[i * bytes + k];
    }
    for (size_t c = 0; c < classes; ++c)
        for (size_t k = 0; k < bytes; ++k) mean[c * bytes + k] /= std::max(1, count[c]);
    int correct = 0;
    for (size_t i = 0; i < size_t(test.size()); ++i) {
        size_t best = 0;
        double bestDist = 1e300;
        for (size_t c = 0; c < classes; ++c) {
            double d = 0;
            for (size_t k = 0; k < bytes; ++k) {
                const double e = test.pixels[i * bytes + k] - mean[c * bytes + k];
                d += e * e;
            }
            if (d < bestDist) bestDist = d, best = c;
        }
        correct += best == test.labels[i];
    }
    return double(correct) / double(test.size());
}

} // namespace

// ============================================================================ the real files

EQ_TEST(real_fashion_train) {
    const ImageSet& s = realTrain();
    EQ_COMPARE(s.size(), int64_t(60000));
    EQ_COMPARE(s.channels, int64_t(1));
    EQ_COMPARE(s.height, int64_t(28));
    EQ_COMPARE(s.width, int64_t(28));
    EQ_COMPARE(s.numClasses, 10);
    EQ_COMPARE(s.pixels.size(), size_t(60000 * 784));
    EQ_VERIFY(classCounts(s) == std::vector<int>(10, 6000));
    // `zcat train-labels-idx1-ubyte.gz | od -t u1`: the first label (byte 8) is 9.
    EQ_COMPARE(int(s.labels[0]), 9);
    EQ_VERIFY2(s.source.find("train-images-idx3-ubyte") != std::string::npos, s.source);
}

EQ_TEST(real_fashion_test) {
    const ImageSet s =
        readIdx(realPath("t10k-images-idx3-ubyte.gz"), realPath("t10k-labels-idx1-ubyte.gz"));
    EQ_COMPARE(s.size(), int64_t(10000));
    EQ_COMPARE(s.height, int64_t(28));
    EQ_COMPARE(s.width, int64_t(28));
    EQ_VERIFY(classCounts(s) == std::vector<int>(10, 1000));
    EQ_COMPARE(int(s.labels[0]), 9);
}

EQ_TEST(real_fashion_statistics) {
    std::vector<float> mean, sd;
    channelStats(realTrain(), mean, sd);
    EQ_COMPARE(mean.size(), size_t(1));
    EQ_COMPARE(sd.size(), size_t(1));
    // Measured independently (Python over the decompressed bytes): 0.286041, 0.353024.
    EQ_NEAR(mean[0], 0.2860, 0.001);
    EQ_NEAR(sd[0], 0.3530, 0.001);
}

EQ_TEST(real_load_default) {
    DataSpec spec; // the defaults: 5,000 validation images, split seed 0
    spec.dir = kDataDir;
    const Dataset ds = loadDataset(spec);
    EQ_COMPARE(ds.name, std::string("fashion-mnist"));
    EQ_COMPARE(ds.train.size(), int64_t(55000));
    EQ_COMPARE(ds.val.size(), int64_t(5000));
    EQ_COMPARE(ds.test.size(), int64_t(10000));
    EQ_COMPARE(ds.mean.size(), size_t(1));
    EQ_NEAR(ds.mean[0], 0.2860, 0.002); // on 55,000 of the 60,000 images
    EQ_NEAR(ds.std[0], 0.3530, 0.002);

    // The documented split of the training files, nothing else.
    ImageSet train, val;
    splitTrainValidation(realTrain(), 5000, 0, train, val);
    EQ_VERIFY(train.pixels == ds.train.pixels && train.labels == ds.train.labels);
    EQ_VERIFY(val.pixels == ds.val.pixels && val.labels == ds.val.labels);

    // Together, train and validation are exactly the 60,000 training images.
    std::vector<uint64_t> parts = sampleHashes(ds.train), whole = sampleHashes(realTrain());
    const std::vector<uint64_t> v = sampleHashes(ds.val);
    parts.insert(parts.end(), v.begin(), v.end());
    std::sort(parts.begin(), parts.end());
    std::sort(whole.begin(), whole.end());
    EQ_VERIFY(parts == whole);

    // Another seed holds out other images.
    ImageSet train2, val2;
    splitTrainValidation(realTrain(), 5000, 1, train2, val2);
    EQ_VERIFY(val2.pixels != ds.val.pixels);
}

// ============================================================================ split

EQ_TEST(split_deterministic_and_disjoint) {
    const ImageSet all = indexedSet(1000);
    ImageSet t1, v1, t2, v2, t3, v3;
    splitTrainValidation(all, 100, 42, t1, v1);
    splitTrainValidation(all, 100, 42, t2, v2);
    splitTrainValidation(all, 100, 43, t3, v3);
    const auto ti = indicesOf(t1), vi = indicesOf(v1);
    EQ_COMPARE(ti.size(), size_t(900));
    EQ_COMPARE(vi.size(), size_t(100));
    EQ_VERIFY(std::is_sorted(ti.begin(), ti.end()));
    EQ_VERIFY(std::is_sorted(vi.begin(), vi.end()));
    std::vector<int64_t> both = ti;
    both.insert(both.end(), vi.begin(), vi.end());
    std::sort(both.begin(), both.end());
    for (int64_t i = 0; i < 1000; ++i) EQ_COMPARE(both[size_t(i)], i); // disjoint and complete
    EQ_VERIFY(indicesOf(v2) == vi && indicesOf(t2) == ti);             // same seed
    EQ_VERIFY(indicesOf(v3) != vi);                                    // other seed
    // Labels travel with their images.
    for (int64_t k = 0; k < v1.size(); ++k)
        EQ_COMPARE(int(v1.labels[size_t(k)]), int(vi[size_t(k)] % 10));
    // The held-out images are spread over the set, not a block at one end.
    EQ_VERIFY(vi.front() < 100 && vi.back() > 900);

    // An empty validation set is allowed; the output may alias the input.
    ImageSet t4, v4;
    splitTrainValidation(all, 0, 42, t4, v4);
    EQ_COMPARE(t4.size(), int64_t(1000));
    EQ_COMPARE(v4.size(), int64_t(0));
    ImageSet self = all, held;
    splitTrainValidation(self, 100, 42, self, held);
    EQ_VERIFY(indicesOf(self) == ti && indicesOf(held) == vi);
}

EQ_TEST(split_bad_sizes) {
    const ImageSet all = indexedSet(10);
    ImageSet t, v;
    EQ_ERROR(splitTrainValidation(all, -1, 0, t, v), "-1", "10");
    EQ_ERROR(splitTrainValidation(all, 10, 0, t, v), "validation size 10", "10");
    EQ_ERROR(splitTrainValidation(all, 11, 0, t, v), "11", "10");
    EQ_ERROR(splitTrainValidation(ImageSet{}, 0, 0, t, v), "validation size 0");
}

EQ_TEST(subset_and_stats) {
    ImageSet s;
    s.channels = 2;
    s.height = 1;
    s.width = 2;
    s.numClasses = 3;
    s.pixels = {0, 255, 51, 51, /**/ 255, 0, 51, 51};
    s.labels = {1, 2};
    std::vector<float> mean, sd;
    channelStats(s, mean, sd);
    EQ_COMPARE(mean.size(), size_t(2));
    EQ_NEAR(mean[0], 0.5, 1e-6);
    EQ_NEAR(sd[0], 0.5, 1e-6);
    EQ_NEAR(mean[1], 0.2, 1e-6);
    EQ_NEAR(sd[1], 1.0, 1e-6); // a constant channel reports 1: normalising by it is harmless

    const ImageSet sub = s.subset({1, 1, 0});
    EQ_COMPARE(sub.size(), int64_t(3));
    EQ_COMPARE(sub.numClasses, 3);
    EQ_VERIFY(sub.labels == std::vector<Label>({2, 2, 1}));
    EQ_VERIFY(sub.pixels == Bytes({255, 0, 51, 51, 255, 0, 51, 51, 0, 255, 51, 51}));
    EQ_ERROR(s.subset({0, 2}), "index 2");
    EQ_ERROR(s.subset({-1}), "index -1");

    ImageSet broken = s;
    broken.pixels.pop_back(); // inconsistent sizes must be refused, never read past the end
    EQ_ERROR(channelStats(broken, mean, sd), "inconsistent");
    EQ_ERROR(broken.subset({1}), "inconsistent");
}

// ============================================================================ IDX, good files

EQ_TEST(idx_roundtrip_plain_and_gzip) {
    const std::string dir = eqtest::scratchDir();
    const Bytes pixels = noise(5 * 6 * 4, 3);
    const Bytes labels = {3, 1, 4, 1, 5};
    eqtest::writeBytes(dir + "/i", idxImages(5, 6, 4, pixels));
    eqtest::writeBytes(dir + "/l", idxLabels(labels));
    writeGz(dir + "/i.gz", idxImages(5, 6, 4, pixels));
    writeGz(dir + "/l.gz", idxLabels(labels));
    for (const std::string& suffix : {std::string(), std::string(".gz")}) {
        const ImageSet s = readIdx(dir + "/i" + suffix, dir + "/l" + suffix);
        EQ_COMPARE(s.size(), int64_t(5));
        EQ_COMPARE(s.channels, int64_t(1));
        EQ_COMPARE(s.height, int64_t(6));
        EQ_COMPARE(s.width, int64_t(4));
        EQ_COMPARE(s.numClasses, 10);
        EQ_VERIFY(s.pixels == pixels);
        EQ_VERIFY(s.labels == std::vector<Label>(labels.begin(), labels.end()));
        EQ_COMPARE(s.source, dir + "/i" + suffix);
    }
    // Mixed: gzip images with plain labels.
    EQ_VERIFY(readIdx(dir + "/i.gz", dir + "/l").pixels == pixels);
}

// ============================================================================ IDX, damaged files

EQ_TEST(idx_missing_file) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir);
    const std::string img = tiny.first, lab = tiny.second;
    EQ_ERROR(readIdx(dir + "/nope-images.gz", lab), dir + "/nope-images.gz", "not found");
    EQ_ERROR(readIdx(img, dir + "/nope-labels"), dir + "/nope-labels", "not found");
    EQ_ERROR(readIdx(dir, lab), dir, "not a regular file");
}

EQ_TEST(idx_wrong_magic) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir);
    const std::string img = tiny.first, lab = tiny.second;
    // Swapped paths: each file carries the other magic number.
    EQ_ERROR(readIdx(lab, lab),
             lab + ": wrong magic number 0x00000801, expected 0x00000803 (IDX images)", "swapped");
    EQ_ERROR(readIdx(img, img),
             img + ": wrong magic number 0x00000803, expected 0x00000801 (IDX labels)");
    Bytes floats = idxImages(1, 1, 1, {0});
    floats[2] = 0x0D; // an IDX file of floats
    eqtest::writeBytes(dir + "/floats", floats);
    EQ_ERROR(readIdx(dir + "/floats", lab), dir + "/floats", "wrong magic number 0x00000D03");
}

EQ_TEST(idx_truncated_plain) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir, 7);
    const std::string img = tiny.first, lab = tiny.second;
    Bytes b = readFile(img);
    b.resize(b.size() - 10); // 7 * 12 = 84 pixel bytes declared, 74 present
    eqtest::writeBytes(dir + "/short", b);
    EQ_ERROR(readIdx(dir + "/short", lab), dir + "/short", "truncated: expected 84 bytes of pixels",
             "got 74");
    b.resize(10); // inside the header
    eqtest::writeBytes(dir + "/short", b);
    EQ_ERROR(readIdx(dir + "/short", lab), dir + "/short", "truncated", "dimensions");
    b.resize(3); // not even a magic number
    eqtest::writeBytes(dir + "/short", b);
    EQ_ERROR(readIdx(dir + "/short", lab), dir + "/short", "truncated");
    Bytes l = readFile(lab);
    l.pop_back();
    eqtest::writeBytes(dir + "/shortlabels", l);
    EQ_ERROR(readIdx(img, dir + "/shortlabels"), dir + "/shortlabels",
             "truncated: expected 7 bytes of labels");
    eqtest::writeBytes(dir + "/empty", {});
    EQ_ERROR(readIdx(dir + "/empty", lab), dir + "/empty", "empty");
}

EQ_TEST(idx_truncated_gzip) {
    const std::string dir = eqtest::scratchDir();
    const uint32_t n = 200;
    writeGz(dir + "/i.gz", idxImages(n, 28, 28, noise(n * 784, 9)));
    eqtest::writeBytes(dir + "/l", idxLabels(cyclicLabels(n)));
    EQ_VERIFY(readIdx(dir + "/i.gz", dir + "/l").size() == n); // the whole file is fine
    Bytes gz = readFile(dir + "/i.gz");
    EQ_VERIFY(gz.size() > 100000);
    gz.resize(gz.size() / 2);
    eqtest::writeBytes(dir + "/cut.gz", gz);
    EQ_ERROR(readIdx(dir + "/cut.gz", dir + "/l"), dir + "/cut.gz", "truncated", "gzip");
    // Cut just before the 8-byte trailer: all pixels arrive, the stream still did not end.
    gz = readFile(dir + "/i.gz");
    gz.resize(gz.size() - 8);
    eqtest::writeBytes(dir + "/notrailer.gz", gz);
    EQ_ERROR(readIdx(dir + "/notrailer.gz", dir + "/l"), dir + "/notrailer.gz", "truncated gzip");
}

EQ_TEST(idx_bad_gzip) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir);
    const std::string img = tiny.first, lab = tiny.second;
    // Not gzip at all, but named .gz.
    const std::string text = "this is not a gzip file, just some text in the way";
    eqtest::writeBytes(dir + "/garbage.gz", Bytes(text.begin(), text.end()));
    EQ_ERROR(readIdx(dir + "/garbage.gz", lab), dir + "/garbage.gz", "gzip");
    // A gzip header followed by an invalid deflate block.
    Bytes bad = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03};
    const Bytes junk = noise(400, 5);
    bad.insert(bad.end(), junk.begin(), junk.end());
    bad[10] = 0xFF; // BFINAL=1, BTYPE=11: reserved, always invalid
    eqtest::writeBytes(dir + "/bad.gz", bad);
    EQ_ERROR(readIdx(dir + "/bad.gz", lab), dir + "/bad.gz", "corrupt gzip");
    // Valid deflate data whose CRC-32 does not match.
    writeGz(dir + "/crc.gz", readFile(img));
    Bytes crc = readFile(dir + "/crc.gz");
    crc[crc.size() - 8] ^= 0x55;
    eqtest::writeBytes(dir + "/crc.gz", crc);
    EQ_ERROR(readIdx(dir + "/crc.gz", lab), dir + "/crc.gz", "corrupt gzip");
}

EQ_TEST(idx_counts_disagree) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir, 7);
    const std::string img = tiny.first, lab = tiny.second;
    eqtest::writeBytes(dir + "/l6", idxLabels(cyclicLabels(6)));
    EQ_ERROR(readIdx(img, dir + "/l6"), img, dir + "/l6", "7 images", "6 labels", "disagree");
}

EQ_TEST(idx_trailing_bytes) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir, 7);
    const std::string img = tiny.first, lab = tiny.second;
    Bytes b = readFile(img);
    b.push_back(0);
    b.push_back(0);
    b.push_back(0);
    eqtest::writeBytes(dir + "/long", b);
    EQ_ERROR(readIdx(dir + "/long", lab), dir + "/long", "3 trailing bytes");
    writeGz(dir + "/long.gz", b);
    EQ_ERROR(readIdx(dir + "/long.gz", lab), dir + "/long.gz", "trailing bytes");
    Bytes l = readFile(lab);
    l.push_back(1);
    eqtest::writeBytes(dir + "/longlabels", l);
    EQ_ERROR(readIdx(img, dir + "/longlabels"), dir + "/longlabels", "1 trailing bytes");
}

EQ_TEST(idx_label_out_of_range) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir, 7);
    const std::string img = tiny.first, lab = tiny.second;
    eqtest::writeBytes(dir + "/badlabels", idxLabels({0, 1, 2, 3, 4, 12, 6}));
    EQ_ERROR(readIdx(img, dir + "/badlabels"), dir + "/badlabels",
             "label 12 at index 5 out of range 0..9");
}

EQ_TEST(idx_absurd_header) {
    const std::string dir = eqtest::scratchDir();
    const auto tiny = writeTinyIdx(dir);
    const std::string img = tiny.first, lab = tiny.second;
    eqtest::writeBytes(dir + "/zero", idxImages(0, 28, 28, {}));
    EQ_ERROR(readIdx(dir + "/zero", lab), dir + "/zero", "absurd header", "image count is zero");
    eqtest::writeBytes(dir + "/zerow", idxImages(7, 28, 0, {}));
    EQ_ERROR(readIdx(dir + "/zerow", lab), dir + "/zerow", "image width is zero");
    // Claims 2^32-1 images of 65535 x 65535 in a 16-byte file: refused before any allocation.
    eqtest::writeBytes(dir + "/huge", idxImages(0xFFFFFFFFu, 0xFFFF, 0xFFFF, {}));
    EQ_ERROR(readIdx(dir + "/huge", lab), dir + "/huge", "absurd header", "exceed");
    // Plausible but larger than the file: a truncation, found without allocating it all.
    eqtest::writeBytes(dir + "/big", idxImages(1000000, 100, 10, noise(100, 1)));
    EQ_ERROR(readIdx(dir + "/big", lab), dir + "/big", "truncated: expected 1000000000 bytes",
             "got 100");
    Bytes l;
    putBE32(l, 0x00000801);
    putBE32(l, 0);
    eqtest::writeBytes(dir + "/nolabels", l);
    EQ_ERROR(readIdx(img, dir + "/nolabels"), dir + "/nolabels", "label count is zero");
}

// ============================================================================ CIFAR-10

EQ_TEST(cifar_roundtrip) {
    const std::string dir = eqtest::scratchDir();
    const Bytes a = cifarRecords({0, 9, 4}, 1), b = cifarRecords({7, 7}, 2);
    eqtest::writeBytes(dir + "/a.bin", a);
    writeGz(dir + "/b.bin.gz", b);
    const ImageSet s = readCifar10({dir + "/a.bin", dir + "/b.bin.gz"});
    EQ_COMPARE(s.size(), int64_t(5));
    EQ_COMPARE(s.channels, int64_t(3));
    EQ_COMPARE(s.height, int64_t(32));
    EQ_COMPARE(s.width, int64_t(32));
    EQ_COMPARE(s.numClasses, 10);
    EQ_VERIFY(s.labels == std::vector<Label>({0, 9, 4, 7, 7}));
    EQ_COMPARE(s.pixels.size(), size_t(5 * 3072));
    // Record r's bytes 1..3072 are image r, channel-first as stored.
    EQ_VERIFY(std::equal(a.begin() + 1, a.begin() + 3073, s.pixels.begin()));
    EQ_VERIFY(std::equal(a.begin() + 3073 * 2 + 1, a.end(), s.pixels.begin() + 2 * 3072));
    EQ_VERIFY(std::equal(b.begin() + 3073 + 1, b.end(), s.pixels.begin() + 4 * 3072));
    EQ_VERIFY2(s.source.find("a.bin") != std::string::npos, s.source);
}

EQ_TEST(cifar_damaged) {
    const std::string dir = eqtest::scratchDir();
    EQ_ERROR(readCifar10({}), "no CIFAR-10 batch files");
    EQ_ERROR(readCifar10({dir + "/missing.bin"}), dir + "/missing.bin", "not found");
    Bytes r = cifarRecords({1, 2}, 3);
    r.pop_back();
    eqtest::writeBytes(dir + "/short.bin", r);
    EQ_ERROR(readCifar10({dir + "/short.bin"}), dir + "/short.bin",
             "not a whole number of 3073-byte records");
    eqtest::writeBytes(dir + "/ok.bin", cifarRecords({1}, 3));
    eqtest::writeBytes(dir + "/label.bin", cifarRecords({1, 2, 10}, 3));
    EQ_ERROR(readCifar10({dir + "/ok.bin", dir + "/label.bin"}), dir + "/label.bin",
             "label 10 in record 2 out of range 0..9");
    eqtest::writeBytes(dir + "/empty.bin", {});
    EQ_ERROR(readCifar10({dir + "/empty.bin"}), dir + "/empty.bin", "empty");
    writeGz(dir + "/cut.bin.gz", cifarRecords({1, 2, 3, 4, 5, 6, 7, 8}, 4));
    Bytes gz = readFile(dir + "/cut.bin.gz");
    gz.resize(gz.size() / 2);
    eqtest::writeBytes(dir + "/cut.bin.gz", gz);
    EQ_ERROR(readCifar10({dir + "/cut.bin.gz"}), dir + "/cut.bin.gz", "truncated gzip");
}

// ============================================================================ loadDataset

EQ_TEST(load_missing) {
    const std::string dir = eqtest::scratchDir();
    DataSpec spec;
    spec.dir = dir + "/absent";
    EQ_ERROR(loadDataset(spec), dir + "/absent", "does not exist", "train-images-idx3-ubyte");
    spec.dir = dir; // exists, holds nothing
    EQ_ERROR(loadDataset(spec), dir, "train-images-idx3-ubyte[.gz]", "t10k-labels-idx1-ubyte[.gz]",
             "data_batch_1.bin", "test_batch.bin");
    spec.format = DataFormat::Cifar10;
    EQ_ERROR(loadDataset(spec), dir, "data_batch_1.bin", "cifar-10-batches-bin");
    // Three of the four IDX files: the missing one is named.
    eqtest::writeBytes(dir + "/train-images-idx3-ubyte", idxImages(3, 2, 2, noise(12, 1)));
    eqtest::writeBytes(dir + "/train-labels-idx1-ubyte", idxLabels({1, 2, 3}));
    eqtest::writeBytes(dir + "/t10k-images-idx3-ubyte", idxImages(1, 2, 2, noise(4, 1)));
    spec.format = DataFormat::Auto;
    EQ_ERROR(loadDataset(spec), dir, "lacks the IDX files t10k-labels-idx1-ubyte[.gz] (");
}

EQ_TEST(load_idx_choices) {
    const std::string scratch = eqtest::scratchDir(); // one per case: a second call clears it
    const std::string dir = scratch + "/My-Fashion-Copy";
    fs::create_directories(dir);
    // Plain and gzip copies side by side with different contents: the plain one is used.
    eqtest::writeBytes(dir + "/train-images-idx3-ubyte", idxImages(6, 2, 2, noise(24, 1)));
    eqtest::writeBytes(dir + "/train-labels-idx1-ubyte", idxLabels({0, 1, 2, 3, 4, 5}));
    writeGz(dir + "/train-images-idx3-ubyte.gz", idxImages(5, 2, 2, noise(20, 2)));
    writeGz(dir + "/train-labels-idx1-ubyte.gz", idxLabels({0, 1, 2, 3, 4}));
    writeGz(dir + "/t10k-images-idx3-ubyte.gz", idxImages(2, 2, 2, noise(8, 3)));
    writeGz(dir + "/t10k-labels-idx1-ubyte.gz", idxLabels({8, 9}));
    DataSpec spec;
    spec.dir = dir;
    spec.validationSize = 2;
    Dataset ds = loadDataset(spec);
    EQ_COMPARE(ds.name, std::string("fashion-mnist"));
    EQ_COMPARE(ds.train.size() + ds.val.size(), int64_t(6));
    EQ_COMPARE(ds.val.size(), int64_t(2));
    EQ_COMPARE(ds.test.size(), int64_t(2));
    EQ_COMPARE(ds.mean.size(), size_t(1));
    std::vector<float> mean, sd;
    channelStats(ds.train, mean, sd);
    EQ_COMPARE(ds.mean[0], mean[0]); // the statistics come from the training split
    EQ_COMPARE(ds.std[0], sd[0]);

    const std::string plain = scratch + "/digits";
    fs::create_directories(plain);
    fs::copy(dir, plain);
    spec.dir = plain;
    spec.format = DataFormat::Idx;
    EQ_COMPARE(loadDataset(spec).name, std::string("mnist"));
    // A test set of another image size is refused.
    writeGz(plain + "/t10k-images-idx3-ubyte.gz", idxImages(2, 3, 3, noise(18, 3)));
    EQ_ERROR(loadDataset(spec), "2x2", "3x3");
    // Validation may not take every training image.
    spec.dir = dir;
    spec.validationSize = 6;
    EQ_ERROR(loadDataset(spec), "validation size 6");
}

EQ_TEST(load_cifar_subfolder) {
    const std::string dir = eqtest::scratchDir();
    const std::string sub = dir + "/cifar-10-batches-bin";
    fs::create_directories(sub);
    for (int i = 1; i <= 5; ++i)
        eqtest::writeBytes(sub + "/data_batch_" + std::to_string(i) + ".bin",
                  cifarRecords({uint8_t(i), uint8_t(i + 1)}, uint32_t(i)));
    eqtest::writeBytes(sub + "/test_batch.bin", cifarRecords({0, 1, 2}, 9));
    DataSpec spec;
    spec.dir = dir; // Auto finds no IDX files, then the CIFAR-10 folder
    spec.validationSize = 3;
    const Dataset ds = loadDataset(spec);
    EQ_COMPARE(ds.name, std::string("cifar10"));
    EQ_COMPARE(ds.train.size(), int64_t(7));
    EQ_COMPARE(ds.val.size(), int64_t(3));
    EQ_COMPARE(ds.test.size(), int64_t(3));
    EQ_COMPARE(ds.mean.size(), size_t(3));
    EQ_COMPARE(ds.std.size(), size_t(3));
    EQ_COMPARE(ds.train.channels, int64_t(3));
}

EQ_TEST(load_synthetic) {
    DataSpec spec;
    spec.dir = "/nonexistent"; // not consulted
    spec.format = DataFormat::Synthetic;
    spec.syntheticTrain = 300;
    spec.syntheticTest = 100;
    spec.validationSize = 50;
    spec.splitSeed = 5;
    const Dataset a = loadDataset(spec), b = loadDataset(spec);
    EQ_COMPARE(a.name, std::string("synthetic"));
    EQ_COMPARE(a.train.size(), int64_t(300));
    EQ_COMPARE(a.val.size(), int64_t(50));
    EQ_COMPARE(a.test.size(), int64_t(100));
    EQ_COMPARE(a.train.height, int64_t(28));
    EQ_COMPARE(a.train.channels, int64_t(1));
    EQ_VERIFY(fingerprint(a.train) == fingerprint(b.train) &&
              fingerprint(a.test) == fingerprint(b.test));
    EQ_VERIFY(fingerprint(a.val) == fingerprint(b.val));
    EQ_VERIFY(a.test.pixels != std::vector<uint8_t>(a.test.pixels.size(), 0));
    spec.splitSeed = 6;
    EQ_VERIFY(fingerprint(loadDataset(spec).train) != fingerprint(a.train));
}

// ============================================================================ synthetic

EQ_TEST(synthetic_deterministic) {
    const ImageSet a = makeSynthetic(200, 3, 16, 12, 10, 7),
                   b = makeSynthetic(200, 3, 16, 12, 10, 7);
    const ImageSet c = makeSynthetic(200, 3, 16, 12, 10, 8);
    EQ_VERIFY(a.pixels == b.pixels && a.labels == b.labels);
    EQ_VERIFY(a.pixels != c.pixels);
    EQ_VERIFY(a.labels != c.labels);
    EQ_COMPARE(a.source, std::string("synthetic(seed=7)"));
    EQ_COMPARE(a.pixels.size(), size_t(200 * 3 * 16 * 12));
    EQ_COMPARE(a.channels, int64_t(3));
    EQ_COMPARE(a.height, int64_t(16));
    EQ_COMPARE(a.width, int64_t(12));
    // The exact bytes, pinned: integer arithmetic only, so every compiler and machine agrees.
    // (Retuning the generator changes this number on purpose.)
    EQ_COMPARE(fingerprint(makeSynthetic(20, 1, 28, 28, 10, 1)), uint64_t(10839294683281858409ull));
}

EQ_TEST(synthetic_balanced) {
    const ImageSet s = makeSynthetic(1000, 1, 8, 8, 10, 3);
    EQ_VERIFY(classCounts(s) == std::vector<int>(10, 100));
    const ImageSet odd = makeSynthetic(1003, 1, 8, 8, 10, 3);
    const std::vector<int> counts = classCounts(odd);
    EQ_VERIFY(counts[0] == 101 && counts[1] == 101 && counts[2] == 101 && counts[3] == 100 &&
              counts[9] == 100);
    // Shuffled, not 0,1,2,...
    int inOrder = 0;
    for (size_t i = 0; i < 100; ++i) inOrder += s.labels[i] == i % 10;
    EQ_VERIFY2(inOrder < 40, std::to_string(inOrder));
    EQ_COMPARE(makeSynthetic(0, 1, 4, 4, 10, 1).size(), int64_t(0));
    EQ_VERIFY(classCounts(makeSynthetic(30, 1, 4, 4, 3, 1)) == std::vector<int>(3, 10));
}

EQ_TEST(synthetic_learnable) {
    // Different seeds give different samples of the same classes.
    const ImageSet train = makeSynthetic(1000, 1, 28, 28, 10, 11);
    const ImageSet test = makeSynthetic(500, 1, 28, 28, 10, 12);
    const double acc = nearestMeanAccuracy(train, test);
    // 0.57 here: far above chance (0.1), far from perfect.
    EQ_VERIFY2(acc > 0.40 && acc < 0.95, std::to_string(acc));
    std::vector<float> mean, sd;
    channelStats(train, mean, sd);
    EQ_VERIFY2(mean[0] > 0.2 && mean[0] < 0.8 && sd[0] > 0.1,
               std::to_string(mean[0]) + " " + std::to_string(sd[0]));
}

EQ_TEST(synthetic_bad_arguments) {
    EQ_ERROR(makeSynthetic(-1, 1, 28, 28, 10, 0), "n=-1");
    EQ_ERROR(makeSynthetic(10, 0, 28, 28, 10, 0), "0x28x28");
    EQ_ERROR(makeSynthetic(10, 1, 28, 28, 0, 0), "classes=0");
    EQ_ERROR(makeSynthetic(10, 1, 28, 28, 300, 0), "classes=300");
    EQ_ERROR(makeSynthetic(int64_t(1) << 40, 1, 28, 28, 10, 0), "limit");
}

// ============================================================================ formats

EQ_TEST(data_format_names) {
    for (DataFormat f : {DataFormat::Auto, DataFormat::Idx, DataFormat::Cifar10, DataFormat::Folder,
                         DataFormat::Synthetic})
        EQ_VERIFY(parseDataFormat(dataFormatName(f)) == f);
    EQ_COMPARE(dataFormatName(DataFormat::Cifar10), std::string("cifar10"));
    EQ_COMPARE(dataFormatName(DataFormat::Folder), std::string("folder"));
    EQ_VERIFY(parseDataFormat("IDX") == DataFormat::Idx);
    EQ_ERROR(parseDataFormat("mnist"), "'mnist'", "auto, idx, cifar10, folder, synthetic");
    EQ_ERROR(parseDataFormat(""), "unknown data format");
}
