// Quantizer slots stay valid (docs/method.md §2, "Quantizer slots"): steps
// positive and zero points inside their integer range at every training step, slots a step
// does not use left exactly where they are by Adam, checkpoints of an older build converted
// or refused naming the slot, `recalibrate` repairing them, and every form exportable to ONNX
// after training.
#include "eqtest.h"
#include "tiny_run_config.h"

#include "engine/batches.h"
#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/onnx_export.h"
#include "eqnet/training.h"
#include "train/sandwich_trainer.h"

#include <filesystem>
#include <map>

using namespace eqnet;
namespace fs = std::filesystem;

namespace {

// The suites' tiny synthetic fmnist-cnn run: 256 training images, 64 held out, batch 32.
TrainConfig tinyConfig() { return eqtest::tinyRunConfig(256, 64, 32, 3); }

// Every quantizer parameter by its dotted name, cloned.
std::map<std::string, torch::Tensor> slotValues(Supernet::Impl& n) {
    std::map<std::string, torch::Tensor> m;
    for (const auto& p : n.model->named_parameters())
        if (p.key().find(".wq.") != std::string::npos || p.key().find(".aq.") != std::string::npos)
            m[p.key()] = p.value().detach().clone();
    return m;
}

// Writes the supernet in the v1 layout of older builds: each setting's slots as the columns
// of one tensor ([C, 7] / [7]) of raw steps and zero points. `tamper` sees each such tensor
// with its dotted name (e.g. "conv1.wq.pc_sym_scale") before it is written.
using Tamper = std::function<void(const std::string&, torch::Tensor&)>;

void saveV1Module(torch::nn::Module& m, torch::serialize::OutputArchive& ar, const std::string& path,
                  const Tamper& tamper) {
    const auto put = [&](const std::string& key, const quant::SlotBank& b, bool zero) {
        std::vector<torch::Tensor> cols;
        for (int bits = kMinBits; bits <= kMaxBits; ++bits)
            cols.push_back(zero ? b.zero(bits).detach() : b.step(bits).detach());
        auto t = torch::stack(cols, -1).clone();
        if (tamper) tamper(path + key, t);
        ar.write(key, t);
    };
    if (auto* wq = dynamic_cast<quant::WeightQuantizerImpl*>(&m)) {
        for (auto g : {Granularity::PerChannel, Granularity::PerTensor}) {
            const std::string pre = g == Granularity::PerChannel ? "pc" : "pt";
            put(pre + "_sym_scale", wq->bank(g, true), false);
            put(pre + "_asym_scale", wq->bank(g, false), false);
            put(pre + "_asym_zero", wq->bank(g, false), true);
        }
        return;
    }
    if (auto* aq = dynamic_cast<quant::ActQuantizerImpl*>(&m)) {
        put("sym_scale", aq->bank(true), false);
        put("asym_scale", aq->bank(false), false);
        put("asym_zero", aq->bank(false), true);
        return;
    }
    for (auto& p : m.named_parameters(false)) ar.write(p.key(), p.value());
    for (auto& b : m.named_buffers(false)) ar.write(b.key(), b.value(), true);
    for (const auto& c : m.named_children()) {
        torch::serialize::OutputArchive sub;
        saveV1Module(*c.value(), sub, path + c.key() + ".", tamper);
        ar.write(c.key(), sub);
    }
}

void saveV1(Supernet& net, const std::string& path, const Tamper& tamper = {}) {
    torch::serialize::OutputArchive ar;
    saveV1Module(*net.impl().model, ar, "", tamper);
    ar.write("eqnet_format", c10::IValue(std::string("eqnet-supernet-v1")));
    ar.write("eqnet_model", c10::IValue(net.spec().name));
    ar.write("eqnet_in_channels", c10::IValue(net.spec().inChannels));
    ar.write("eqnet_image_size", c10::IValue(net.spec().imageSize));
    ar.write("eqnet_num_classes", c10::IValue(int64_t(net.spec().numClasses)));
    ar.save_to(path);
}

Dataset tinyData() { return loadDataset(tinyConfig().data); }

} // namespace

