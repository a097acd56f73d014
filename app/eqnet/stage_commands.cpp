// eqnet cqap | search | export | pipeline | bench search: the stages after training.
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/cqap.h"
#include "eqnet/error.h"
#include "eqnet/pipeline.h"
#include "eqnet/supernet.h"

#include "eqnet/cost_model.h"
#include "eqnet/files.h"
#include "eqnet/profile.h"
#include "eqnet/run_folder.h"
#include "eqnet/search.h"
#include "eqnet/training.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

namespace eqcli {

using namespace eqnet;

namespace {

struct Shared {
    RuntimeOptions rt;
};

void printScores(const char* name, const CqapScores& s) {
    std::printf("| %s | %.3f | %.3f | %.3f | %lld / %lld | %d |\n", name, s.kendallTau, s.rmse, s.mae,
                (long long)s.trainSamples, (long long)s.testSamples, s.epochs);
}

int runCqap(const std::string& run, const CqapStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    CqapStageResult r;
    {
        TerminalProgress bar("cqap");
        r = runCqapStage(run, opt, bar.callback(), stopToken());
    }
    std::fprintf(stderr, "samples: %lld measured now, %lld reused, %zu in all (%s)\n",
                 (long long)r.sampling.measured, (long long)r.sampling.reused, r.sampling.samples.size(),
                 cqapSamplesPath(run).c_str());
    if (!r.sampling.finished) {
        std::fprintf(stderr, "stopped; run the same command again to go on where it stopped\n");
        return 130;
    }
    if (!r.fitted) return 0;
    std::printf("CQAP on the held-out 20%% (accuracy in percentage points)\n\n");
    std::printf("| predictor | Kendall tau | RMSE | MAE | fit / held-out | epochs |\n|---|---:|---:|---:|---:|---:|\n");
    printScores("conditional (form bits)", r.conditional);
    if (opt.ablation) printScores("unconditional (ablation)", r.unconditional);
    std::printf("\nper form (conditional):");
    for (const auto& [f, t] : r.conditional.kendallTauPerForm) std::printf(" %s %.3f", f.c_str(), t);
    std::printf("\nsaved %s\n", cqapPredictorPath(run).c_str());
    return 0;
}

// Scores the run's fitted predictors on subnets measured elsewhere (another samples file of
// the same checkpoint), e.g. drawn from another distribution.
int runCqapScore(const std::string& run, const std::string& file) {
    const Supernet net = loadRunSupernet(run);
    int skipped = 0;
    const auto samples = readCqapSamples(file, net.layers(), fileIdentity(runCheckpointPath(run)), &skipped);
    if (samples.empty())
        throw Error(file + ": no subnet measured on this run's checkpoint (" + std::to_string(skipped) +
                    " unreadable lines)");
    std::vector<SubnetConfig> cs;
    std::vector<double> measured;
    for (const auto& s : samples) {
        cs.push_back(s.config);
        measured.push_back(s.accuracy);
    }
    std::printf("| predictor | subnets | Kendall tau | RMSE pp |\n|---|---:|---:|---:|\n");
    for (const bool conditional : {true, false}) {
        const std::string path = cqapPredictorPath(run, conditional);
        if (!std::filesystem::exists(path)) continue;
        const auto pred = CqapPredictor::load(path).predict(cs);
        double se = 0;
        for (size_t i = 0; i < pred.size(); ++i) se += std::pow(100 * (pred[i] - measured[i]), 2);
        std::printf("| %s | %zu | %.3f | %.3f |\n", conditional ? "conditional" : "unconditional", pred.size(),
                    kendallTau(pred, measured), std::sqrt(se / double(pred.size())));
    }
    return 0;
}

int runSearch(const std::string& run, const SearchStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    FrontFile f;
    {
        TerminalProgress bar("search");
        f = runSearchStage(run, opt, bar.callback(), stopToken());
    }
    if (f.points.empty()) {
        std::fprintf(stderr, "stopped before the search finished; nothing written\n");
        return 130;
    }
    const Supernet net = loadRunSupernet(run, rt.device);
    std::printf("%s", frontTable(f, net.layers()).c_str());
    std::printf("\nsaved %s\n", frontPath(run, f.profile.name).c_str());
    if (stopToken().stopRequested()) {
        std::fprintf(stderr, "stopped during verification; run the same command again to measure the rest\n");
        return 130;
    }
    return 0;
}

int runExport(const std::string& run, const ExportStageOptions& opt, const RuntimeOptions& rt) {
    applyRuntime(rt);
    const ExportStageResult r = runExportStage(run, opt);
    const FrontPoint& p = r.point;
    if (p.label.empty())
        std::printf("front point %d", r.pointIndex);
    else
        std::printf("uniform %s", p.label.c_str());
    std::printf(" of profile %s: %s, %s, predicted %.2f%%", opt.profile.c_str(), formatBitops(p.cost.bitops).c_str(),
                formatSizeBits(p.cost.sizeBits).c_str(), 100 * p.predicted);
    if (p.validation) std::printf(", validation %.2f%%", 100 * *p.validation);
    if (p.test) std::printf(", test %.2f%%", 100 * *p.test);
    std::printf("\n");
    if (!p.label.empty() && r.bestFrontValidation)
        std::printf("(better on validation than the best measured front point within the budget, %.2f%%; "
                    "--front-only exports that one)\n", 100 * *r.bestFrontValidation);
    else if (!p.label.empty())
        std::printf("(no front point within the budget is measured; --front-only exports the best predicted one)\n");
    if (!r.jsonPath.empty()) std::printf("wrote %s\n", r.jsonPath.c_str());
    if (!r.onnxPath.empty())
        std::printf("wrote %s (%lld nodes, %lld QuantizeLinear, %lld bytes)\n", r.onnxPath.c_str(),
                    (long long)r.onnx.nodes, (long long)r.onnx.quantizeNodes, (long long)r.onnx.fileBytes);
    return 0;
}

// What the pipeline command may change in its preset: the network, the data and stage 1.
struct PipelineChoices {
    std::string model;        // empty: the preset's
    DataSpec data;
    int fpEpochs = -1;        // -1: the preset's (0 for an imported model)
    int perForm = 0;          // 0: the preset's
};

int runPipelineCmd(const std::string& out, const std::string& preset, const std::string& device,
                   const RuntimeOptions& rt, const PipelineChoices& ch) {
    applyRuntime(rt);
    PipelineOptions opt = pipelinePreset(preset);
    opt.train.device = device;
    if (ch.perForm > 0) opt.cqap.sampling.perForm = ch.perForm;
    if (!ch.model.empty()) opt.train.model = ch.model;
    const int64_t trainLimit = opt.train.data.trainLimit; // the quick preset trains on a subset
    opt.train.data = ch.data;
    opt.train.data.trainLimit = trainLimit;
    if (ch.fpEpochs >= 0) opt.train.fpEpochs = ch.fpEpochs;
    else if (isModelFile(opt.train.model)) opt.train.fpEpochs = 0;
    std::fprintf(stderr, "pipeline preset %s into %s\n", preset.c_str(), out.c_str());
    auto bar = std::make_shared<std::unique_ptr<TerminalProgress>>();
    PipelineCallbacks cb;
    cb.onStage = [bar](const std::string& s) {
        bar->reset();
        std::fprintf(stderr, "== %s\n", s.c_str());
        *bar = std::make_unique<TerminalProgress>(s);
    };
    cb.progress = [bar](const Progress& p) {
        if (*bar) (*bar)->update(p);
    };
    cb.train.onProgress = [bar](const Progress& p) {
        Progress q = p;
        q.message = p.stage;
        if (*bar) (*bar)->update(q);
    };
    cb.train.onMessage = [bar](const std::string& m) {
        if (*bar) (*bar)->finish();
        std::fprintf(stderr, "%s\n", m.c_str());
    };
    cb.train.onEpoch = [bar](const EpochMetrics& e) {
        if (*bar) (*bar)->finish();
        std::string acc;
        for (size_t i = 0; i < e.names.size(); ++i) {
            char b[64];
            std::snprintf(b, sizeof b, "%s %.2f%%  ", e.names[i].c_str(), 100 * e.valAccuracy[i]);
            acc += b;
        }
        std::fprintf(stderr, "%s epoch %d: validation %s\n", e.stage.c_str(), e.epoch, acc.c_str());
    };
    const auto t0 = std::chrono::steady_clock::now();
    const PipelineResult r = runPipeline(out, opt, cb, stopToken());
    bar->reset();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.finished) {
        std::fprintf(stderr, "stopped after %s; run the same command again to go on where it stopped\n",
                     formatDuration(secs).c_str());
        return 130;
    }
    const Supernet net = loadRunSupernet(out, device);
    std::printf("\nCQAP (held-out 20%%): Kendall tau %.3f, RMSE %.2f pp; without the form bits: tau %.3f, RMSE %.2f pp\n\n",
                r.cqap.kendallTau, r.cqap.rmse, r.cqapUnconditional.kendallTau, r.cqapUnconditional.rmse);
    std::printf("%s\n", frontTable(r.front, net.layers()).c_str());
    if (r.exported.point.label.empty())
        std::printf("exported front point %d: %s", r.exported.pointIndex, r.exported.jsonPath.c_str());
    else
        std::printf("exported uniform %s (better on validation than every front point within the budget): %s",
                    r.exported.point.label.c_str(), r.exported.jsonPath.c_str());
    if (!r.exported.onnxPath.empty()) std::printf(" and %s", r.exported.onnxPath.c_str());
    std::printf("\npipeline finished; this call took %s\n", formatDuration(secs).c_str());
    return 0;
}

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

void addStageCommands(CLI::App& app, std::function<int()>& action) {
    auto sh = std::make_shared<Shared>();

    // cqap
    auto cq = std::make_shared<CqapStageOptions>();
    auto cqRun = std::make_shared<std::string>();
    auto* cqap = app.add_subcommand("cqap", "measure sampled subnets of a trained run and fit the CQAP accuracy "
                                            "predictor (resumable; a larger budget reuses what exists)");
    cqap->add_option("--run", *cqRun, "run folder (trained with eqnet train)")->required();
    cqap->add_option("--per-form", cq->sampling.perForm, "subnets measured per form (8 forms)")->capture_default_str();
    cqap->add_option("--seed", cq->sampling.seed, "sample sequence seed")->capture_default_str();
    // Left out, the measurement protocol is the run's own (run.json "eval"): samples measured
    // under another protocol are not mixed into the fit.
    auto cqBn = std::make_shared<int64_t>(0);
    auto cqRepeats = std::make_shared<int>(0);
    cqap->add_option("--bn-images", *cqBn, "BN re-estimation images per subnet (0: the run's setting)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cqap->add_option("--bn-repeats", *cqRepeats,
                     "BN estimates averaged per subnet (0: the run's setting; docs/method.md §4)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cqap->add_option("--bn-seed", cq->sampling.eval.bnSeed, "which training images re-estimate BN")
        ->capture_default_str();
    cqap->add_option("--val-images", cq->sampling.eval.maxImages, "validation images per subnet (0: all)")
        ->capture_default_str();
    cqap->add_option("--hidden", cq->fit.hidden, "MLP hidden layer sizes")->capture_default_str();
    cqap->add_option("--fit-seed", cq->fit.seed, "seed of the split and the MLP")->capture_default_str();
    cqap->add_option("--ensemble", cq->fit.ensemble, "MLPs averaged per prediction (docs/method.md §5)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cqap->add_flag("--sample-only", cq->sampleOnly, "measure, do not fit");
    cqap->add_flag("!--no-ablation", cq->ablation, "skip the unconditional predictor");
    addRuntimeOptions(cqap, sh->rt);
    cqap->add_option("--workers", cq->sampling.workers, "subnets measured at once (0: one per core, at most 4)")
        ->capture_default_str();
    auto cqScore = std::make_shared<std::string>();
    cqap->add_option("--score", *cqScore, "only score the fitted predictors on the subnets of this samples file");
    cqap->callback([&action, sh, cq, cqRun, cqScore, cqBn, cqRepeats] {
        action = [sh, cq, cqRun, cqScore, cqBn, cqRepeats] {
            if (!cqScore->empty()) return runCqapScore(*cqRun, *cqScore);
            const std::string config = runConfigPath(*cqRun);
            const EvalOptions runEval = trainConfigFromJson(readTextFile(config), config).eval;
            cq->sampling.eval.bnImages = *cqBn > 0 ? *cqBn : runEval.bnImages;
            cq->sampling.eval.bnRepeats = *cqRepeats > 0 ? *cqRepeats : runEval.bnRepeats;
            cq->device = sh->rt.device;
            return runCqap(*cqRun, *cq, sh->rt);
        };
    });

    // search
    auto so = std::make_shared<SearchStageOptions>();
    auto soRun = std::make_shared<std::string>();
    auto* search = app.add_subcommand("search", "search the Pareto front of predicted accuracy vs BitOps for a "
                                                "hardware profile (NSGA-II), then verify it by measuring");
    search->add_option("--run", *soRun, "run folder with a fitted predictor (eqnet cqap)")->required();
    search->add_option("--profile", so->profile, "profile name (eqnet profiles) or JSON file")->capture_default_str();
    search->add_option("--population", so->search.population)->capture_default_str();
    search->add_option("--generations", so->search.generations)->capture_default_str();
    search->add_option("--seed", so->search.seed)->capture_default_str();
    search->add_option("--verify-top", so->verifyTop, "measure only the K best predicted points (0: all)")
        ->capture_default_str();
    search->add_flag("!--no-verify", so->verify, "do not measure the front");
    search->add_flag("!--no-test", so->verifyTest, "measure on the validation split only");
    search->add_flag("--fresh", so->fresh, "search again even when a front for this checkpoint exists");
    search->add_option("--bn-images", so->bnImages,
                       "BN re-estimation images of every measurement (0: the run's setting)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    search->add_option("--bn-repeats", so->bnRepeats,
                       "BN estimates averaged per validation measurement (0: the run's setting); test "
                       "measurements keep one, as the exported model")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    search->add_option("--refine", so->refineRounds,
                       "rounds of predictor refinement before the search: search, measure --refine-points "
                       "of the front, refit (docs/method.md §6)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    search->add_option("--refine-points", so->refinePoints, "front points measured per refinement round")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    addRuntimeOptions(search, sh->rt);
    search->callback([&action, sh, so, soRun] {
        action = [sh, so, soRun] {
            so->device = sh->rt.device;
            return runSearch(*soRun, *so, sh->rt);
        };
    });

    // profiles
    auto* profiles = app.add_subcommand("profiles", "list the hardware profiles (shipped presets and your own)");
    profiles->callback([&action] {
        action = [] {
            std::printf("| profile | where | description |\n|---|---|---|\n");
            for (const auto& e : listProfiles())
                std::printf("| %s | %s | %s |\n", e.name.c_str(), e.shipped ? "preset" : e.path.c_str(),
                            e.error.empty() ? e.description.c_str() : ("unreadable: " + e.error).c_str());
            std::printf("\nsearched in:");
            for (const auto& d : profileSearchDirs()) std::printf(" %s", d.c_str());
            std::printf("\n");
            return 0;
        };
    });

    // export
    auto eo = std::make_shared<ExportStageOptions>();
    auto eoRun = std::make_shared<std::string>();
    auto eoFormat = std::make_shared<std::string>("both");
    auto* exp = app.add_subcommand("export", "export a front point as a subnet JSON (with provenance) and an ONNX "
                                             "QDQ model");
    exp->add_option("--run", *eoRun, "run folder with a searched front")->required();
    exp->add_option("--profile", eo->profile, "the profile the front was searched for")->capture_default_str();
    exp->add_option("--point", eo->point, "front point index (see eqnet search); default: the best measured "
                                          "subnet within --max-bitops, a uniform baseline when it is better");
    exp->add_flag("!--front-only", eo->includeUniform, "choose among the front points only, not the uniform baselines");
    exp->add_option("--max-bitops", eo->maxBitops, "BitOps budget for choosing the point (0: the profile's)");
    exp->add_option("--name", eo->name, "file name without extension (default <profile>-p<index>, <profile>-W<b>A<b>)");
    exp->add_option("--out-dir", eo->outDir, "folder (default <run>/exports)");
    exp->add_option("--format", *eoFormat, "json, onnx or both")->check(CLI::IsMember({"json", "onnx", "both"}))
        ->capture_default_str();
    addRuntimeOptions(exp, sh->rt);
    exp->callback([&action, sh, eo, eoRun, eoFormat] {
        action = [sh, eo, eoRun, eoFormat] {
            eo->device = sh->rt.device;
            eo->json = *eoFormat != "onnx";
            eo->onnx = *eoFormat != "json";
            return runExport(*eoRun, *eo, sh->rt);
        };
    });

    // pipeline
    auto plOut = std::make_shared<std::string>("runs/fmnist");
    auto plPreset = std::make_shared<std::string>("fmnist");
    auto plChoices = std::make_shared<PipelineChoices>();
    auto* pl = app.add_subcommand("pipeline", "FP training, supernet, CQAP, search, verification and export end to "
                                              "end; run it again to resume");
    pl->add_option("--preset", *plPreset, "fmnist (the full default) or quick (about five minutes)")
        ->check(CLI::IsMember(pipelinePresetNames()))->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast); // scripts/run passes defaults first
    pl->add_option("--out", *plOut, "run folder")->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    pl->add_option("--per-form", plChoices->perForm, "CQAP subnets per form (default: the preset's)");
    pl->add_option("--model", plChoices->model,
                   "mbv2-28 (default), another built-in network, or an FP .onnx file");
    pl->add_option("--fp-epochs", plChoices->fpEpochs,
                   "stage 1 FP training epochs (default: the preset's; 0 for an imported model)");
    addDataOptions(pl, plChoices->data);
    addAugmentationOptions(pl, plChoices->data.augment);
    addRuntimeOptions(pl, sh->rt);
    pl->callback([&action, sh, plOut, plPreset, plChoices] {
        action = [sh, plOut, plPreset, plChoices] {
            return runPipelineCmd(*plOut, *plPreset, sh->rt.device, sh->rt, *plChoices);
        };
    });

    // bench search
    if (CLI::App* bench = app.get_subcommand("bench")) {
        auto bo = std::make_shared<ParetoOptions>();
        bo->exhaustiveUpTo = 0;
        auto bRun = std::make_shared<std::string>();
        auto bModel = std::make_shared<std::string>(kDefaultModel);
        auto bProfile = std::make_shared<std::string>("flex-2to8-pt");
        auto bRepeats = std::make_shared<int>(5);
        auto* bs = bench->add_subcommand("search", "time for one NSGA-II front (population x generations predictions)");
        bs->add_option("--run", *bRun, "use this run's fitted predictor (default: a synthetic fit)");
        bs->add_option("--model", *bModel)->capture_default_str();
        bs->add_option("--profile", *bProfile)->capture_default_str();
        bs->add_option("--population", bo->population)->capture_default_str();
        bs->add_option("--generations", bo->generations)->capture_default_str();
        bs->add_option("--repeats", *bRepeats)->capture_default_str();
        addRuntimeOptions(bs, sh->rt);
        bs->callback([&action, sh, bo, bRun, bModel, bProfile, bRepeats] {
            action = [sh, bo, bRun, bModel, bProfile, bRepeats] {
                return runBenchSearch(*bRun, *bModel, *bProfile, *bo, std::max(1, *bRepeats), sh->rt);
            };
        });
    }
}

} // namespace eqcli
