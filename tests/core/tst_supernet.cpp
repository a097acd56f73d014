// The supernet on synthetic data: subnets, calibration, adaptive-BN evaluation, checkpoints.
#include "eqtest.h"

#include "engine/supernet_impl.h"
#include "io/zip_directory.h"
#include "eqnet/error.h"
#include "eqnet/fp_training.h"
#include "eqnet/measurement_pool.h"
#include "eqnet/supernet.h"

#include <filesystem>
#include <fstream>
#include <tuple>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

const Dataset& synth() {
    static Dataset d = [] {
        DataSpec s;
        s.format = DataFormat::Synthetic;
        s.syntheticTrain = 1536;
        s.syntheticTest = 512;
        s.validationSize = 512;
        return loadDataset(s);
    }();
    return d;
}

// A trained and calibrated fmnist-cnn on synthetic data, shared by the cases (built once).
Supernet& trained() {
    static Supernet net = [] {
        Supernet n(modelSpecFor("fmnist-cnn", synth().train), "cpu", 1);
        FpTrainOptions o;
        o.epochs = 6;
        o.batchSize = 32;
        trainFullPrecision(n, synth(), o);
        n.calibrate(synth(), 256);
        return n;
    }();
    return net;
}

std::string fileBytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

EQ_TEST(subnet_configs_respect_the_fixed_layers) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    const QuantForm f{Granularity::PerTensor, false, false};
    const auto lo = net.smallest(f), hi = net.largest(f);
    EQ_VERIFY(lo.layers.front() == (LayerBits{8, 8}) && lo.layers.back() == (LayerBits{8, 8}));
    EQ_VERIFY(lo.layers[2] == (LayerBits{2, 2}));
    EQ_VERIFY(hi.layers[3] == (LayerBits{8, 8}));
    std::mt19937_64 rng(3);
    std::set<int> seen;
    for (int i = 0; i < 200; ++i) {
        const auto r = net.random(rng, f);
        net.validate(r);
        for (size_t k = 1; k + 1 < r.layers.size(); ++k) seen.insert(r.layers[k].w);
        EQ_VERIFY(r.layers.front() == (LayerBits{8, 8}) && r.layers.back() == (LayerBits{8, 8}));
    }
    EQ_COMPARE(seen.size(), size_t(7)); // every bit-width 2..8 drawn
    SubnetConfig bad = hi;
    bad.layers[0].w = 4;
    EQ_THROWS(net.validate(bad), Error, "layers[0] (conv1) w_bits = 4");
    bad = hi;
    bad.layers[2].a = 9;
    EQ_THROWS(net.setSubnet(bad), Error, "a_bits = 9 is out of range; allowed 2..8");
    bad.layers.pop_back();
    EQ_THROWS(net.setSubnet(bad), Error, "has 6 quantized layers");
}

EQ_TEST(set_subnet_reaches_every_layer) {
    Supernet net(defaultModelSpec("fmnist-cnn"));
    SubnetConfig c = net.uniform(5, 3, QuantForm{Granularity::PerTensor, true, false});
    net.setSubnet(c);
    auto& q = net.impl().qlayers;
    EQ_VERIFY(q[2].second->setting.quantize);
    EQ_COMPARE(q[2].second->setting.wBits, 5);
    EQ_COMPARE(q[2].second->setting.aBits, 3);
    EQ_VERIFY(q[2].second->setting.form == c.form);
    EQ_COMPARE(q[0].second->setting.wBits, 8);
    net.setFullPrecision();
    EQ_VERIFY(!q[2].second->setting.quantize);
}

EQ_TEST(uncalibrated_quantized_evaluation_is_refused) {
    Supernet net(modelSpecFor("fmnist-cnn", synth().train));
    net.setSubnet(net.uniform(4, 4, QuantForm{}));
    EQ_THROWS(net.evaluate(synth(), synth().val), Error, "not calibrated");
}