EQ_TEST(unused_slots_do_not_move_under_adam) {
    // Step 1 trains the 3-bit slots, step 2 the 5-bit ones: Adam has momentum for the 3-bit
    // slots after step 1, and must still leave them exactly as they are in step 2.
    TrainConfig cfg = tinyConfig();
    cfg.staticSubnet = true;
    cfg.staticForm = QuantForm{Granularity::PerChannel, false, false};
    Dataset data = tinyData();
    Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 1);
    net.calibrate(data, 64);
    auto& n = net.impl();
    n.model->train();
    std::vector<int64_t> idx{0, 1, 2, 3, 4, 5, 6, 7};
    const auto x = imagesTensor(data.train, idx, Normalization{data.mean, data.std}, n.device);
    const auto y = labelsTensor(data.train, idx, n.device);
    auto params = n.model->parameters();
    torch::optim::Adam optim(params, torch::optim::AdamOptions(1e-2));
    const auto step = [&](int bits) {
        cfg.staticBits = bits;
        train::clearGradients(params);
        train::staticStep(n, x, y, cfg);
        train::applyUpdate(optim, params, cfg.gradClip, n);
    };
    const auto before = slotValues(n);
    step(3);
    const auto afterFirst = slotValues(n);
    step(5);
    const auto afterSecond = slotValues(n);
    const std::string mid = n.qlayers[2].first; // a searchable layer
    int moved3 = 0, moved5 = 0, checked = 0;
    for (const auto& [name, v] : afterSecond) {
        if (name.rfind(mid + ".", 0) != 0) continue;
        const bool is3 = name.size() > 2 && name.substr(name.size() - 2) == "_3";
        const bool is5 = name.size() > 2 && name.substr(name.size() - 2) == "_5";
        const bool usedSetting = name.find(".wq.pc_asym_") != std::string::npos || name.find(".aq.asym_") != std::string::npos;
        if (is3 && usedSetting) {
            moved3 += !torch::equal(before.at(name), afterFirst.at(name));
            // Not moved by step 2 although Adam has momentum for it.
            EQ_VERIFY2(torch::equal(afterFirst.at(name), v), name + " moved in a step that did not use it");
            ++checked;
        } else if (is5 && usedSetting) {
            moved5 += !torch::equal(afterFirst.at(name), v);
        } else {
            EQ_VERIFY2(torch::equal(before.at(name), v), name + " moved but was never used");
        }
    }
    EQ_COMPARE(checked, 4); // weight log step + zero, activation log step + zero
    EQ_VERIFY(moved3 >= 2 && moved5 >= 2);

    // The ablation (--adam-moves-unused-slots) gives the unused bit-widths of a used setting
    // a zero gradient: Adam's momentum then moves the 3-bit slots in a 5-bit step.
    const auto beforeAblated = slotValues(n);
    cfg.staticBits = 5;
    train::clearGradients(params);
    train::staticStep(n, x, y, cfg);
    train::zeroUnusedSlotGradients(n);
    train::applyUpdate(optim, params, cfg.gradClip, n);
    const auto afterAblated = slotValues(n);
    EQ_VERIFY(!torch::equal(beforeAblated.at(mid + ".wq.pc_asym_log_step_3"), afterAblated.at(mid + ".wq.pc_asym_log_step_3")));
    // A setting no subnet used keeps no gradient at all, even in the ablation.
    EQ_VERIFY(torch::equal(beforeAblated.at(mid + ".wq.pt_sym_log_step_3"), afterAblated.at(mid + ".wq.pt_sym_log_step_3")));
}

EQ_TEST(slots_stay_valid_under_a_huge_learning_rate) {
    // lr 0.5 moves raw steps far past zero within a few Adam steps; log steps and projected
    // zero points stay valid at every step, and the checkpoint loads (load refuses invalid ones).
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = tinyConfig();
    cfg.lr = 0.5;
    TrainingJob job = TrainingJob::create(dir, cfg);
    EQ_VERIFY(job.run().finished);
    Supernet net = loadRunSupernet(dir);
    EQ_VERIFY(net.invalidSlots().empty());
    // The zero points did move (to their bounds): the projection is what kept them valid.
    int atBound = 0;
    for (const auto& [name, layer] : net.impl().qlayers)
        for (int b = kMinBits; b <= kMaxBits; ++b) {
            const auto& bank = layer->actQuant->bank(false);
            const double z = bank.zero(b).item<double>();
            atBound += z == double(bank.range(b).n) || z == double(bank.range(b).p);
        }
    EQ_VERIFY(atBound > 0);
}

