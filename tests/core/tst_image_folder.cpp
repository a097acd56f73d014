// Image folders (eqnet/image_folder.h) on real PNG and JPEG files written from Fashion-MNIST:
// classes and labels, nested folders, unreadable and non-picture files, the limit, the
// errors, held-out test splits, fitting to a model's input, streaming from disk against
// keeping in memory (the same pictures, statistics, batches and training), augmentation,
// and what a run records.
#include "error_check.h"
#include "eqtest.h"
#include "image_writer.h"

#include "engine/batches.h"
#include "eqnet/augmentation.h"
#include "eqnet/data.h"
#include "eqnet/fp_training.h"
#include "eqnet/image_folder.h"
#include "eqnet/model_spec.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;
constexpr int64_t kSide = 28, kBytes = kSide * kSide;

// Four Fashion-MNIST classes under names whose byte order differs from their label order:
// labels 0 (T-shirt), 1 (trouser), 8 (bag), 9 (ankle boot) become bag=0, boot=1, trouser=2,
// tshirt=3.
const std::map<int, std::string> kClassName = {{0, "tshirt"}, {1, "trouser"}, {8, "bag"}, {9, "boot"}};
const std::vector<std::string> kSorted = {"bag", "boot", "trouser", "tshirt"};
constexpr int kPngPerClass = 8, kJpegPerClass = 4, kTestPerClass = 3;

const ImageSet& fashion() {
    static const ImageSet set = readIdx(std::string(EQ_TEST_DATA_DIR) + "/t10k-images-idx3-ubyte.gz",
                                        std::string(EQ_TEST_DATA_DIR) + "/t10k-labels-idx1-ubyte.gz");
    return set;
}

void writeText(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

struct Source {
    Bytes pixels;
    int label = 0; // the folder's label (index in kSorted)
    bool lossless = true;
};

// DIR/train/<class>/... with PNGs (some two folders deep) and JPEGs, DIR/val/<class>/...,
// and the traps: a truncated PNG, text named .jpg, a README, hidden files.
struct Folder {
    std::string dir;
    std::vector<Source> train, test;
};

Folder makeFolder(const std::string& dir, bool withVal = true) {
    fs::remove_all(dir);
    Folder f{dir, {}, {}};
    const ImageSet& src = fashion();
    std::map<int, int> taken;
    for (int64_t i = 0; i < src.size(); ++i) {
        const int fm = src.labels[size_t(i)];
        auto name = kClassName.find(fm);
        if (name == kClassName.end()) continue;
        const int n = taken[fm]++;
        if (n >= kPngPerClass + kJpegPerClass + kTestPerClass) continue;
        const uint8_t* px = src.pixels.data() + i * kBytes;
        const int label = int(std::find(kSorted.begin(), kSorted.end(), name->second) - kSorted.begin());
        Source s{Bytes(px, px + kBytes), label, true};
        const std::string cls = name->second, id = std::to_string(i);
        if (n < kPngPerClass) {
            const std::string sub = n % 3 == 0 ? "/batch2/deeper" : n % 3 == 1 ? "/batch1" : "";
            fs::create_directories(dir + "/train/" + cls + sub);
            eqtest::writePng(dir + "/train/" + cls + sub + "/" + id + ".png", px, 1, kSide, kSide);
            f.train.push_back(s);
        } else if (n < kPngPerClass + kJpegPerClass) {
            eqtest::writeJpeg(dir + "/train/" + cls + "/" + id + (n % 2 ? ".JPG" : ".jpeg"), px, 1, kSide, kSide, 100);
            s.lossless = false;
            f.train.push_back(s);
        } else if (withVal) {
            fs::create_directories(dir + "/val/" + cls);
            eqtest::writePng(dir + "/val/" + cls + "/" + id + ".png", px, 1, kSide, kSide);
            f.test.push_back(s);
        }
    }
    // A PNG cut short, text pretending to be a JPEG, and files that are not pictures.
    Bytes cut;
    {
        eqtest::writePng(dir + "/whole.png", fashion().pixels.data(), 1, kSide, kSide);
        std::ifstream in(dir + "/whole.png", std::ios::binary);
        cut.assign(std::istreambuf_iterator<char>(in), {});
        fs::remove(dir + "/whole.png");
    }
    writeText(dir + "/train/boot/broken.png", std::string(cut.begin(), cut.begin() + std::ptrdiff_t(cut.size() / 2)));
    writeText(dir + "/train/tshirt/batch1/fake.jpg", "this is not a picture\n");
    writeText(dir + "/train/bag/README.txt", "notes about the bags\n");
    writeText(dir + "/train/bag/.DS_Store", "junk");
    writeText(dir + "/train/.cache/x.png", "a hidden folder is not a class");
    return f;
}

DataSpec folderSpec(const std::string& dir) {
    DataSpec spec;
    spec.dir = dir;
    spec.format = DataFormat::Folder;
    spec.imageChannels = 1;
    spec.imageHeight = spec.imageWidth = kSide;
    spec.validationSize = 8;
    return spec;
}

// The source picture (same label) closest to `px`, and the mean absolute difference.
std::pair<const Source*, double> closest(const std::vector<Source>& sources, const uint8_t* px, int label) {
    const Source* best = nullptr;
    double bestDiff = 1e9;
    for (const Source& s : sources) {
        if (s.label != label) continue;
        double d = 0;
        for (int64_t k = 0; k < kBytes; ++k) d += std::abs(int(s.pixels[size_t(k)]) - int(px[k]));
        d /= double(kBytes);
        if (d < bestDiff) {
            bestDiff = d;
            best = &s;
        }
    }
    return {best, bestDiff};
}

Bytes readAll(const ImageSet& set) {
    std::vector<int64_t> idx(size_t(set.size()));
    for (int64_t i = 0; i < set.size(); ++i) idx[size_t(i)] = i;
    Bytes out(size_t(set.size() * set.imageBytes()));
    set.read(idx, out.data());
    return out;
}

} // namespace

