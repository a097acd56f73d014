// Runs the EQ_TEST cases of one suite without Qt (headless builds): prints one line per case
// and "N passed, N failed, N skipped"; exit status 1 when any case failed. An argument selects cases
// whose name contains it.
#include "eqtest.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

namespace {
bool g_failed = false;
bool g_skipped = false;
std::string g_scratch;

void removeScratch() {
    if (!g_scratch.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(g_scratch, ec);
        g_scratch.clear();
    }
}
} // namespace

void eqtest::fail(const std::string& message, const char* file, int line) {
    g_failed = true;
    std::cout << "FAIL!  : " << message << "\n   Loc: [" << file << "(" << line << ")]\n";
}

void eqtest::skip(const std::string& message, const char* file, int line) {
    g_skipped = true;
    std::cout << "SKIP   : " << message << "\n   Loc: [" << file << "(" << line << ")]\n";
}

std::string eqtest::scratchDir() {
    removeScratch();
    std::mt19937_64 rng(std::random_device{}());
    auto dir = std::filesystem::temp_directory_path() / ("eqtest-" + std::to_string(rng()));
    std::filesystem::create_directories(dir);
    g_scratch = dir.string();
    return g_scratch;
}

int main(int argc, char** argv) {
    const std::string filter = argc > 1 ? argv[1] : "";
    int passed = 0, failed = 0, skipped = 0;
    for (const auto& c : eqtest::registry()) {
        if (!filter.empty() && std::string(c.name).find(filter) == std::string::npos) continue;
        g_failed = false;
        g_skipped = false;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            c.fn();
        } catch (const std::exception& e) {
            eqtest::fail(std::string("unexpected exception: ") + e.what(), __FILE__, __LINE__);
        }
        removeScratch();
        const double ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - t0).count();
        std::cout << (g_failed ? "FAIL   : " : g_skipped ? "SKIP   : " : "PASS   : ") << c.name << " ("
                  << ms << " ms)\n";
        (g_failed ? failed : g_skipped ? skipped : passed)++;
    }
    std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
    return failed ? 1 : 0;
}
