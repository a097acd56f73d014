// eqnet: the EQ-Net engine from the command line (headless: no Qt).
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/bench.h"
#include "eqnet/cost_model.h"
#include "eqnet/data.h"
#include "eqnet/error.h"
#include "eqnet/measurement_agreement.h"
#include "eqnet/fp_training.h"
#include "eqnet/report.h"
#include "eqnet/subnet_json.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace eqnet;
using eqcli::addDataOptions;
using eqcli::addRuntimeOptions;
using eqcli::loadData;

// Ctrl-C asks the running job to stop at the end of its current step.
StopToken g_stop;
void onSigint(int) {
    if (g_stop.stopRequested()) std::_Exit(130); // second Ctrl-C: leave at once
    g_stop.requestStop();
}

std::string human(double v) {
    const char* units[] = {"", "K", "M", "G", "T", "P"};
    int u = 0;
    while (std::abs(v) >= 1000 && u < 5) {
        v /= 1000;
        ++u;
    }
    char b[32];
    std::snprintf(b, sizeof b, "%.3g%s", v, units[u]);
    return b;
}

std::string shapeText(const std::vector<int64_t>& s) {
    std::string t;
    for (size_t i = 0; i < s.size(); ++i) t += (i ? "x" : "") + std::to_string(s[i]);
    return t;
}