EQ_TEST(folder_classes_labels_and_pictures) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics");
    ImageFolderOptions opt;
    opt.channels = 1;
    opt.height = opt.width = kSide;
    const ImageFolder folder = readImageFolder(f.dir, opt);
    EQ_COMPARE(folder.classNames, kSorted);
    EQ_VERIFY(folder.hasTest);
    EQ_COMPARE(folder.testFolder, std::string("val"));
    EQ_COMPARE(folder.train.size(), int64_t(f.train.size()));
    EQ_COMPARE(folder.test.size(), int64_t(f.test.size()));
    EQ_COMPARE(folder.train.numClasses, 4);
    // A fixed shuffled order, not class by class: the first 8 pictures span several classes.
    EQ_VERIFY(std::set<Label>(folder.train.labels.begin(), folder.train.labels.begin() + 8).size() >= 3);
    EQ_VERIFY(!folder.train.streamed());
    EQ_COMPARE(folder.ignoredFiles, int64_t(1)); // README.txt (hidden files are not counted)
    // The two unreadable pictures, each named with its path and what is wrong.
    EQ_COMPARE(folder.skipped.size(), size_t(2));
    const std::string both = folder.skipped[0] + "\n" + folder.skipped[1];
    EQ_VERIFY2(both.find(f.dir + "/train/boot/broken.png: ") != std::string::npos, both);
    EQ_VERIFY2(both.find(f.dir + "/train/tshirt/batch1/fake.jpg: ") != std::string::npos, both);
    EQ_VERIFY2(both.find("not a PNG or JPEG") != std::string::npos, both);
    // Every picture is its source under the right label: PNGs exactly, JPEGs (quality 100)
    // within a small error; each source used once.
    std::set<const Source*> used;
    int exact = 0;
    for (int64_t i = 0; i < folder.train.size(); ++i) {
        const auto [src, diff] = closest(f.train, folder.train.pixels.data() + i * kBytes, folder.train.labels[size_t(i)]);
        EQ_VERIFY(src != nullptr);
        EQ_VERIFY2(used.insert(src).second, "picture " + std::to_string(i) + " matched twice");
        if (src->lossless) {
            EQ_COMPARE(diff, 0.0);
            ++exact;
        } else {
            EQ_VERIFY2(diff < 2.0, std::to_string(diff));
        }
    }
    EQ_COMPARE(exact, 4 * kPngPerClass);
    for (int64_t i = 0; i < folder.test.size(); ++i) {
        const auto [src, diff] = closest(f.test, folder.test.pixels.data() + i * kBytes, folder.test.labels[size_t(i)]);
        EQ_VERIFY(src != nullptr);
        EQ_COMPARE(diff, 0.0);
    }
}

