// eqnet bench fakequant | train-step | calibration | subnet-measure | decode | measurement | search:
// micro-benchmarks
// (figures, not tests).
#include "commands.h"
#include "bench_data_parallel.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/bench.h"
#include "eqnet/cqap.h"
#include "eqnet/measurement_agreement.h"
#include "eqnet/cqap_stage.h"
#include "eqnet/run_layout.h"
#include "eqnet/profile.h"
#include "eqnet/run_folder.h"
#include "eqnet/search.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;

namespace {

// ---- bench fakequant -----------------------------------------------------------------------
struct FakeQuantArgs {
    int bits = 4;
    double seconds = 2.0;
    RuntimeOptions rt;
};

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

// ---- bench train-step ----------------------------------------------------------------------
struct TrainStepArgs {
    std::string model = kDefaultModel;
    int64_t batch = 128;
    int subnets = 3;
    double seconds = 2.0;
    int rounds = 4;
    RuntimeOptions rt;
};

int runBenchTrainStep(const TrainStepArgs& a) {
    applyRuntime(a.rt);
    const TrainStepBench b = benchTrainStep(a.model, a.rt.device, a.batch, a.subnets, a.seconds, a.rounds);
    std::printf("training step, %s, batch %lld, device %s, %d threads\n\n", a.model.c_str(), (long long)b.batchSize,
                a.rt.device.c_str(), b.threads);
    std::printf("| step | threads | ms (median) |\n|---|---:|---:|\n");
    if (b.threads > 1)
        std::printf("| supernet: WDR + %d subnets (largest, random, smallest) | 1 | %.1f |\n", b.subnets,
                    b.supernetOneThreadMs);
    std::printf("| supernet: WDR + %d subnets (largest, random, smallest) | %d | %.1f |\n", b.subnets, b.threads,
                b.supernetMs);
    if (b.threads > 1) std::printf("| floor: 3 plain FP steps | 1 | %.1f |\n", b.fpOneThreadMs);
    std::printf("| floor: 3 plain FP steps | %d | %.1f |\n", b.threads, b.fpMs);
    if (b.threads > 1)
        std::printf("\n1 thread / %d threads: supernet step %.2fx, plain FP steps %.2fx\n", b.threads,
                    b.threadScaling, b.fpThreadScaling);
    std::printf("ratio supernet / floor: %.3f\n", b.ratio);
    if (b.fpPeakMegabytes > 0)
        std::printf("resident memory (MB): %.0f before the steps, peak %.0f over 3 FP steps, peak %.0f with a "
                    "supernet step after them\n",
                    b.setupMegabytes, b.fpPeakMegabytes, b.supernetPeakMegabytes);
    return 0;
}

// ---- bench calibration ---------------------------------------------------------------------
struct CalibrationArgs {
    std::string model = kDefaultModel;
    std::string run;
    int64_t images = 256;
    RuntimeOptions rt;
};

int runBenchCalibration(const CalibrationArgs& a) {
    applyRuntime(a.rt);
    const CalibrationBench b = benchCalibration(a.model, a.run, a.rt.device, a.images);
    std::printf("calibration (Lp clipping search of every slot), %s, %s, %lld images, %d layers, device %s, %d threads\n\n",
                b.model.c_str(), a.run.empty() ? "initial weights, synthetic images" : a.run.c_str(),
                (long long)b.images, b.layers, a.rt.device.c_str(), b.threads);
    std::printf("| search | seconds |\n|---|---:|\n");
    std::printf("| reference (tensor operations) | %.2f |\n| vectorised (calibrate) | %.2f |\n", b.referenceSeconds,
                b.fusedSeconds);
    std::printf("\nspeed-up: %.1fx\n", b.speedup);
    std::printf("chosen steps: %lld compared, %lld differ by more than 1e-6 relative; largest relative difference "
                "%.3g%s%s\n",
                (long long)b.steps, (long long)b.differingSteps, b.maxRelativeStepDifference,
                b.worstStep.empty() ? "" : " at ", b.worstStep.c_str());
    return 0;
}

// ---- bench subnet-measure ------------------------------------------------------------------
struct SubnetMeasureArgs {
    std::string model = kDefaultModel;
    std::string run;
    int subnets = 8;
    int64_t bnImages = 0;
    int64_t batchSize = 0;
    int workers = 0;
    RuntimeOptions rt;
};

int runBenchSubnetMeasure(const SubnetMeasureArgs& a) {
    applyRuntime(a.rt);
    const SubnetMeasureBench b = benchSubnetMeasure(a.model, a.run, a.rt.device, a.subnets, a.bnImages, a.batchSize, a.workers);
    std::printf("measuring subnets, %s, %s, %d subnets, BN re-estimated on %lld training images, %lld validation "
                "and %lld test images in batches of %lld, device %s, %d threads, %d workers\n\n",
                b.model.c_str(), a.run.empty() ? "initial weights, synthetic images" : a.run.c_str(), b.subnets,
                (long long)b.bnImages, (long long)b.valImages, (long long)b.testImages, (long long)b.batchSize,
                a.rt.device.c_str(), b.threads,
                b.workers);
    std::printf("| measurement | one at a time, s/subnet | pool, s/subnet | speed-up |\n|---|---:|---:|---:|\n");
    std::printf("| verification (validation + test) | %.2f | %.2f | %.2fx |\n", b.verifyBeforeSeconds,
                b.verifyNowSeconds, b.verifyBeforeSeconds / b.verifyNowSeconds);
    std::printf("| CQAP sample (validation) | %.2f | %.2f | %.2fx |\n", b.sampleOneSeconds, b.samplePoolSeconds,
                b.sampleOneSeconds / b.samplePoolSeconds);
    std::printf("\none at a time, verification: a BN estimate per split; pool: one shared by both splits\n");
    std::printf("largest difference of any accuracy between the two ways: %.4f points\n", b.maxDifferencePoints);
    return 0;
}

// ---- bench decode --------------------------------------------------------------------------
struct DecodeArgs {
    std::string dir;
    int64_t channels = 0;
    int64_t size = 0;
    int64_t pictures = 0;
    double seconds = 2.0;
};

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

// ---- bench measurement ---------------------------------------------------------------------
struct MeasurementArgs {
    std::string run;
    MeasurementAgreementOptions options;
    RuntimeOptions rt;
};

int runBenchMeasurement(const std::string& run, MeasurementAgreementOptions opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    opt.device = rt.device;
    MeasurementAgreement a;
    {
        TerminalProgress bar("measure");
        a = measureAgreement(run, opt, bar.callback(), stopToken());
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

// ---- bench search --------------------------------------------------------------------------
struct SearchArgs {
    ParetoOptions options;
    std::string run;
    std::string model = kDefaultModel;
    std::string profile = "flex-2to8-pt";
    int repeats = 5;
    RuntimeOptions rt;
    SearchArgs() { options.exhaustiveUpTo = 0; }
};

// A real CQAP MLP of the default size for the model's layers, fitted briefly on a smooth
// synthetic accuracy function (the bench measures speed, not accuracy).
CqapPredictor benchPredictor(const std::string& model, const std::vector<LayerInfo>& layers) {
    std::vector<CqapSample> samples;
    for (const auto& form : allForms())
        for (int i = 0; i < 40; ++i) {
            CqapSample s;
            s.config = cqapSampleConfig(layers, form, 1, i);
            s.index = i;
            s.accuracy = 0.5 + 0.05 * s.config.averageWeightBits() + 0.01 * s.config.averageActBits();
            samples.push_back(s);
        }
    CqapFitOptions fo;
    fo.maxEpochs = 30;
    return CqapPredictor::fit(model, layers, samples, fo);
}

int runBenchSearch(const std::string& run, const std::string& model, const std::string& profileName,
                   const ParetoOptions& po, int repeats, const RuntimeOptions& rt) {
    applyRuntime(rt);
    Supernet net = run.empty() ? Supernet(defaultModelSpec(model)) : loadRunSupernet(run, rt.device);
    const auto& layers = net.layers();
    const CqapPredictor predictor = run.empty() ? benchPredictor(net.spec().name, layers) : loadRunPredictor(run);
    const HardwareProfile profile = findProfile(profileName);
    const BatchPredictor predict = [&predictor](const std::vector<SubnetConfig>& c) { return predictor.predict(c); };
    std::printf("NSGA-II front, %s (%d searchable layers), profile %s, population %d x %d generations, predictor %s\n\n",
                net.spec().name.c_str(), predictor.encoder().size() > 0 ? int(predictor.encoder().searchableLayers().size()) : 0,
                profile.name.c_str(), po.population, po.generations,
                run.empty() ? "CQAP MLP (synthetic fit)" : cqapPredictorPath(run).c_str());
    std::printf("| run | predictions | front points | total s | predictor s | search s |\n|---:|---:|---:|---:|---:|---:|\n");
    std::vector<double> totals;
    for (int i = 0; i < repeats; ++i) {
        const ParetoResult r = paretoSearch(layers, profile, predict, po);
        totals.push_back(r.seconds);
        std::printf("| %d | %lld | %zu | %.3f | %.3f | %.3f |\n", i + 1, (long long)r.evaluations, r.front.size(),
                    r.seconds, r.predictorSeconds, r.seconds - r.predictorSeconds);
    }
    std::sort(totals.begin(), totals.end());
    std::printf("\nmedian time for a front: %.3f s (target <= 1 s)\n", totals[totals.size() / 2]);
    return 0;
}

} // namespace

void registerBench(CLI::App& app, CommandSet& set) {
    auto* bench = app.add_subcommand("bench", "micro-benchmarks (figures, not tests)");
    bench->require_subcommand(1);

    registerBenchDataParallel(bench, set);

    auto fq = std::make_shared<FakeQuantArgs>();
    auto* fqCmd = bench->add_subcommand("fakequant", "fused vs composed fake quantization");
    fqCmd->add_option("--bits", fq->bits)->capture_default_str();
    fqCmd->add_option("--seconds", fq->seconds, "minimum time per measurement")->capture_default_str();
    addRuntimeOptions(fqCmd, fq->rt);
    set.add(fqCmd, [fq] { return runBenchFakeQuant(fq->rt, fq->bits, fq->seconds); });

    auto ts = std::make_shared<TrainStepArgs>();
    auto* tsCmd = bench->add_subcommand("train-step", "supernet step (WDR + K subnets) vs three FP steps");
    tsCmd->add_option("--model", ts->model)->capture_default_str();
    tsCmd->add_option("--batch-size", ts->batch)->capture_default_str();
    tsCmd->add_option("--subnets", ts->subnets)->capture_default_str();
    tsCmd->add_option("--seconds", ts->seconds, "minimum time per measurement")->capture_default_str();
    tsCmd->add_option("--rounds", ts->rounds, "rounds the settings take turns in (each at least twice a round)")
        ->capture_default_str();
    addRuntimeOptions(tsCmd, ts->rt);
    set.add(tsCmd, [ts] { return runBenchTrainStep(*ts); });

    auto cal = std::make_shared<CalibrationArgs>();
    auto* calCmd = bench->add_subcommand("calibration", "the clipping search: reference vs vectorised, time and chosen steps");
    calCmd->add_option("--model", cal->model, "built-in network (freshly initialised, synthetic images)")
        ->capture_default_str();
    calCmd->add_option("--run", cal->run, "use this run's trained weights and data instead");
    calCmd->add_option("--images", cal->images, "calibration images")->capture_default_str();
    addRuntimeOptions(calCmd, cal->rt);
    set.add(calCmd, [cal] { return runBenchCalibration(*cal); });

    auto sm = std::make_shared<SubnetMeasureArgs>();
    auto* smCmd = bench->add_subcommand(
        "subnet-measure", "per-subnet measurement time: one subnet at a time vs the measurement pool");
    smCmd->add_option("--model", sm->model, "built-in network (freshly initialised, synthetic images)")
        ->capture_default_str();
    smCmd->add_option("--run", sm->run, "use this run's trained weights, data and BN setting instead");
    smCmd->add_option("--subnets", sm->subnets, "subnets of the CQAP sequence measured each way")
        ->capture_default_str();
    smCmd->add_option("--bn-images", sm->bnImages, "BN re-estimation images (0: the run's setting)");
    smCmd->add_option("--batch-size", sm->batchSize, "images per forward pass of a measurement (0: the run's setting)");
    smCmd->add_option("--workers", sm->workers, "subnets measured at once (0: one per thread, at most 8)")
        ->capture_default_str();
    addRuntimeOptions(smCmd, sm->rt);
    set.add(smCmd, [sm] { return runBenchSubnetMeasure(*sm); });

    auto dec = std::make_shared<DecodeArgs>();
    auto* decCmd = bench->add_subcommand("decode", "how fast an image folder streams from disk (decode + fit)");
    decCmd->add_option("--data", dec->dir, "image folder (train/<class>/...)")->required();
    decCmd->add_option("--channels", dec->channels, "1 or 3 (default: the first picture's)");
    decCmd->add_option("--image-size", dec->size, "side the pictures are fitted to (default: the first picture's)");
    decCmd->add_option("--pictures", dec->pictures, "read only the first N pictures (0: all)");
    decCmd->add_option("--seconds", dec->seconds, "minimum time per measurement")->capture_default_str();
    set.add(decCmd, [dec] { return runBenchDecode(dec->dir, dec->channels, dec->size, dec->pictures, dec->seconds); });

    auto me = std::make_shared<MeasurementArgs>();
    MeasurementAgreementOptions& agree = me->options;
    auto* meCmd = bench->add_subcommand(
        "measurement", "how well two repetitions of a subnet measurement agree (Kendall tau, noise in points)");
    meCmd->add_option("--run", me->run, "trained run folder")->required();
    meCmd->add_option("--per-form", agree.perForm, "subnets of each form's CQAP sequence")->capture_default_str();
    meCmd->add_option("--bn-images", agree.eval.bnImages, "BN re-estimation images per measurement")
        ->capture_default_str();
    meCmd->add_option("--bn-repeats", agree.eval.bnRepeats,
                      "BN estimates averaged per measurement (seed S draws estimates S*R .. S*R+R-1)")
        ->capture_default_str();
    meCmd->add_option("--bn-seeds", agree.bnSeeds, "one measurement per seed")->capture_default_str();
    meCmd->add_option("--workers", agree.workers, "subnets measured at once (0: one per thread, at most 8)")
        ->capture_default_str();
    addRuntimeOptions(meCmd, me->rt);
    set.add(meCmd, [me] { return runBenchMeasurement(me->run, me->options, me->rt); });

    auto se = std::make_shared<SearchArgs>();
    auto* seCmd = bench->add_subcommand("search", "time for one NSGA-II front (population x generations predictions)");
    seCmd->add_option("--run", se->run, "use this run's fitted predictor (default: a synthetic fit)");
    seCmd->add_option("--model", se->model)->capture_default_str();
    seCmd->add_option("--profile", se->profile)->capture_default_str();
    seCmd->add_option("--population", se->options.population)->capture_default_str();
    seCmd->add_option("--generations", se->options.generations)->capture_default_str();
    seCmd->add_option("--repeats", se->repeats)->capture_default_str();
    addRuntimeOptions(seCmd, se->rt);
    set.add(seCmd, [se] {
        return runBenchSearch(se->run, se->model, se->profile, se->options, std::max(1, se->repeats), se->rt);
    });
}

} // namespace eqcli
