#include "terminal_progress.h"

#include <cstdio>
#include <unistd.h>

TerminalProgress::TerminalProgress(std::string label)
    : label_(std::move(label)), tty_(isatty(fileno(stderr)) != 0) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::update(const eqnet::Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.total > 0 && p.done >= p.total;
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!last && since < (tty_ ? 0.1 : logEverySeconds_)) return;
    last_ = now;
    std::string extra;
    for (const auto& [k, v] : p.values) {
        char b[64];
        std::snprintf(b, sizeof b, " %s=%.4g", k.c_str(), v);
        extra += b;
    }
    if (!p.message.empty()) extra += " " + p.message;
    const double frac = p.fraction();
    if (tty_) {
        const int width = 28, filled = int(frac * width + 0.5);
        std::string bar(size_t(filled), '#');
        bar.resize(size_t(width), '.');
        std::fprintf(stderr, "\r\033[K%s [%s] %5.1f%% %lld/%lld %s ETA %s%s", label_.c_str(), bar.c_str(),
                     100 * frac, (long long)p.done, (long long)p.total,
                     eqnet::formatDuration(p.elapsedSeconds).c_str(), eqnet::formatDuration(p.etaSeconds()).c_str(),
                     extra.c_str());
        open_ = true;
    } else {
        std::fprintf(stderr, "%s %5.1f%% %lld/%lld elapsed %s ETA %s%s\n", label_.c_str(), 100 * frac,
                     (long long)p.done, (long long)p.total, eqnet::formatDuration(p.elapsedSeconds).c_str(),
                     eqnet::formatDuration(p.etaSeconds()).c_str(), extra.c_str());
    }
    std::fflush(stderr);
}

void TerminalProgress::finish() {
    if (open_) std::fprintf(stderr, "\n");
    open_ = false;
}