EQ_TEST(folder_streamed_equals_cached) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics");
    DataSpec spec = folderSpec(f.dir);
    const Dataset cached = loadDataset(spec);
    spec.cacheMegabytes = 0;
    spec.decodeThreads = 3;
    const Dataset streamed = loadDataset(spec);
    EQ_VERIFY(!cached.train.streamed());
    EQ_VERIFY(streamed.train.streamed() && streamed.val.streamed() && streamed.test.streamed());
    EQ_VERIFY(streamed.train.pixels.empty());
    EQ_COMPARE(cached.format, DataFormat::Folder);
    EQ_COMPARE(cached.name, std::string("pics"));
    EQ_COMPARE(cached.skippedImages.size(), size_t(2));
    for (auto split : {&Dataset::train, &Dataset::val, &Dataset::test}) {
        const ImageSet& a = cached.*split;
        const ImageSet& b = streamed.*split;
        EQ_COMPARE(a.size(), b.size());
        EQ_VERIFY(a.labels == b.labels);
        EQ_VERIFY(readAll(a) == readAll(b));
        EQ_VERIFY(readAll(a) == a.pixels);
    }
    EQ_COMPARE(cached.val.size(), int64_t(8));
    EQ_COMPARE(cached.mean, streamed.mean); // from the sums gathered while checking
    EQ_COMPARE(cached.std, streamed.std);
    // A subset of a streamed set streams the same files.
    const ImageSet sub = streamed.train.subset({5, 0, 5});
    EQ_VERIFY(sub.streamed());
    Bytes expect;
    for (int64_t i : {5, 0, 5})
        expect.insert(expect.end(), cached.train.pixels.begin() + i * kBytes, cached.train.pixels.begin() + (i + 1) * kBytes);
    EQ_VERIFY(readAll(sub) == expect);
    // A picture that breaks after loading is named when a batch needs it.
    const std::string victim = streamed.train.files->paths[size_t(streamed.train.fileIndex[0])];
    writeText(victim, "gone");
    EQ_ERROR(readAll(streamed.train), victim, "was it changed since?");
}

EQ_TEST(folder_limit_and_errors) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics");
    DataSpec spec = folderSpec(f.dir);
    spec.badImageLimit = 1;
    EQ_ERROR(loadDataset(spec), "2 unreadable pictures", "limit of 1", "broken.png");
    spec.badImageLimit = 2;
    EQ_COMPARE(loadDataset(spec).skippedImages.size(), size_t(2));
    spec.badImageLimit = -1;

    // A class folder without pictures, or only unreadable ones.
    fs::create_directories(f.dir + "/train/empty/sub");
    writeText(f.dir + "/train/empty/sub/notes.md", "nothing here");
    EQ_ERROR(loadDataset(spec), f.dir + "/train/empty", "no pictures (.png, .jpg, .jpeg)");
    fs::remove_all(f.dir + "/train/empty");
    writeText(f.dir + "/train/zebra/z.png", "not a png");
    EQ_ERROR(loadDataset(spec), f.dir + "/train/zebra", "every picture in this class folder is unreadable");
    fs::remove_all(f.dir + "/train/zebra");
    // A test class the training set does not know.
    fs::create_directories(f.dir + "/val/unicorn");
    EQ_ERROR(loadDataset(spec), "class 'unicorn' has no folder in", f.dir + "/train");
    fs::remove_all(f.dir + "/val/unicorn");
    // No train/ folder, no class folders, a folder that does not exist.
    EQ_ERROR(loadDataset(folderSpec(f.dir + "/train")), "has no train/ folder", "train/<class>");
    fs::create_directories(f.dir + "/bare/train");
    EQ_ERROR(loadDataset(folderSpec(f.dir + "/bare")), f.dir + "/bare/train: no class folders");
    EQ_ERROR(loadDataset(folderSpec(f.dir + "/nowhere")), f.dir + "/nowhere", "does not exist");
    // Geometry the pictures cannot be fitted to.
    ImageFolderOptions bad;
    bad.channels = 2;
    EQ_ERROR(readImageFolder(f.dir, bad), "1 or 3 channels");
    bad.channels = 1;
    bad.height = -4;
    EQ_ERROR(readImageFolder(f.dir, bad), "1 or 3 channels");
}