EQ_TEST(v1_checkpoint_converted_refused_and_repaired) {
    Dataset data = tinyData();
    Supernet net(modelSpecFor("fmnist-cnn", data.train), "cpu", 4);
    net.calibrate(data, 64);
    const QuantForm pcSym{Granularity::PerChannel, true, false};
    net.setSubnet(net.uniform(3, 3, pcSym));
    EvalOptions ev;
    ev.bnImages = 64;
    const double acc = net.evaluate(data, data.val, ev).accuracy;
    const std::string dir = eqtest::scratchDir();

    // A valid v1 checkpoint loads, converted, and measures the same subnet the same.
    saveV1(net, dir + "/v1.pt");
    Supernet loaded = Supernet::load(dir + "/v1.pt");
    loaded.setSubnet(loaded.uniform(3, 3, pcSym));
    EQ_NEAR(loaded.evaluate(data, data.val, ev).accuracy, acc, 1e-9);

    // One negative step (as the issue found in the demo run: conv1, 8-bit, channel 4).
    saveV1(net, dir + "/bad.pt", [](const std::string& key, torch::Tensor& t) {
        if (key == "conv1.wq.pc_sym_scale") t[4][quant::slotIndex(8)] = -0.005787f;
    });
    EQ_THROWS(Supernet::load(dir + "/bad.pt"), Error,
              "layer conv1, weight per-channel symmetric, 8-bit, channel 4: step -0.005787 is not a positive");
    EQ_THROWS(Supernet::load(dir + "/bad.pt"), Error, "eqnet recalibrate --checkpoint");

    // The repair: only that slot is calibrated again, every other slot is kept.
    std::vector<std::string> invalid;
    Supernet repaired = Supernet::loadForRepair(dir + "/bad.pt", "cpu", invalid);
    EQ_COMPARE(invalid.size(), size_t(1));
    auto keep = slotValues(repaired.impl());
    EQ_COMPARE(repaired.recalibrate(data, 64), 1);
    EQ_VERIFY(repaired.invalidSlots().empty());
    const auto after = slotValues(repaired.impl());
    for (const auto& [name, v] : after) {
        if (name == "conv1.wq.pc_sym_log_step_8") {
            // The calibration's own value for the slot (the same images as net's).
            EQ_VERIFY(torch::allclose(v, net.impl().qlayers[0].second->weightQuant->bank(Granularity::PerChannel, true).logStepParam(8)));
            continue;
        }
        EQ_VERIFY2(torch::equal(keep.at(name), v), name + " changed by the repair");
    }
    repaired.save(dir + "/fixed.pt");
    EQ_VERIFY(Supernet::load(dir + "/fixed.pt").invalidSlots().empty());
}

EQ_TEST(every_form_exports_to_onnx_after_brief_training) {
    if (!onnxExportAvailable()) EQ_SKIP("built without libonnx");
    const std::string dir = eqtest::scratchDir() + "/run";
    TrainConfig cfg = tinyConfig();
    cfg.lr = 5e-2; // move the slots well away from their calibrated values
    TrainingJob job = TrainingJob::create(dir, cfg);
    EQ_VERIFY(job.run().finished);
    Supernet net = loadRunSupernet(dir);
    Dataset data = tinyData();
    OnnxExportOptions o;
    o.bn.bnImages = 64;
    for (const QuantForm& f : allForms()) {
        for (int bits : {2, 8}) {
            const std::string path = dir + "/" + formName(f) + "-" + std::to_string(bits) + ".onnx";
            const auto s = exportOnnx(net, data, net.uniform(bits, bits, f), path, o);
            EQ_VERIFY2(fs::file_size(path) > 1000 && s.quantizeNodes == net.numLayers(), path);
        }
    }
}
