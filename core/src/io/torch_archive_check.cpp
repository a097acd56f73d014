#include "io/torch_archive_check.h"

#include "eqnet/error.h"
#include "io/pickle_check.h"
#include "io/zip_directory.h"

#include <unordered_map>

namespace eqnet {
namespace {
bool endsWith(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
} // namespace

void checkTorchArchive(std::string_view bytes, const std::string& what) {
    const std::vector<zipdir::Record> records = zipdir::readDirectory(bytes, what);
    std::unordered_map<std::string, uint64_t> sizes;
    for (const zipdir::Record& r : records) sizes[r.name] = r.size;
    for (const zipdir::Record& r : records) {
        if (!endsWith(r.name, "pkl")) continue;
        if (r.method != 0) throw Error(what + ": " + r.name + " is compressed (LibTorch stores its pickles)");
        // <archive>/data.pkl keeps its storages in <archive>/data/<key>, constants.pkl in
        // constants/; debug information (*.debug_pkl) has none.
        picklecheck::RecordSize recordSize;
        if (endsWith(r.name, ".pkl") && !endsWith(r.name, ".debug_pkl")) {
            const std::string folder = r.name.substr(0, r.name.size() - 4) + "/";
            recordSize = [&sizes, folder](const std::string& key) -> std::optional<uint64_t> {
                const auto it = sizes.find(folder + key);
                return it == sizes.end() ? std::nullopt : std::optional<uint64_t>(it->second);
            };
        }
        picklecheck::checkPickle(bytes.substr(r.dataOffset, r.storedBytes), what + ": " + r.name, recordSize);
    }
}

} // namespace eqnet
