// Every reader of the project's JSON files: the first input byte chooses the reader, the rest is
// the file's text. The subnet and front readers read against mbv2-28's layers (the demo run's
// model), so that the seeds from the demo run reach deep into them.
#include "fuzz_support.h"

#include "eqnet/cqap.h"
#include "eqnet/error.h"
#include "eqnet/front.h"
#include "eqnet/metrics_schema.h"
#include "eqnet/model_spec.h"
#include "eqnet/pipeline.h"
#include "eqnet/profile.h"
#include "eqnet/subnet_json.h"
#include "eqnet/supernet.h"
#include "eqnet/training.h"
#include "graph/imported_network_json.h"

#include <filesystem>
#include <sstream>

namespace {

const std::vector<eqnet::LayerInfo>& layers() {
    static const std::vector<eqnet::LayerInfo> l = eqnet::Supernet(eqnet::defaultModelSpec("mbv2-28")).layers();
    return l;
}

enum Reader : uint8_t {
    Subnet, Provenance, Profile, RunConfig, Front, MetricsLines, Predictor, Samples, PipelineRecord, Network, kReaders
};

void read(Reader r, const std::string& text) {
    using namespace eqnet;
    switch (r) {
    case Subnet: subnetFromJson(text, "mbv2-28", layers(), "fuzz.json"); break;
    case Provenance: subnetProvenanceFromJson(text, "fuzz.json"); break;
    case Profile: profileFromJson(text, "fuzz.json"); break;
    case RunConfig: trainConfigFromJson(text, "run.json"); break;
    case Front: frontTable(frontFromJson(text, "front.json", layers()), layers()); break;
    case MetricsLines: {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
            MetricsRecord rec;
            parseMetricsLine(line, rec);
        }
        break;
    }
    case Predictor: CqapPredictor::fromJson(text, "predictor.json"); break;
    case Samples: {
        const std::string path = eqfuzz::writeScratch(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "-samples.jsonl");
        readCqapSamples(path, layers(), "");
        break;
    }
    case PipelineRecord: {
        const std::string dir = std::filesystem::path(eqfuzz::scratchPath("")).parent_path().string();
        const std::string path = dir + "/pipeline.json";
        if (FILE* f = std::fopen(path.c_str(), "wb")) {
            std::fwrite(text.data(), 1, text.size(), f);
            std::fclose(f);
        }
        pipelineCqapOptions(dir);
        break;
    }
    case Network: graph::importedNetworkFromJson(text, "network.json"); break;
    case kReaders: break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const Reader r = Reader(data[0] % kReaders);
    try {
        read(r, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    } catch (const eqnet::Error&) {
    }
    return 0;
}
