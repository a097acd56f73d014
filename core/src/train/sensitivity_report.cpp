// `eqnet report --sensitivity`: how much each layer alone costs when it drops to low bits.
#include "eqnet/report.h"

#include "eqnet/cost_model.h"
#include "eqnet/error.h"
#include "eqnet/timing.h"
#include "eqnet/training.h"

#include <chrono>
#include <cstdio>
#include <sstream>

namespace eqnet {

std::string runSensitivityReport(const std::string& runDir, const ReportOptions& opt, int bits,
                                 const ProgressFn& progress, const StopToken& stop) {
    if (bits < kMinBits || bits > kMaxBits)
        throw Error("--sensitivity-bits " + std::to_string(bits) + " is not a bit-width 2..8");
    const TrainingJob job = TrainingJob::open(runDir);
    Dataset data = loadDataset(job.config().data);
    Supernet net = loadRunSupernet(runDir, opt.device);
    const std::vector<QuantForm> forms = opt.forms.empty() ? allForms() : opt.forms;
    const auto& layers = net.layers();
    std::vector<size_t> searchable;
    for (size_t i = 0; i < layers.size(); ++i)
        if (!layers[i].fixedBits) searchable.push_back(i);

    // acc[form][0] = W8A8, acc[form][1 + k] = searchable layer k at `bits`.
    std::vector<std::vector<double>> acc(forms.size());
    const auto t0 = std::chrono::steady_clock::now();
    Progress p;
    p.stage = "sensitivity";
    p.total = int64_t(forms.size() * (searchable.size() + 1));
    for (size_t f = 0; f < forms.size(); ++f) {
        for (size_t k = 0; k <= searchable.size(); ++k) {
            if (stop.stopRequested()) throw Error("report stopped");
            SubnetConfig c = net.uniform(kMaxBits, kMaxBits, forms[f]);
            if (k > 0) c.layers[searchable[k - 1]] = {bits, bits};
            net.setSubnet(c);
            acc[f].push_back(net.evaluate(data, data.val, opt.eval).accuracy);
            if (progress) {
                ++p.done;
                p.elapsedSeconds = secondsSince(t0);
                p.message = formName(forms[f]) + (k ? " " + layers[searchable[k - 1]].name : " W8A8");
                progress(p);
            }
        }
    }

    std::ostringstream md;
    char buf[64];
    md << "Per-layer sensitivity of the supernet in " << runDir << " (" << job.config().model
       << "): validation accuracy drop (pp) of the W8A8 subnet when one layer alone runs at W" << bits << "A"
       << bits << " (validation split, " << data.val.size() << " images; "
       << describeBn(opt.eval) << " per subnet).\n\n";
    md << "| layer | MACs | share of BitOps at W8A8 |";
    for (const auto& f : forms) md << " " << formName(f) << " |";
    md << " mean |\n|---|---:|---:|";
    for (size_t f = 0; f < forms.size(); ++f) md << "---:|";
    md << "---:|\n";
    const SubnetCost full = subnetCost(layers, net.uniform(kMaxBits, kMaxBits, forms.front()));
    md << "| (W8A8 accuracy, %) | | |";
    for (size_t f = 0; f < forms.size(); ++f) {
        std::snprintf(buf, sizeof buf, " %.2f |", 100 * acc[f][0]);
        md << buf;
    }
    md << " |\n";
    for (size_t k = 0; k < searchable.size(); ++k) {
        const LayerInfo& l = layers[searchable[k]];
        std::snprintf(buf, sizeof buf, "| %s | %lld | %.1f %% |", l.name.c_str(), (long long)l.macs,
                      100.0 * double(l.macs) * kMaxBits * kMaxBits / double(full.bitops));
        md << buf;
        double mean = 0;
        for (size_t f = 0; f < forms.size(); ++f) {
            const double drop = 100 * (acc[f][0] - acc[f][k + 1]);
            mean += drop / double(forms.size());
            std::snprintf(buf, sizeof buf, " %.2f |", drop);
            md << buf;
        }
        std::snprintf(buf, sizeof buf, " %.2f |\n", mean);
        md << buf;
    }
    return md.str();
}

} // namespace eqnet