EQ_TEST(calibration_stops_when_asked_and_leaves_the_net_uncalibrated) {
    Supernet net(defaultModelSpec("fmnist-cnn"), "cpu", 3);
    net.setSubnet(net.uniform(4, 4, QuantForm{}));
    auto& q = net.impl().qlayers;
    EQ_VERIFY(q.size() > 2);
    std::vector<std::tuple<int, int, bool>> before;
    for (auto& [name, layer] : q) before.emplace_back(layer->setting.wBits, layer->setting.aBits, layer->setting.quantize);
    StopToken stop;
    int progressCalls = 0;
    // Stop requested when the first search reports (one thread in the suites): nothing more is
    // searched and no slot changes.
    EQ_VERIFY(!net.calibrate(synth(), 256, [&](const Progress&) { ++progressCalls; stop.requestStop(); }, stop));
    EQ_COMPARE(progressCalls, 1);
    EQ_VERIFY(!net.calibrated());
    for (size_t i = 0; i < q.size(); ++i) { // the subnet's settings are put back
        const auto& st = q[i].second->setting;
        EQ_VERIFY2(std::make_tuple(st.wBits, st.aBits, st.quantize) == before[i], q[i].first);
    }
    stop.reset();
    EQ_VERIFY(net.calibrate(synth(), 256, {}, stop));
    EQ_VERIFY(net.calibrated());
}

EQ_TEST(ptq_accuracy_orders_by_bit_width) {
    Supernet& net = trained();
    net.setFullPrecision();
    const double fp = net.evaluate(synth(), synth().val).accuracy;
    EQ_VERIFY2(fp > 0.6, "FP accuracy " + std::to_string(fp)); // chance is 0.1
    const QuantForm f{Granularity::PerChannel, true, false};
    net.setSubnet(net.uniform(8, 8, f));
    const double a8 = net.evaluate(synth(), synth().val).accuracy;
    net.setSubnet(net.uniform(2, 2, f));
    const double a2 = net.evaluate(synth(), synth().val).accuracy;
    EQ_VERIFY2(std::abs(a8 - fp) < 0.03, "W8A8 " + std::to_string(a8) + " vs FP " + std::to_string(fp));
    EQ_VERIFY2(a2 < a8 - 0.05, "W2A2 " + std::to_string(a2) + " vs W8A8 " + std::to_string(a8));
}

EQ_TEST(evaluation_leaves_batch_norm_unchanged) {
    Supernet& net = trained();
    auto bns = net.impl().model->batchNorms();
    const auto before = bns[2]->running_var.clone();
    net.setSubnet(net.uniform(3, 3, QuantForm{}));
    EvalOptions o;
    o.maxImages = 100;
    const EvalResult r1 = net.evaluate(synth(), synth().val, o);
    EQ_VERIFY(torch::equal(before, bns[2]->running_var));
    // and repeated measurement is deterministic
    const EvalResult r2 = net.evaluate(synth(), synth().val, o);
    EQ_COMPARE(r1.accuracy, r2.accuracy);
    EQ_COMPARE(r1.images, int64_t(100));
}

EQ_TEST(adaptive_bn_changes_the_measurement) {
    // Re-estimating BN for a 2-bit subnet must differ from using the FP statistics.
    Supernet& net = trained();
    net.setSubnet(net.uniform(2, 2, QuantForm{Granularity::PerTensor, true, true}));
    EvalOptions with, without;
    without.bnImages = 0;
    const double a = net.evaluate(synth(), synth().val, with).loss;
    const double b = net.evaluate(synth(), synth().val, without).loss;
    EQ_VERIFY2(std::abs(a - b) > 1e-4, std::to_string(a) + " vs " + std::to_string(b));
}

EQ_TEST(repeated_bn_estimates_average_their_measurements) {
    // bnRepeats = 2 with bnSeed 1 measures with the estimates of seeds 2 and 3 and reports
    // their mean; the deployed model is the first of them (seed 2, one estimate).
    Supernet& net = trained();
    net.setSubnet(net.uniform(2, 3, QuantForm{Granularity::PerTensor, true, false}));
    EvalOptions one;
    one.bnImages = 128;
    one.maxImages = 300;
    EvalOptions two = one;
    two.bnRepeats = 2;
    two.bnSeed = 1;
    one.bnSeed = 2;
    const EvalResult a = net.evaluate(synth(), synth().val, one);
    one.bnSeed = 3;
    const EvalResult b = net.evaluate(synth(), synth().val, one);
    EQ_VERIFY2(a.loss != b.loss, "the two BN seeds must give different estimates");
    const EvalResult mean = net.evaluate(synth(), synth().val, two);
    EQ_NEAR(mean.accuracy, (a.accuracy + b.accuracy) / 2, 1e-12);
    EQ_NEAR(mean.loss, (a.loss + b.loss) / 2, 1e-6);
    EQ_COMPARE(mean.images, int64_t(300));
    EQ_VERIFY(mean.correct.empty()); // no single model gets these images right or wrong
    EQ_COMPARE(a.correct.size(), size_t(300));
    const EvalOptions deployed = deployedEval(two);
    EQ_COMPARE(deployed.bnRepeats, 1);
    EQ_COMPARE(deployed.bnSeed, uint64_t(2));
    EQ_COMPARE(net.evaluate(synth(), synth().val, deployed).loss, a.loss);
    EQ_COMPARE(describeBn(two), std::string("BN re-estimated on 128 training images, mean of 2 estimates"));
    two.bnRepeats = 0;
    EQ_THROWS(net.evaluate(synth(), synth().val, two), Error, "at least 1");
}

