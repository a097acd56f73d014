#include "eqnet/report.h"

#include "eqnet/error.h"
#include "eqnet/timing.h"
#include "eqnet/training.h"
#include "engine/supernet_impl.h"
#include "train/sandwich_trainer.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

namespace eqnet {

std::string runReport(const std::string& runDir, const ReportOptions& opt, const ProgressFn& progress,
                      const StopToken& stop) {
    const TrainingJob job = TrainingJob::open(runDir);
    if (job.config().staticSubnet) throw Error(runDir + ": is a static baseline run; report a supernet run");
    Dataset data = loadDataset(job.config().data);
    Supernet net = loadRunSupernet(runDir, opt.device);
    const std::vector<QuantForm> forms = opt.forms.empty() ? allForms() : opt.forms;
    std::vector<int> bits = opt.bits;
    if (bits.empty())
        for (int b = kMaxBits; b >= kMinBits; --b) bits.push_back(b);

    // Static baselines by (form, bits).
    struct Static { std::string run; double val = 0, test = 0; };
    std::map<std::pair<int, int>, Static> statics;
    for (const std::string& r : opt.staticRuns) {
        const TrainingJob sj = TrainingJob::open(r);
        const TrainConfig& c = sj.config();
        if (!c.staticSubnet) throw Error(r + ": not a static baseline run (trained without --static)");
        if (c.model != job.config().model) throw Error(r + ": model " + c.model + " differs from " + job.config().model);
        Supernet s = loadRunSupernet(r, opt.device);
        s.setSubnet(s.uniform(c.staticBits, c.staticBits, c.staticForm));
        statics[{formIndex(c.staticForm), c.staticBits}] = {r, s.evaluate(data, data.val, opt.eval).accuracy,
                                                           s.evaluate(data, data.test, opt.eval).accuracy};
    }

    char buf[96];
    std::ostringstream md;
    {
        // The shape of the shared weights WDR acts on: every quantized layer but the first.
        torch::NoGradGuard ng;
        const auto w = train::wdrWeights(net.impl());
        double sk = 0, ku = 0;
        for (const auto& t : w) {
            auto [s, k] = train::skewKurt(t.detach());
            sk += s.item<double>();
            ku += k.item<double>();
        }
        std::snprintf(buf, sizeof buf, "%.3f, mean kurtosis %.3f", sk / double(w.size()), ku / double(w.size()));
        md << "Shared FP weights (all quantized layers but the first): mean skewness " << buf
           << " (WDR " << (job.config().wdr ? "on" : "off") << ", guidance "
           << guidanceName(job.config().guidance) << ").\n\n";
    }
    md << "Uniform subnets of the supernet in " << runDir << " (" << job.config().model
       << "), accuracy (%) on the validation split (" << data.val.size() << " images) and the test split ("
       << data.test.size() << "), " << describeBn(opt.eval) << " per subnet.\n\n";
    md << "| form | bits | val | test |" << (statics.empty() ? "" : " static val | static test |") << "\n";
    md << "|---|---|---:|---:|" << (statics.empty() ? "" : "---:|---:|") << "\n";
    const auto t0 = std::chrono::steady_clock::now();
    int64_t done = 0;
    const int64_t total = int64_t(forms.size() * bits.size());
    for (const QuantForm& f : forms) {
        for (int b : bits) {
            if (stop.stopRequested()) throw Error("report stopped");
            net.setSubnet(net.uniform(b, b, f));
            const double val = net.evaluate(data, data.val, opt.eval).accuracy;
            const double test = net.evaluate(data, data.test, opt.eval).accuracy;
            std::snprintf(buf, sizeof buf, "| %.2f | %.2f |", 100 * val, 100 * test);
            md << "| " << formName(f) << " | W" << b << "A" << b << " " << buf;
            if (!statics.empty()) {
                auto it = statics.find({formIndex(f), b});
                if (it == statics.end()) md << " | |";
                else {
                    std::snprintf(buf, sizeof buf, " %.2f | %.2f |", 100 * it->second.val, 100 * it->second.test);
                    md << buf;
                }
            }
            md << "\n";
            if (progress) {
                Progress p;
                p.stage = "report";
                p.done = ++done;
                p.total = total;
                p.elapsedSeconds = secondsSince(t0);
                p.message = formName(f) + " W" + std::to_string(b) + "A" + std::to_string(b);
                progress(p);
            }
        }
    }
    if (!statics.empty()) {
        md << "\nStatic baselines: ";
        for (const auto& [k, s] : statics) md << s.run << " ";
        md << "\n";
    }
    return md.str();
}

} // namespace eqnet