// ---- eqnet info -------------------------------------------------------------------------
int runInfo(const ModelSpec& spec, const std::string& formText) {
    const auto t0 = std::chrono::steady_clock::now();
    Supernet net(spec);
    if (spec.imported)
        std::fprintf(stderr, "imported %s in %.2f s\n", spec.name.c_str(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    const QuantForm form = parseForm(formText);
    const auto& L = net.layers();
    std::printf("model %s, input %lldx%lldx%lld, %d classes, %zu quantized layers\n\n", spec.name.c_str(),
                (long long)spec.inChannels, (long long)spec.imageSize, (long long)spec.imageSize,
                spec.numClasses, L.size());
    std::printf("| # | layer | kind | weight | output | MACs | params | input | bits |\n");
    std::printf("|---|---|---|---|---|---:|---:|---|---|\n");
    for (size_t i = 0; i < L.size(); ++i)
        std::printf("| %zu | %s | %s | %s | %s | %lld | %lld | %s | %s |\n", i, L[i].name.c_str(),
                    L[i].kind == LayerKind::Conv2d ? (L[i].groups > 1 ? "dwconv" : "conv") : "linear",
                    shapeText(L[i].weightShape).c_str(), shapeText(L[i].outputShape).c_str(),
                    (long long)L[i].macs, (long long)(L[i].weightParams + L[i].biasParams),
                    L[i].actUnsigned ? "unsigned" : "signed", L[i].fixedBits ? "fixed 8/8" : "2..8");
    const SubnetCost fp = fp32Cost(L);
    std::printf("\ntotal MACs per image: %lld\n\n", (long long)totalMacs(L));
    std::printf("Uniform subnets, form %s (%s); first and last layer 8/8:\n\n", formName(form).c_str(),
                formDescription(form).c_str());
    std::printf("| subnet | BitOps | vs FP32 | size (bytes) | vs FP32 |\n|---|---:|---:|---:|---:|\n");
    std::printf("| FP32 | %s | 1.000 | %s | 1.000 |\n", human(fp.bitops).c_str(), human(fp.sizeBits / 8).c_str());
    for (int b = kMaxBits; b >= kMinBits; --b) {
        const SubnetCost c = subnetCost(L, net.uniform(b, b, form));
        std::printf("| W%dA%d | %s | %.4f | %s | %.4f |\n", b, b, human(c.bitops).c_str(), c.bitops / fp.bitops,
                    human(c.sizeBits / 8).c_str(), c.sizeBits / fp.sizeBits);
    }
    return 0;
}

// ---- eqnet ptq: post-training quantization of uniform subnets (no supernet training) -------
struct PtqArgs {
    std::string model = kDefaultModel;
    std::string out = "runs/fmnist-ptq";
    std::string split = "test";
    std::vector<std::string> forms;
    int64_t calibImages = 256;
    EvalOptions eval;
};

std::vector<QuantForm> formsFrom(const std::vector<std::string>& names) {
    if (names.empty()) return allForms();
    std::vector<QuantForm> f;
    for (const auto& n : names) f.push_back(parseForm(n));
    return f;
}

int runPtq(const PtqArgs& a, const DataSpec& spec, const RuntimeOptions& rt, const FpTrainOptions& fpOpt) {
    applyRuntime(rt);
    const std::vector<QuantForm> forms = formsFrom(a.forms);
    if (a.split != "test" && a.split != "val") throw Error("--split must be test or val");
    Dataset data = loadData(spec, defaultModelSpec(a.model));
    Supernet net(modelSpecFor(a.model, data.train), rt.device, fpOpt.seed);
    {
        TerminalProgress bar("fp-train");
        const auto r = trainFullPrecision(net, data, fpOpt, bar.callback(), g_stop);
        bar.finish();
        std::fprintf(stderr, "fp-train: %lld steps in %s, last loss %.4f%s\n", (long long)r.steps,
                     formatDuration(r.seconds).c_str(), r.finalLoss, r.stopped ? " (stopped)" : "");
        if (r.stopped) return 130;
    }
    {
        TerminalProgress bar("calibrate");
        net.calibrate(data, a.calibImages, bar.callback());
    }
    const std::string ckpt = (fs::path(a.out) / "checkpoints" / "fp-calibrated.pt").string();
    net.save(ckpt);
    std::fprintf(stderr, "saved %s\n", ckpt.c_str());

    const ImageSet& split = a.split == "test" ? data.test : data.val;
    net.setFullPrecision();
    const EvalResult fp = net.evaluate(data, split, a.eval);
    std::vector<int> bits;
    for (int b = kMaxBits; b >= kMinBits; --b) bits.push_back(b);
    std::vector<UniformResult> res;
    {
        TerminalProgress bar("evaluate");
        res = measureUniformSubnets(net, data, split, forms, bits, a.eval, bar.callback(), g_stop);
    }
    std::ostringstream md;
    md << "Post-training quantization of " << a.model << " (" << fpOpt.epochs << " FP epochs), "
       << (a.split == "test" ? "test" : "validation") << " accuracy (%) of " << split.size()
       << " images, " << describeBn(a.eval) << " per subnet.\n\n";
    md << "FP32: " << std::fixed;
    md.precision(2);
    md << 100 * fp.accuracy << "%\n\n| bits |";
    for (const auto& f : forms) md << " " << formName(f) << " |";
    md << "\n|---|";
    for (size_t i = 0; i < forms.size(); ++i) md << "---:|";
    md << "\n";
    for (int b : bits) {
        md << "| W" << b << "A" << b << " |";
        for (const auto& f : forms)
            for (const auto& r : res)
                if (r.bits == b && r.form == f) md << " " << 100 * r.result.accuracy << " |";
        md << "\n";
    }
    std::printf("\n%s", md.str().c_str());
    writeFileAtomic((fs::path(a.out) / "ptq-baseline.md").string(), md.str());
    std::fprintf(stderr, "wrote %s\n", (fs::path(a.out) / "ptq-baseline.md").string().c_str());
    return g_stop.stopRequested() ? 130 : 0;
}

// ---- eqnet eval ----------------------------------------------------------------------------
struct EvalArgs {
    std::string checkpoint;
    std::string model; // instead of a checkpoint: a network as it is (an FP .onnx file, --fp)
    std::string subnetFile;
    std::string uniform;
    std::string form = "pc-sym-asym";
    std::string split = "val";
    bool fp = false;
    EvalOptions eval;
};

int runEval(const EvalArgs& a, const DataSpec& spec, const RuntimeOptions& rt) {
    applyRuntime(rt);
    if (a.split != "test" && a.split != "val") throw Error("--split must be test or val");
    const int choices = int(!a.subnetFile.empty()) + int(!a.uniform.empty()) + int(a.fp);
    if (choices != 1) throw Error("give exactly one of --subnet FILE, --uniform WnAm or --fp");
    if (a.checkpoint.empty() == a.model.empty()) throw Error("give exactly one of --checkpoint FILE or --model FILE.onnx");
    if (!a.model.empty() && !isModelFile(a.model))
        throw Error("--model " + a.model + ": eval measures an FP .onnx file as it is; a built-in network "
                    "is measured from a checkpoint (--checkpoint)");
    if (!a.model.empty() && !a.fp)
        throw Error("--model " + a.model + " is not quantized yet: measure it with --fp, or quantize it with "
                    "eqnet ptq / eqnet train --model " + a.model);
    std::unique_ptr<Dataset> loaded;
    if (!a.model.empty()) // the model must fit the data
        loaded = std::make_unique<Dataset>(loadData(spec, defaultModelSpec(a.model)));
    Supernet net = a.model.empty() ? Supernet::load(a.checkpoint, rt.device)
                                   : Supernet(modelSpecFor(a.model, loaded->train), rt.device);
    SubnetConfig cfg;
    if (!a.subnetFile.empty()) {
        cfg = readSubnetFile(a.subnetFile, net.spec().name, net.layers());
        net.setSubnet(cfg);
    } else if (!a.uniform.empty()) {
        const LayerBits b = parseUniformBits(a.uniform);
        cfg = net.uniform(b.w, b.a, parseForm(a.form));
        net.setSubnet(cfg);
    } else {
        net.setFullPrecision();
    }
    if (!loaded) loaded = std::make_unique<Dataset>(loadData(spec, net.spec()));
    const Dataset& data = *loaded;
    const ImageSet& split = a.split == "test" ? data.test : data.val;
    const EvalResult r = net.evaluate(data, split, a.eval);
    std::printf("%s on %s split (%lld images): accuracy %.2f%%, loss %.4f",
                (a.model.empty() ? a.checkpoint : a.model).c_str(),
                a.split.c_str(), (long long)r.images, 100 * r.accuracy, r.loss);
    if (!a.fp) {
        const SubnetCost c = subnetCost(net.layers(), cfg);
        std::printf(", BitOps %s, size %s bytes, form %s", human(c.bitops).c_str(), human(c.sizeBits / 8).c_str(),
                    formName(cfg.form).c_str());
    }
    std::printf(" (%.1f s)\n", r.seconds);
    return 0;
}

// ---- eqnet recalibrate ---------------------------------------------------------------------
// The way out for a checkpoint whose quantizer slots cannot be used (an older build let
// learned steps turn negative): §2's calibration again for those slots only, from the FP
// weights and calibration images; every valid (learned) slot is kept.
struct RecalibrateArgs {
    std::string checkpoint;
    std::string out;
    int64_t images = 256;
    bool all = false;
};

int runRecalibrate(const RecalibrateArgs& a, const DataSpec& spec, const RuntimeOptions& rt) {
    applyRuntime(rt);
    if (a.images < 1) throw Error("--images must be at least 1");
    if (fs::exists(a.out) && fs::equivalent(a.out, a.checkpoint))
        throw Error("--out " + a.out + " is the checkpoint itself; write the repaired one beside it");
    std::vector<std::string> invalid;
    Supernet net = Supernet::loadForRepair(a.checkpoint, rt.device, invalid);
    std::fprintf(stderr, "%s: %zu invalid quantizer slot value(s)\n", a.checkpoint.c_str(), invalid.size());
    for (size_t i = 0; i < invalid.size() && i < 5; ++i) std::fprintf(stderr, "  %s\n", invalid[i].c_str());
    if (invalid.empty() && !a.all) {
        std::printf("nothing to do: every slot of %s is valid (--all recalibrates every slot)\n", a.checkpoint.c_str());
        return 0;
    }
    Dataset data = loadData(spec, net.spec());
    int replaced = 0;
    {
        TerminalProgress bar("calibrate");
        replaced = net.recalibrate(data, a.images, a.all, bar.callback());
    }
    net.save(a.out);
    std::printf("recalibrated %d slot(s) on %lld training images; wrote %s\n", replaced, (long long)a.images,
                a.out.c_str());
    return 0;
}

// ---- eqnet bench measurement -------------------------------------------------------------
int runBenchMeasurement(const std::string& run, MeasurementAgreementOptions opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    opt.device = rt.device;
    MeasurementAgreement a;
    {
        TerminalProgress bar("measure");
        a = measureAgreement(run, opt, bar.callback(), g_stop);
    }
    if (!a.finished) {
        std::fprintf(stderr, "stopped; the same command goes on where it stopped\n");
        return 130;
    }
    std::printf("%lld subnets (%d per form), %s, validation split; "
                "accuracy spread across subnets (sd) %.2f pp\n\n",
                (long long)a.subnets, opt.perForm, describeBn(opt.eval).c_str(), a.spreadPp);
    std::printf("| BN seeds | Kendall tau | noise per measurement (pp) | mean abs difference (pp) |\n|---|---:|---:|---:|\n");
    for (const auto& p : a.pairs)
        std::printf("| %llu vs %llu | %.3f | %.3f | %.3f |\n", (unsigned long long)p.seedA,
                    (unsigned long long)p.seedB, p.kendallTau, p.noisePp, p.meanAbsDiffPp);
    std::printf("\n(%.0f s)\n", a.seconds);
    return 0;
}

// ---- eqnet train ---------------------------------------------------------------------------
int runTrain(TrainConfig cfg, const std::string& out, const std::string& resume, const RuntimeOptions& rt) {
    applyRuntime(rt);
    std::unique_ptr<TrainingJob> job;
    if (!resume.empty()) {
        job = std::make_unique<TrainingJob>(TrainingJob::open(resume));
    } else {
        cfg.device = rt.device;
        job = std::make_unique<TrainingJob>(TrainingJob::create(out, cfg));
    }
    std::fprintf(stderr, "run folder %s (%s)\n", job->runDir().c_str(),
                 job->config().staticSubnet ? "static baseline" : "supernet");
    TerminalProgress bar("train");
    TrainCallbacks cb;
    cb.onProgress = [&](const Progress& p) {
        Progress q = p;
        q.message = p.stage;
        bar.update(q);
    };
    cb.onMessage = [&](const std::string& m) {
        bar.finish();
        std::fprintf(stderr, "%s\n", m.c_str());
    };
    cb.onEpoch = [&](const EpochMetrics& e) {
        bar.finish();
        std::string acc;
        for (size_t i = 0; i < e.names.size(); ++i) {
            char b[64];
            std::snprintf(b, sizeof b, "%s %.2f%%  ", e.names[i].c_str(), 100 * e.valAccuracy[i]);
            acc += b;
        }
        std::fprintf(stderr, "%s epoch %d (step %lld): validation %s\n", e.stage.c_str(), e.epoch,
                     (long long)e.step, acc.c_str());
    };
    const TrainOutcome o = job->run(cb, g_stop);
    bar.finish();
    std::fprintf(stderr, "%s after %s: %lld FP steps, %lld %s steps\n", o.finished ? "finished" : "stopped",
                 formatDuration(o.seconds).c_str(), (long long)o.fpSteps, (long long)o.steps,
                 job->config().staticSubnet ? "static" : "supernet");
    if (!o.finished) std::fprintf(stderr, "resume with: eqnet train --resume %s\n", job->runDir().c_str());
    return o.finished ? 0 : 130;
}

// ---- eqnet bench ---------------------------------------------------------------------------
int runBenchFakeQuant(const RuntimeOptions& rt, int bits, double minSeconds) {
    applyRuntime(rt);
    std::printf("fake quantization, forward + backward, %d-bit, device %s, %d threads\n\n", bits,
                rt.device.c_str(), rt.threads > 0 ? rt.threads : -1);
    std::printf("| tensor | elements | fused ms | composed ms | fused Melem/s | composed Melem/s | speed-up |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& l : benchFakeQuant(rt.device, bits, minSeconds)) {
        std::printf("| %s | %lld | %.2f | %.2f | %.0f | %.0f | %.2fx |\n", l.name.c_str(), (long long)l.elements,
                    l.fusedMs, l.composedMs, l.fusedMelemPerS, l.composedMelemPerS, l.ratio);
        if (l.maxAbsDiff > 1e-4) std::printf("  warning: fused and composed outputs differ by %g\n", l.maxAbsDiff);
    }
    return 0;
}

int runBenchDecode(const std::string& folder, int64_t channels, int64_t size, int64_t pictures, double minSeconds) {
    const DecodeBench b = benchDecode(folder, channels, size, pictures, minSeconds);
    std::printf("%s: %lld training pictures, fitted to %lldx%lldx%lld; %.0f MB of files, %.0f MB decoded\n",
                b.folder.c_str(), (long long)b.pictures, (long long)b.channels, (long long)b.height,
                (long long)b.width, b.fileMegabytes, b.decodedMegabytes);
    std::printf("check pass (all cores): %.1f s, %.0f pictures/s\n\n", b.checkSeconds,
                b.checkSeconds > 0 ? double(b.pictures) / b.checkSeconds : 0.0);
    std::printf("| threads | pictures/s | MB/s of files |\n|---:|---:|---:|\n");
    for (const auto& l : b.lines) std::printf("| %d | %.0f | %.1f |\n", l.threads, l.picturesPerS, l.megabytesPerS);
    if (b.lines.size() == 2)
        std::printf("\nall cores / 1 thread: %.2fx\n", b.lines[1].picturesPerS / b.lines[0].picturesPerS);
    std::printf("peak resident memory of this process: %.0f MB (the pictures stay on disk)\n", b.peakRssMegabytes);
    return 0;
}

} // namespace

const eqnet::StopToken& eqcli::stopToken() { return g_stop; }

int main(int argc, char** argv) {
    CLI::App app{"eqnet: elastic quantization (EQ-Net) from the command line"};
    app.set_version_flag("--version", std::string("eqnet ") + EQNET_VERSION + ", LibTorch " + libtorchVersion());
    app.require_subcommand(1);

    RuntimeOptions rt;
    DataSpec spec;

    // info
    std::string infoModel = kDefaultModel, infoForm = "pc-sym-asym";
    int64_t infoSize = 0, infoChannels = 0;
    int infoClasses = 0;
    auto* info = app.add_subcommand("info", "layer table and BitOps/size of the uniform subnets");
    eqcli::addModelOption(info, infoModel);
    info->add_option("--form", infoForm, "quantization form, e.g. pc-sym-asym")->capture_default_str();
    info->add_option("--image-size", infoSize, "input height and width (default: the model's)");
    info->add_option("--in-channels", infoChannels, "input channels (default: the model's)");
    info->add_option("--classes", infoClasses, "output classes (default: the model's)");

    // ptq
    PtqArgs ptq;
    FpTrainOptions fpOpt;
    auto* ptqCmd = app.add_subcommand("ptq", "train the FP network, calibrate the quantizer, measure the "
                                             "uniform W8A8..W2A2 subnets (post-training quantization)");
    eqcli::addModelOption(ptqCmd, ptq.model);
    ptqCmd->add_option("--out", ptq.out, "run folder")->capture_default_str();
    CLI::Option* ptqEpochs =
        ptqCmd->add_option("--epochs", fpOpt.epochs, "FP training epochs (an imported model: 0 unless given)")
            ->capture_default_str();
    ptqCmd->add_option("--batch-size", fpOpt.batchSize)->capture_default_str();
    ptqCmd->add_option("--lr", fpOpt.lr)->capture_default_str();
    ptqCmd->add_option("--seed", fpOpt.seed)->capture_default_str();
    ptqCmd->add_option("--calib-images", ptq.calibImages, "training images for the clipping search")
        ->capture_default_str();
    ptqCmd->add_option("--bn-images", ptq.eval.bnImages, "training images to re-estimate BN per subnet")
        ->capture_default_str();
    ptqCmd->add_option("--forms", ptq.forms, "forms to measure (default: all 8)");
    ptqCmd->add_option("--split", ptq.split, "test or val")->capture_default_str();
    addRuntimeOptions(ptqCmd, rt);
    addDataOptions(ptqCmd, spec);

    // eval
    EvalArgs ev;
    auto* evalCmd = app.add_subcommand("eval", "measure one subnet of a checkpoint");
    evalCmd->add_option("--checkpoint", ev.checkpoint, "supernet checkpoint (.pt)");
    evalCmd->add_option("--model", ev.model, "instead of --checkpoint: an FP .onnx file, measured as it is (--fp)");
    evalCmd->add_option("--subnet", ev.subnetFile, "subnet JSON file");
    evalCmd->add_option("--uniform", ev.uniform, "uniform bits, e.g. W4A4 (with --form)");
    evalCmd->add_option("--form", ev.form, "form for --uniform")->capture_default_str();
    evalCmd->add_flag("--fp", ev.fp, "measure the full-precision network");
    evalCmd->add_option("--split", ev.split, "val or test")->capture_default_str();
    CLI::Option* evalBn = evalCmd->add_option("--bn-images", ev.eval.bnImages,
                                              "BN re-estimation images (with --model: 0, the model's own statistics)")
                              ->capture_default_str();
    evalCmd->add_option("--bn-repeats", ev.eval.bnRepeats, "BN estimates averaged (docs/method.md §4)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    addRuntimeOptions(evalCmd, rt);
    addDataOptions(evalCmd, spec);

    RecalibrateArgs rc;
    auto* recalCmd = app.add_subcommand(
        "recalibrate", "repair a checkpoint's invalid quantizer slots by calibrating them again");
    recalCmd->add_option("--checkpoint", rc.checkpoint, "supernet checkpoint (.pt)")->required();
    recalCmd->add_option("--out", rc.out, "where to write the repaired checkpoint")->required();
    recalCmd->add_option("--images", rc.images, "calibration images (§2: 256)")->capture_default_str();
    recalCmd->add_flag("--all", rc.all, "recalibrate every slot, not only the invalid ones");
    addRuntimeOptions(recalCmd, rt);
    addDataOptions(recalCmd, spec);

    // train
    TrainConfig tc;
    std::string trainOut = "runs/fmnist-supernet", resumeDir, guidance = "gpg", staticForm = "pc-sym-asym";
    bool noWdr = false;
    int staticBits = 0;
    auto* trainCmd = app.add_subcommand("train", "train the quantization supernet (or a static QAT baseline) "
                                                 "into a run folder; resumable");
    trainCmd->add_option("--out", trainOut, "run folder to create")->capture_default_str();
    trainCmd->add_option("--resume", resumeDir, "continue the run in this folder");
    eqcli::addModelOption(trainCmd, tc.model);
    CLI::Option* trainFpEpochs =
        trainCmd->add_option("--fp-epochs", tc.fpEpochs, "stage 1: FP training epochs (an imported model: 0 unless given)")
            ->capture_default_str();
    trainCmd->add_option("--from-fp", tc.fromFp, "stage 1 from this FP checkpoint (e.g. RUN/checkpoints/fp.pt)");
    trainCmd->add_option("--epochs", tc.epochs, "stage 2 epochs")->capture_default_str();
    trainCmd->add_option("--batch-size", tc.batchSize)->capture_default_str();
    trainCmd->add_option("--lr", tc.lr, "Adam, cosine decay to 0")->capture_default_str();
    trainCmd->add_option("--weight-decay", tc.weightDecay)->capture_default_str();
    trainCmd->add_option("--grad-clip", tc.gradClip, "clip gradients by value")->capture_default_str();
    trainCmd->add_option("--label-smoothing", tc.labelSmoothing)->capture_default_str();
    trainCmd->add_option("--subnets", tc.subnetsPerStep, "K subnets per step (largest, K-2 random, smallest)")
        ->capture_default_str();
    trainCmd->add_option("--guidance", guidance, "gpg, teacher or labels")->capture_default_str();
    trainCmd->add_option("--alpha", tc.alpha, "weight of the KL term")->capture_default_str();
    trainCmd->add_flag("--no-wdr", noWdr, "switch WDR-Loss off (ablation)");
    trainCmd->add_flag("--adam-moves-unused-slots", tc.adamMovesUnusedSlots,
                       "ablation: unused bit-widths of a used setting get a zero gradient, so Adam's "
                       "momentum moves them (the behaviour before per-slot parameters)");
    trainCmd->add_option("--wdr-skew-weight", tc.wdrSkewWeight)->capture_default_str();
    trainCmd->add_option("--wdr-kurt-weight", tc.wdrKurtWeight)->capture_default_str();
    trainCmd->add_option("--wdr-kurt-target", tc.wdrKurtTarget)->capture_default_str();
    trainCmd->add_option("--static", staticBits, "train a static baseline: ONE uniform subnet at these bits");
    trainCmd->add_option("--static-form", staticForm, "form of the static baseline")->capture_default_str();
    trainCmd->add_option("--calib-images", tc.calibImages)->capture_default_str();
    trainCmd->add_option("--eval-images", tc.evalImages, "validation images per epoch-end measurement (0: all)")
        ->capture_default_str();
    trainCmd->add_option("--seed", tc.seed)->capture_default_str();
    addRuntimeOptions(trainCmd, rt);
    addDataOptions(trainCmd, tc.data);
    eqcli::addAugmentationOptions(trainCmd, tc.data.augment);

    // report
    std::string reportRun, reportOut;
    ReportOptions rep;
    std::vector<std::string> reportForms;
    auto* reportCmd = app.add_subcommand("report", "accuracy of a supernet's uniform subnets in every form "
                                                   "(validation and test), beside static baselines");
    reportCmd->add_option("--run", reportRun, "supernet run folder")->required();
    reportCmd->add_option("--static", rep.staticRuns, "static baseline run folders");
    reportCmd->add_option("--forms", reportForms, "forms (default: all 8)");
    reportCmd->add_option("--bits", rep.bits, "W=A bit-widths (default: 8..2)");
    reportCmd->add_option("--bn-images", rep.eval.bnImages)->capture_default_str();
    reportCmd->add_option("--bn-repeats", rep.eval.bnRepeats, "BN estimates averaged per subnet")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    reportCmd->add_option("--out", reportOut, "also write the table to this file");
    int sensitivityBits = 0;
    reportCmd->add_option("--sensitivity", sensitivityBits,
                          "instead: each searchable layer alone at these bits (e.g. 2), the others at 8, "
                          "accuracy drop per form");
    addRuntimeOptions(reportCmd, rt);

    // bench
    auto* bench = app.add_subcommand("bench", "micro-benchmarks (figures, not tests)");
    bench->require_subcommand(1);
    int benchBits = 4;
    double benchSeconds = 2.0;
    auto* benchFq = bench->add_subcommand("fakequant", "fused vs composed fake quantization");
    benchFq->add_option("--bits", benchBits)->capture_default_str();
    benchFq->add_option("--seconds", benchSeconds, "minimum time per measurement")->capture_default_str();
    addRuntimeOptions(benchFq, rt);
    std::string benchModel = kDefaultModel;
    int64_t benchBatch = 128;
    int benchSubnets = 3;
    auto* benchTs = bench->add_subcommand("train-step", "supernet step (WDR + K subnets) vs three FP steps");
    benchTs->add_option("--model", benchModel)->capture_default_str();
    benchTs->add_option("--batch-size", benchBatch)->capture_default_str();
    benchTs->add_option("--subnets", benchSubnets)->capture_default_str();
    benchTs->add_option("--seconds", benchSeconds, "minimum time per measurement")->capture_default_str();
    addRuntimeOptions(benchTs, rt);

    std::string decodeDir;
    int64_t decodeChannels = 0, decodeSize = 0, decodePictures = 0;
    auto* benchDec = bench->add_subcommand("decode", "how fast an image folder streams from disk (decode + fit)");
    benchDec->add_option("--data", decodeDir, "image folder (train/<class>/...)")->required();
    benchDec->add_option("--channels", decodeChannels, "1 or 3 (default: the first picture's)")
        ->check(CLI::IsMember({0, 1, 3}));
    benchDec->add_option("--image-size", decodeSize, "side the pictures are fitted to (default: the first picture's)")
        ->check(CLI::NonNegativeNumber);
    benchDec->add_option("--pictures", decodePictures, "read only the first N pictures (0: all)")
        ->check(CLI::NonNegativeNumber);
    benchDec->add_option("--seconds", benchSeconds, "minimum time per measurement")->capture_default_str();

    MeasurementAgreementOptions agree;
    std::string agreeRun;
    auto* benchMeas = bench->add_subcommand(
        "measurement", "how well two repetitions of a subnet measurement agree (Kendall tau, noise in points)");
    benchMeas->add_option("--run", agreeRun, "trained run folder")->required();
    benchMeas->add_option("--per-form", agree.perForm, "subnets of each form's CQAP sequence")->capture_default_str();
    benchMeas->add_option("--bn-images", agree.eval.bnImages, "BN re-estimation images per measurement")
        ->capture_default_str();
    benchMeas->add_option("--bn-repeats", agree.eval.bnRepeats,
                          "BN estimates averaged per measurement (seed S draws estimates S*R .. S*R+R-1)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    benchMeas->add_option("--bn-seeds", agree.bnSeeds, "one measurement per seed")->capture_default_str();
    benchMeas->add_option("--workers", agree.workers, "subnets measured at once (0: one per core, at most 4)")
        ->capture_default_str();
    addRuntimeOptions(benchMeas, rt);

    std::function<int()> stageAction;
    eqcli::addStageCommands(app, stageAction);

    CLI11_PARSE(app, argc, argv);
    std::signal(SIGINT, onSigint);
    try {
        if (stageAction) return stageAction();
        if (*info) {
            ModelSpec m = defaultModelSpec(infoModel);
            if (m.imported && (infoSize > 0 || infoChannels > 0 || infoClasses > 0))
                throw Error(infoModel + ": an imported model's input and classes are its own; "
                            "--image-size, --in-channels and --classes apply to built-in models");
            if (infoSize > 0) m.imageSize = infoSize;
            if (infoChannels > 0) m.inChannels = infoChannels;
            if (infoClasses > 0) m.numClasses = infoClasses;
            return runInfo(m, infoForm);
        }
        if (*ptqCmd) {
            eqcli::importedModelSkipsFpTraining(ptqEpochs, ptq.model, fpOpt.epochs);
            return runPtq(ptq, spec, rt, fpOpt);
        }
        if (*evalCmd) {
            if (!ev.model.empty() && evalBn->count() == 0) ev.eval.bnImages = 0;
            return runEval(ev, spec, rt);
        }
        if (*recalCmd) return runRecalibrate(rc, spec, rt);
        if (*trainCmd) {
            tc.guidance = parseGuidance(guidance);
            tc.wdr = !noWdr;
            if (staticBits) {
                tc.staticSubnet = true;
                tc.staticBits = staticBits;
                tc.staticForm = parseForm(staticForm);
            }
            eqcli::importedModelSkipsFpTraining(trainFpEpochs, tc.model, tc.fpEpochs);
            return runTrain(tc, trainOut, resumeDir, rt);
        }
        if (*benchFq) return runBenchFakeQuant(rt, benchBits, benchSeconds);
        if (*benchDec) return runBenchDecode(decodeDir, decodeChannels, decodeSize, decodePictures, benchSeconds);
        if (*benchTs) {
            applyRuntime(rt);
            const TrainStepBench b = benchTrainStep(benchModel, rt.device, benchBatch, benchSubnets, benchSeconds);
            std::printf("training step, %s, batch %lld, device %s\n\n", benchModel.c_str(), (long long)b.batchSize,
                        rt.device.c_str());
            std::printf("| step | ms (median) |\n|---|---:|\n");
            std::printf("| supernet: WDR + %d subnets (largest, random, smallest) | %.1f |\n", b.subnets, b.supernetMs);
            std::printf("| floor: 3 plain FP steps | %.1f |\n", b.fpMs);
            std::printf("\nratio supernet / floor: %.3f\n", b.ratio);
            return 0;
        }
        if (*benchMeas) return runBenchMeasurement(agreeRun, agree, rt);
        if (*reportCmd) {
            applyRuntime(rt);
            for (const auto& f : reportForms) rep.forms.push_back(parseForm(f));
            rep.device = rt.device;
            std::string md;
            {
                TerminalProgress bar("report");
                md = sensitivityBits ? runSensitivityReport(reportRun, rep, sensitivityBits, bar.callback(), g_stop)
                                     : runReport(reportRun, rep, bar.callback(), g_stop);
            }
            std::printf("%s", md.c_str());
            if (!reportOut.empty()) writeFileAtomic(reportOut, md);
            return 0;
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        // Anything else is a bug or a LibTorch failure (out of memory, say): say so plainly.
        std::fprintf(stderr, "error (internal): %s\n", e.what());
        return 3;
    }
    return 0;
}