EQ_TEST(validation_and_test_share_one_bn_estimate_with_the_same_figures) {
    // evaluateSubnet gives exactly what two evaluate() calls give (the test split under
    // deployedEval), with one BN estimate instead of two; with 2 estimates the test split takes
    // the first one.
    Supernet& net = trained();
    net.setSubnet(net.uniform(3, 2, QuantForm{Granularity::PerChannel, true, false}));
    for (int repeats : {1, 2}) {
        EvalOptions o;
        o.bnImages = 128;
        o.bnSeed = 5;
        o.bnRepeats = repeats;
        o.maxImages = 300;
        const EvalResult val = net.evaluate(synth(), synth().val, o);
        const EvalResult test = net.evaluate(synth(), synth().test, deployedEval(o));
        const SubnetEvaluation e = net.evaluateSubnet(synth(), o, true);
        EQ_COMPARE(e.validation.accuracy, val.accuracy);
        EQ_COMPARE(e.validation.loss, val.loss);
        EQ_VERIFY(e.validation.correct == val.correct);
        EQ_VERIFY(e.test.has_value());
        EQ_COMPARE(e.test->accuracy, test.accuracy);
        EQ_COMPARE(e.test->loss, test.loss);
        EQ_COMPARE(e.test->images, int64_t(300));
        EQ_VERIFY(e.test->correct == test.correct);
        EQ_COMPARE(e.test->correct.size(), size_t(300));
        EQ_VERIFY(!net.evaluateSubnet(synth(), o, false).test.has_value());
    }
}

EQ_TEST(measurement_pool_measures_every_subnet_once_like_one_worker) {
    Supernet& net = trained();
    const std::string ckpt = eqtest::scratchDir() + "/net.pt";
    net.save(ckpt);
    std::vector<SubnetConfig> configs;
    for (int b = 2; b <= 7; ++b) configs.push_back(net.uniform(b, 9 - b, QuantForm{Granularity::PerTensor, true, true}));
    EvalOptions o;
    o.bnImages = 64;
    o.maxImages = 200;
    std::vector<double> one(configs.size()), pooled(configs.size(), -1.0);
    for (size_t i = 0; i < configs.size(); ++i) {
        net.setSubnet(configs[i]);
        one[i] = net.evaluate(synth(), synth().val, o).loss;
    }
    int copies = 0;
    MeasurementPool pool(net, [&] { ++copies; return Supernet::load(ckpt); }, 3);
    EQ_COMPARE(pool.workers(), 3);
    std::vector<int> doneCount(configs.size(), 0);
    EQ_VERIFY(pool.run(configs.size(),
                       [&](Supernet& w, size_t i) {
                           w.setSubnet(configs[i]);
                           pooled[i] = w.evaluate(synth(), synth().val, o).loss;
                       },
                       [&](size_t i) { ++doneCount[i]; }));
    EQ_COMPARE(copies, 2); // the first worker is `net` itself
    for (size_t i = 0; i < configs.size(); ++i) {
        EQ_COMPARE(doneCount[i], 1);
        EQ_NEAR(pooled[i], one[i], 1e-5); // another thread count may round differently
    }
    // The copies are reused by the next run.
    EQ_VERIFY(pool.run(4, [](Supernet&, size_t) {}, {}));
    EQ_COMPARE(copies, 2);

    // A stop ends the run early; an exception ends it and is rethrown.
    StopToken stop;
    size_t measured = 0;
    EQ_VERIFY(!pool.run(50, [&](Supernet&, size_t) { stop.requestStop(); },
                        [&](size_t) { ++measured; }, stop));
    EQ_VERIFY(measured >= 1 && measured <= 3);
    EQ_THROWS(pool.run(10, [](Supernet&, size_t i) { if (i == 4) throw Error("subnet 4 failed"); }, {}), Error,
              "subnet 4 failed");

    // Without a way to copy the supernet there is one worker.
    EQ_COMPARE(MeasurementPool(net).workers(), 1);
}

