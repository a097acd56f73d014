// eqnet profiles: list the hardware profiles (shipped presets and the user's own).
#include "commands.h"

#include "eqnet/profile.h"

#include <cstdio>

namespace eqcli {

using namespace eqnet;

void registerProfiles(CLI::App& app, CommandSet& set) {
    auto* cmd = app.add_subcommand("profiles", "list the hardware profiles (shipped presets and your own)");
    set.add(cmd, [] {
        std::printf("| profile | where | description |\n|---|---|---|\n");
        for (const auto& e : listProfiles())
            std::printf("| %s | %s | %s |\n", e.name.c_str(), e.shipped ? "preset" : e.path.c_str(),
                        e.error.empty() ? e.description.c_str() : ("unreadable: " + e.error).c_str());
        std::printf("\nsearched in:");
        for (const auto& d : profileSearchDirs()) std::printf(" %s", d.c_str());
        std::printf("\n");
        return 0;
    });
}

} // namespace eqcli
