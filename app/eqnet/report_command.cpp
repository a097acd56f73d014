// eqnet report: accuracy of a supernet's uniform subnets in every form, beside static baselines
// (or, with --sensitivity, each searchable layer's accuracy drop alone at low bits).
#include "commands.h"
#include "shared_options.h"
#include "terminal_progress.h"

#include "eqnet/files.h"
#include "eqnet/report.h"
#include "eqnet/supernet.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace eqcli {

using namespace eqnet;

namespace {

struct ReportArgs {
    std::string run;
    std::string out;
    ReportOptions options;
    std::vector<std::string> forms;
    int sensitivityBits = 0;
    RuntimeOptions rt;
};

int runReportCmd(ReportArgs& a) {
    applyRuntime(a.rt);
    ReportOptions& rep = a.options;
    for (const auto& f : a.forms) rep.forms.push_back(parseForm(f));
    rep.device = a.rt.device;
    std::string md;
    {
        TerminalProgress bar("report");
        md = a.sensitivityBits ? runSensitivityReport(a.run, rep, a.sensitivityBits, bar.callback(), stopToken())
                               : runReport(a.run, rep, bar.callback(), stopToken());
    }
    std::printf("%s", md.c_str());
    if (!a.out.empty()) writeFileAtomic(a.out, md);
    return 0;
}

} // namespace

void registerReport(CLI::App& app, CommandSet& set) {
    auto a = std::make_shared<ReportArgs>();
    ReportOptions& rep = a->options;
    auto* cmd = app.add_subcommand("report", "accuracy of a supernet's uniform subnets in every form "
                                             "(validation and test), beside static baselines");
    cmd->add_option("--run", a->run, "supernet run folder")->required();
    cmd->add_option("--static", rep.staticRuns, "static baseline run folders");
    cmd->add_option("--forms", a->forms, "forms (default: all 8)");
    cmd->add_option("--bits", rep.bits, "W=A bit-widths (default: 8..2)");
    cmd->add_option("--bn-images", rep.eval.bnImages)->capture_default_str();
    cmd->add_option("--bn-repeats", rep.eval.bnRepeats, "BN estimates averaged per subnet")
        ->capture_default_str();
    cmd->add_option("--out", a->out, "also write the table to this file");
    cmd->add_option("--sensitivity", a->sensitivityBits,
                    "instead: each searchable layer alone at these bits (e.g. 2), the others at 8, "
                    "accuracy drop per form");
    addRuntimeOptions(cmd, a->rt);
    set.add(cmd, [a] { return runReportCmd(*a); });
}

} // namespace eqcli