EQ_TEST(checkpoint_round_trip) {
    Supernet& net = trained();
    const std::string path = eqtest::scratchDir() + "/ck/supernet.pt";
    net.save(path);
    EQ_VERIFY(!fs::exists(path + ".part"));
    Supernet back = Supernet::load(path);
    EQ_VERIFY(back.calibrated());
    EQ_COMPARE(back.spec().name, std::string("fmnist-cnn"));
    const SubnetConfig c = net.uniform(4, 5, QuantForm{Granularity::PerChannel, false, false});
    net.setSubnet(c);
    back.setSubnet(c);
    EvalOptions o;
    o.maxImages = 200;
    EQ_COMPARE(net.evaluate(synth(), synth().val, o).loss, back.evaluate(synth(), synth().val, o).loss);
}

EQ_TEST(bad_checkpoints_fail_clearly_and_change_nothing) {
    Supernet& net = trained();
    const std::string dir = eqtest::scratchDir();
    const std::string good = dir + "/good.pt";
    net.save(good);
    const std::string bytes = fileBytes(good);
    // truncated
    const std::string cut = dir + "/cut.pt";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    EQ_THROWS(Supernet::load(cut), Error, "cut.pt: not a readable checkpoint");
    // foreign file
    const std::string foreign = dir + "/foreign.pt";
    std::ofstream(foreign, std::ios::binary) << "this is not a checkpoint";
    EQ_THROWS(Supernet::load(foreign), Error, "foreign.pt");
    // a LibTorch archive that is not ours
    const std::string other = dir + "/other.pt";
    torch::serialize::OutputArchive ar;
    ar.write("weights", torch::ones({3}));
    ar.save_to(other);
    EQ_THROWS(Supernet::load(other), Error, "other.pt: not an EQ-Net supernet checkpoint");
    EQ_THROWS(Supernet::load(dir + "/none.pt"), Error, "none.pt: checkpoint file not found");
    // saving into a path whose folder is a file fails and leaves the existing file intact
    EQ_THROWS(net.save(good + "/inside.pt"), Error, "inside.pt");
    EQ_VERIFY(fileBytes(good) == bytes);
    // Found by fuzz_checkpoint: a class name changed inside the archive's pickle (the same
    // length, so the archive still opens) made TorchScript throw its own error type, which
    // escaped as an internal error.
    std::string renamed = bytes;
    const size_t cls = renamed.find("c__torch__.");
    const size_t at = cls == std::string::npos ? cls : renamed.find("\nModule\n", cls);
    EQ_VERIFY(at != std::string::npos);
    renamed[at + 1] = 'N'; // __torch__.<...>.Nodule: no such class
    const std::string mangled = dir + "/mangled.pt";
    std::ofstream(mangled, std::ios::binary) << renamed;
    EQ_THROWS(Supernet::load(mangled), Error, "mangled.pt: not a readable checkpoint (truncated, corrupt or not a LibTorch archive): Unknown type name");
}