EQ_TEST(folder_without_val_holds_out_a_test_split) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics", /*withVal=*/false);
    DataSpec spec = folderSpec(f.dir);
    spec.format = DataFormat::Auto; // recognised by its train/ folder
    EQ_COMPARE(detectDataFormat(spec), DataFormat::Folder);
    const Dataset ds = loadDataset(spec);
    const int64_t total = int64_t(f.train.size());
    EQ_COMPARE(ds.test.size(), int64_t(8));
    EQ_COMPARE(ds.val.size(), int64_t(8));
    EQ_COMPARE(ds.train.size(), total - 16);
    // The three splits are disjoint: every source picture appears exactly once.
    std::set<const Source*> used;
    for (const ImageSet* set : {&ds.train, &ds.val, &ds.test})
        for (int64_t i = 0; i < set->size(); ++i)
            EQ_VERIFY(used.insert(closest(f.train, set->pixels.data() + i * kBytes, set->labels[size_t(i)]).first).second);
    EQ_COMPARE(int64_t(used.size()), total);
    // Too few pictures to hold out both splits.
    spec.validationSize = total / 2;
    EQ_ERROR(loadDataset(spec), "has no val/ folder", "--val-size");
}

EQ_TEST(folder_fitted_to_the_model_input) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics");
    DataSpec spec;
    spec.dir = f.dir;
    spec.validationSize = 8;
    fitDataToModel(spec, defaultModelSpec("resnet20")); // meant for 3x32x32
    EQ_COMPARE(spec.imageChannels, int64_t(3));
    EQ_COMPARE(spec.imageHeight, int64_t(32));
    const Dataset ds = loadDataset(spec);
    EQ_COMPARE(ds.train.channels, int64_t(3));
    EQ_COMPARE(ds.train.height, int64_t(32));
    EQ_COMPARE(ds.train.width, int64_t(32));
    // Grey pictures become three equal channels.
    const int64_t plane = 32 * 32;
    const uint8_t* p = ds.train.pixels.data();
    EQ_VERIFY(std::equal(p, p + plane, p + plane) && std::equal(p, p + plane, p + 2 * plane));
    // Sizes the spec names are kept; other formats are left alone.
    DataSpec given = folderSpec(f.dir);
    fitDataToModel(given, defaultModelSpec("resnet20"));
    EQ_COMPARE(given.imageChannels, int64_t(1));
    DataSpec idx;
    fitDataToModel(idx, defaultModelSpec("resnet20"));
    EQ_COMPARE(idx.imageChannels, int64_t(0));
    // Without any size: the first picture's geometry.
    DataSpec open;
    open.dir = f.dir;
    open.validationSize = 8;
    const Dataset first = loadDataset(open);
    EQ_COMPARE(first.train.channels, int64_t(1));
    EQ_COMPARE(first.train.height, kSide);
}

EQ_TEST(augmentation_crop_and_flip) {
    // A 1x3x4 picture with distinct values.
    const Bytes pic = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Augmentation none;
    Bytes x = pic;
    augmentImage(x.data(), 1, 3, 4, none, 7);
    EQ_VERIFY(x == pic);
    EQ_COMPARE(augmentationName(none), std::string("none"));
    // Flip only: each seed either mirrors every row or leaves the picture; both happen.
    Augmentation flip;
    flip.horizontalFlip = true;
    EQ_COMPARE(augmentationName(flip), std::string("flip"));
    const Bytes mirrored = {4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9};
    int flips = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        Bytes y = pic;
        augmentImage(y.data(), 1, 3, 4, flip, seed);
        EQ_VERIFY(y == pic || y == mirrored);
        flips += y == mirrored;
    }
    EQ_VERIFY2(flips > 70 && flips < 130, std::to_string(flips));
    // Crop with padding 1: a shift by -1..1 in each direction, zeros where the padding shows;
    // all nine shifts happen, and the same seed gives the same picture.
    Augmentation crop;
    crop.cropPadding = 1;
    EQ_COMPARE(augmentationName(crop), std::string("crop1"));
    std::set<Bytes> seen;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        Bytes y = pic, z = pic;
        augmentImage(y.data(), 1, 3, 4, crop, seed);
        augmentImage(z.data(), 1, 3, 4, crop, seed);
        EQ_VERIFY(y == z);
        // Some shift (dy, dx) in [-1, 1]^2 explains y.
        bool explained = false;
        for (int dy = -1; dy <= 1 && !explained; ++dy)
            for (int dx = -1; dx <= 1 && !explained; ++dx) {
                bool ok = true;
                for (int r = 0; r < 3; ++r)
                    for (int c = 0; c < 4; ++c) {
                        const int sr = r + dy, sc = c + dx;
                        const int want = sr < 0 || sr >= 3 || sc < 0 || sc >= 4 ? 0 : pic[size_t(sr * 4 + sc)];
                        ok = ok && y[size_t(r * 4 + c)] == want;
                    }
                explained = ok;
            }
        EQ_VERIFY(explained);
        seen.insert(y);
    }
    EQ_COMPARE(seen.size(), size_t(9));
    crop.horizontalFlip = true;
    EQ_COMPARE(augmentationName(crop), std::string("crop1+flip"));
}

