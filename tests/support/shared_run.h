#pragma once
// A run trained once per test process (on first use), in the temporary folder, and removed
// when the process ends: for the suites whose cases all look at one small trained run.
#include "eqnet/training.h"

#include <unistd.h>
#include <filesystem>
#include <string>

namespace eqtest {

class SharedRun {
public:
    SharedRun(const std::string& tag, const eqnet::TrainConfig& cfg)
        : dir_((std::filesystem::temp_directory_path() / ("eqnet-" + tag + "-" + std::to_string(::getpid()))).string()) {
        std::filesystem::remove_all(dir_);
        eqnet::TrainingJob job = eqnet::TrainingJob::create(dir_, cfg);
        job.run();
    }
    ~SharedRun() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    SharedRun(const SharedRun&) = delete;
    SharedRun& operator=(const SharedRun&) = delete;
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

} // namespace eqtest