// Found by fuzz_checkpoint: LibTorch sizes its buffers from the archive's zip directory and from
// lengths and memo indices inside its pickles, so a few damaged bytes made it ask for 42.5 GB.
// Each such claim is now refused, naming the record, before LibTorch reads the archive.
EQ_TEST(damaged_archive_sizes_are_refused_before_libtorch_allocates) {
    Supernet& net = trained();
    const std::string dir = eqtest::scratchDir();
    const std::string good = dir + "/good.pt";
    net.save(good);
    const std::string bytes = fileBytes(good);
    const auto le32 = [](std::string& b, size_t at, uint32_t v) {
        for (int i = 0; i < 4; ++i) b[at + i] = char((v >> (8 * i)) & 0xFF);
    };
    const auto loadDamaged = [&](const std::string& damaged) {
        const std::string p = dir + "/damaged.pt";
        std::ofstream(p, std::ios::binary | std::ios::trunc) << damaged;
        Supernet::load(p);
    };
    // The directory's copy of a name comes last; its header starts 46 bytes before it and
    // holds the name's length (which tells "data/1" from "data/199").
    const std::vector<zipdir::Record> records = zipdir::readDirectory(bytes, good);
    const std::string tensorRecord = records.at(1).name; // <archive>/data/1
    const std::string archiveName = tensorRecord.substr(0, tensorRecord.find('/'));
    EQ_COMPARE(tensorRecord, archiveName + "/data/1");
    size_t central = bytes.size();
    do {
        central = bytes.rfind(tensorRecord, central - 1);
        EQ_VERIFY(central != std::string::npos && central >= 46);
        central -= 46;
    } while (bytes.compare(central, 4, "PK\x01\x02") != 0 || size_t(uint8_t(bytes[central + 28])) != tensorRecord.size());
    std::string big = bytes;
    le32(big, central + 24, 2000000000); // its size, 2 GB
    EQ_THROWS(loadDamaged(big), Error, "damaged.pt: not a readable checkpoint: damaged archive: zip record 2 ('" +
                                           tensorRecord + "') claims 2000000000 bytes but stores 576");
    le32(big, central + 24, 0xFFFFFFFF); // "see the ZIP64 field", which it does not have
    EQ_THROWS(loadDamaged(big), Error, "('" + tensorRecord + "'): its ZIP64 sizes are missing");
    std::string shared = bytes; // its bytes said to be those of the first record
    le32(shared, central + 42, 0);
    EQ_THROWS(loadDamaged(shared), Error, "damaged archive: two zip records overlap at byte 0");

    // Inside the model's pickle: a string's length, and a memo index.
    const size_t pickle = bytes.find("\x80\x02" "c__torch__\nModule\n");
    EQ_VERIFY(pickle != std::string::npos);
    const size_t text = bytes.find("X\x10\x00\x00\x00" "eqnet_calibrated", pickle);
    EQ_VERIFY(text != std::string::npos);
    std::string longText = bytes;
    le32(longText, text + 1, 0x7FFFFFFF);
    EQ_THROWS(loadDamaged(longText), Error, "not a readable checkpoint: " + archiveName + "/data.pkl: damaged pickle at byte " +
                                               std::to_string(text - pickle) + ": a value claims 2147483647 bytes");
    std::string memo = bytes;
    const size_t put = text + 21; // BINPUT 1 after the string
    EQ_VERIFY(memo[put] == 'q');
    memo[put] = 'r'; // LONG_BINPUT, its 4-byte index over the next bytes
    le32(memo, put + 1, 0x9E000000);
    EQ_THROWS(loadDamaged(memo), Error, archiveName + "/data.pkl: damaged pickle at byte " + std::to_string(put - pickle) +
                                            ": memo index 2650800128 after");
    // A storage said to hold more elements than its record (LibTorch would read past the end of
    // the record's buffer): storage 1, the first convolution's 16x1x3x3 weights, 144 -> 255.
    const size_t numel = bytes.find("K\x90tQ", pickle);
    EQ_VERIFY(numel != std::string::npos);
    std::string overlong = bytes;
    overlong[numel + 1] = '\xff';
    EQ_THROWS(loadDamaged(overlong), Error, archiveName + "/data.pkl: damaged pickle at byte " +
                                                std::to_string(numel + 3 - pickle) +
                                                ": storage 1 claims 255 elements of 4 bytes, its record holds 576 bytes");
    // Found by the CTest mutation pass (a segfault): a storage of 0 elements under a tensor of
    // 144, whose sizes LibTorch sets without checking them against the storage.
    std::string reach = bytes;
    reach[numel + 1] = '\0';
    EQ_THROWS(loadDamaged(reach), Error, "data.pkl: damaged pickle at byte " + std::to_string(numel + 34 - pickle) +
                                             ": a tensor reaches element 143 of a storage of 0");
    // One record read twice (LibTorch allocates it for each reference): storage key "1" -> "0".
    std::string twice = bytes;
    const size_t key1 = bytes.rfind("X\x01\x00\x00\x00" "1", numel); // the key of that storage
    EQ_VERIFY(key1 != std::string::npos && key1 > pickle && numel - key1 < 16);
    twice[key1 + 5] = '0';
    EQ_THROWS(loadDamaged(twice), Error, "data.pkl: damaged pickle at byte " + std::to_string(numel + 3 - pickle) +
                                             ": storage 0 is referred to twice");
    EQ_VERIFY(fileBytes(good) == bytes);
    Supernet::load(good); // the intact archive passes every check
}

EQ_TEST(uniform_table_covers_forms_and_bits) {
    Supernet& net = trained();
    EvalOptions o;
    o.maxImages = 64;
    o.bnImages = 64;
    const auto rows = measureUniformSubnets(net, synth(), synth().val, {allForms()[0], allForms()[7]}, {8, 2}, o);
    EQ_COMPARE(rows.size(), size_t(4));
    EQ_COMPARE(rows[1].bits, 2);
    EQ_VERIFY(rows[3].form == allForms()[7]);
}