EQ_TEST(streamed_batches_and_training_equal_cached) {
    const Folder f = makeFolder(eqtest::scratchDir() + "/pics");
    DataSpec spec = folderSpec(f.dir);
    spec.augment.cropPadding = 2;
    spec.augment.horizontalFlip = true;
    const Dataset cached = loadDataset(spec);
    spec.cacheMegabytes = 0;
    const Dataset streamed = loadDataset(spec);
    EQ_COMPARE(cached.augment.cropPadding, int64_t(2));
    const Normalization norm{cached.mean, cached.std};
    // Same batches, epoch after epoch, with prefetching, a seek (resume) and augmentation.
    BatchStream a(cached.train, norm, 5, true, 3, torch::kCPU, true, cached.augment);
    BatchStream b(streamed.train, norm, 5, true, 3, torch::kCPU, true, streamed.augment);
    BatchStream plain(cached.train, norm, 5, true, 3, torch::kCPU, true);
    int differsFromPlain = 0;
    for (int epoch = 0; epoch < 2; ++epoch) {
        a.startEpoch(epoch);
        b.startEpoch(epoch);
        plain.startEpoch(epoch);
        if (epoch == 1) {
            a.seek(2);
            b.seek(2);
            plain.seek(2);
        }
        torch::Tensor xa, ya, xb, yb, xp, yp;
        int batches = 0;
        while (a.next(xa, ya)) {
            EQ_VERIFY(b.next(xb, yb));
            EQ_VERIFY(plain.next(xp, yp));
            EQ_VERIFY(torch::equal(xa, xb));
            EQ_VERIFY(torch::equal(ya, yb) && torch::equal(ya, yp));
            differsFromPlain += !torch::equal(xa, xp);
            ++batches;
        }
        EQ_VERIFY(!b.next(xb, yb));
        EQ_COMPARE(batches, int(cached.train.size() / 5) - (epoch == 1 ? 2 : 0));
    }
    EQ_VERIFY(differsFromPlain > 0); // augmentation changed the pictures
    // FP training sees the same data either way: the same loss to the last bit.
    auto train = [](const Dataset& data) {
        Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 1);
        FpTrainOptions opt;
        opt.epochs = 1;
        opt.batchSize = 6;
        return trainFullPrecision(net, data, opt).finalLoss;
    };
    EQ_COMPARE(train(cached), train(streamed));
}

EQ_TEST(run_records_the_folder_and_its_geometry) {
    const std::string scratch = eqtest::scratchDir(); // one per case: call it once
    const Folder f = makeFolder(scratch + "/pics");
    TrainConfig cfg;
    cfg.model = "fmnist-cnn";
    cfg.data.dir = f.dir; // Auto
    cfg.data.validationSize = 8;
    cfg.data.augment.cropPadding = 2;
    cfg.data.augment.horizontalFlip = true;
    const std::string run = scratch + "/run";
    TrainingJob::create(run, cfg);
    std::ifstream in(run + "/run.json");
    const nlohmann::json j = nlohmann::json::parse(in);
    EQ_COMPARE(j["data"]["format"].get<std::string>(), std::string("folder"));
    EQ_COMPARE(j["data"]["image"]["channels"].get<int>(), 1);
    EQ_COMPARE(j["data"]["image"]["height"].get<int>(), 28);
    EQ_COMPARE(j["data"]["augment"]["crop_padding"].get<int>(), 2);
    EQ_VERIFY(j["data"]["augment"]["horizontal_flip"].get<bool>());
    const TrainingJob job = TrainingJob::open(run);
    EQ_COMPARE(job.config().data.imageWidth, int64_t(28));
    EQ_VERIFY(job.config().data.augment.horizontalFlip);
    // An unreadable folder stops the run before anything is written.
    cfg.data.badImageLimit = 0;
    EQ_ERROR(TrainingJob::create(run + "2", cfg), "2 unreadable pictures");
    EQ_VERIFY(!fs::exists(run + "2/run.json"));
    // Bad values in run.json name the field.
    EQ_ERROR(trainConfigFromJson(R"({"schema":"eqnet.run","data":{"image":[1]}})", "r.json"),
             "r.json", "\"data.image\" must be an object");
    EQ_ERROR(trainConfigFromJson(R"({"schema":"eqnet.run","data":{"augment":{"crop_padding":-1}}})", "r.json"),
             "data.augment.crop_padding");
}
