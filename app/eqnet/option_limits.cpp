#include "option_limits.h"

#include <cmath>
#include <iomanip>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace eqcli {

namespace {

// An admissible range; `positive` excludes the lower bound 0 (a rate or a spread of 0 is not
// a value, it is a mistake). `only` (when not empty) lists the only values allowed.
struct Limit {
    const char* key; // "--name" for every command, or "command path --name" for one command
    double lo, hi;
    bool positive = false;
    std::vector<double> only = {};
};

constexpr double kIntMax = double(std::numeric_limits<int32_t>::max());
constexpr double kSeedMax = 18446744073709551615.0; // uint64_t

// Ranges wide enough for any real use and narrow enough that nothing downstream overflows or
// asks for absurd resources (--threads 100000 spawned thousands of threads and hung).
const Limit kLimits[] = {
    // how long and how much
    {"--epochs", 0, 100000},
    {"train --epochs", 1, 100000}, // stage 2: a supernet needs at least one epoch
    {"--fp-epochs", 0, 100000},
    {"--batch-size", 1, 65536},
    {"bench subnet-measure --batch-size", 0, 65536}, // 0: the measurement's own default
    {"--subnets", 2, 64},                            // the sandwich: largest and smallest at least
    {"bench subnet-measure --subnets", 1, 10000},
    {"--static", 2, 8},
    {"--bits", 2, 8},
    {"--sensitivity", 2, 8},
    // optimisation
    {"--lr", 0, 10, true},
    {"--weight-decay", 0, 1},
    {"--grad-clip", 0, 1e6},
    {"--label-smoothing", 0, 0.99},
    {"--alpha", 0, 1},
    {"--wdr-skew-weight", 0, 1e3},
    {"--wdr-kurt-weight", 0, 1e3},
    {"--wdr-kurt-target", 0, 1e3},
    // images used
    {"--calib-images", 1, 1e7},
    {"--images", 1, 1e7},
    {"--eval-images", 0, 1e9},
    {"--bn-images", 0, 1e9},
    {"--bn-repeats", 0, 1000},
    {"eval --bn-repeats", 1, 1000},
    {"report --bn-repeats", 1, 1000},
    {"bench measurement --bn-repeats", 1, 1000},
    {"--val-images", 0, 1e9},
    {"--val-size", 1, 1e9},
    {"--pictures", 0, 1e9},
    // data and preprocessing
    {"--mean", 0, 1},
    {"--std", 0, 10, true},
    {"--image-size", 1, 4096},
    {"bench decode --image-size", 0, 4096}, // 0: the folder's own size
    {"--channels", 1, 3, false, {1, 3}},
    {"bench decode --channels", 0, 3, false, {0, 1, 3}},
    {"--in-channels", 1, 4096},
    {"--classes", 2, 1e6},
    {"--cache-mb", 0, 1 << 24},
    {"--max-bad-images", 0, kIntMax},
    {"--random-crop", 0, 1024},
    // CQAP and search
    {"--per-form", 1, 1e6},
    {"--hidden", 1, 4096},
    {"--ensemble", 1, 100},
    {"--workers", 0, 256},
    {"--population", 2, 100000},
    {"--generations", 0, 1e6},
    {"--verify-top", 0, 1e6},
    {"--refine", 0, 1e6},
    {"--refine-points", 1, 1e6},
    {"--point", 0, 1e6},
    {"--max-bitops", 0, 1e30},
    // seeds
    {"--seed", 0, kSeedMax},
    {"--bn-seed", 0, kSeedMax},
    {"--bn-seeds", 0, kSeedMax},
    {"--fit-seed", 0, kSeedMax},
    // machine
    {"--threads", 0, 1024},
    // data-parallel runs
    {"--ranks", 1, 256},
    {"--world-size", 1, 65536},
    {"--rank", 0, 65535},
    {"--master-port", 0, 65535},
    {"--dist-timeout", 0, 604800, true},
    {"--grace", 0, 3600},
    // benchmarks
    {"--seconds", 0, 3600, true},
    {"--rounds", 1, 1000},
    {"--repeats", 1, 1000},
};

std::string optionName(const CLI::Option* o) {
    return o->get_lnames().empty() ? o->get_name() : "--" + o->get_lnames().front();
}

bool isNumeric(const CLI::Option* o) {
    std::string t = o->get_type_name();
    t = t.substr(0, t.find(':'));
    return t == "INT" || t == "UINT" || t == "FLOAT";
}

// "train", "bench train-step": the command path below the root.
std::string commandPath(const CLI::App* cmd) {
    std::string path;
    for (const CLI::App* c = cmd; c && c->get_parent(); c = c->get_parent())
        path = path.empty() ? c->get_name() : c->get_name() + " " + path;
    return path;
}

const Limit* findLimit(const std::string& path, const std::string& name) {
    const std::string specific = path + " " + name;
    for (const Limit& l : kLimits)
        if (specific == l.key) return &l;
    for (const Limit& l : kLimits)
        if (name == l.key) return &l;
    return nullptr;
}

std::string number(double v) {
    if (v == kSeedMax) return "2^64-1";
    std::ostringstream s;
    s << std::setprecision(15) << v;
    return s.str();
}

std::string rangeText(const Limit& l) {
    if (!l.only.empty()) {
        std::string t;
        for (double v : l.only) t += (t.empty() ? "" : ", ") + number(v);
        return "one of " + t;
    }
    return (l.positive ? "(" : "[") + number(l.lo) + ", " + number(l.hi) + "]";
}

CLI::Validator validator(const Limit& l) {
    CLI::Validator v(
        [l](std::string& text) -> std::string {
            double x = 0;
            try {
                size_t used = 0;
                x = std::stod(text, &used);
                if (used != text.size()) return "'" + text + "' is not a number";
            } catch (const std::exception&) {
                return "'" + text + "' is not a number";
            }
            bool ok = std::isfinite(x) && x >= l.lo && x <= l.hi && !(l.positive && x <= 0);
            if (ok && !l.only.empty()) {
                ok = false;
                for (double o : l.only) ok = ok || x == o;
            }
            return ok ? std::string() : text + (l.only.empty() ? " is outside " : " is not ") + rangeText(l);
        },
        rangeText(l));
    return v;
}

template <typename Fn> void forEachNumericOption(CLI::App& app, const Fn& fn) {
    for (CLI::App* cmd : app.get_subcommands([](CLI::App*) { return true; })) {
        for (CLI::Option* o : cmd->get_options([](CLI::Option*) { return true; }))
            if (isNumeric(o)) fn(cmd, o);
        forEachNumericOption(*cmd, fn);
    }
}

} // namespace

void applyOptionLimits(CLI::App& app) {
    forEachNumericOption(app, [](CLI::App* cmd, CLI::Option* o) {
        const std::string path = commandPath(cmd);
        const Limit* l = findLimit(path, optionName(o));
        if (!l)
            throw std::logic_error("numeric option " + optionName(o) + " of 'eqnet " + path +
                                   "' has no limits in option_limits.cpp");
        o->check(validator(*l));
    });
}

} // namespace eqcli
