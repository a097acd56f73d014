#pragma once
// Hardware profiles: what a piece of hardware can run (the bit-widths it supports for weights
// and activations, the one quantization form of docs/method.md §1 it implements) and, optionally,
// a budget (BitOps per image, model size). The search (eqnet/search.h) looks for subnets in
// exactly this space. Files are "eqnet.profile" JSON, documented in docs/profiles.md.
// Plain C++ types only.
#include "eqnet/cost_model.h"
#include "eqnet/quant_types.h"

#include <optional>
#include <string>
#include <vector>

namespace eqnet {

constexpr const char* kProfileSchema = "eqnet.profile";
constexpr int kProfileSchemaVersion = 1;

struct HardwareProfile {
    std::string name;
    std::string description;
    // Bit-widths the hardware runs for the searchable layers: sorted, unique, each in
    // kMinBits..kMaxBits, not empty. The first and last layer stay at 8/8 whatever these are
    // (§1).
    std::vector<int> weightBits;
    std::vector<int> actBits;
    QuantForm form;
    // Budgets; none = unconstrained. BitOps per image as in §7; size in bits as
    // SubnetCost::sizeBits (weights, biases, scales and zero points).
    std::optional<double> bitopsBudget;
    std::optional<double> sizeBudgetBits;
    // The file it was read from; empty for a profile built in code.
    std::string source;
};

// Parses "eqnet.profile" JSON. Throws eqnet::Error naming `source` and the field, e.g.
// "p.json: field \"weight_bits[1]\" = 9 is not a bit-width 2..8".
HardwareProfile profileFromJson(const std::string& text, const std::string& source);
std::string profileToJson(const HardwareProfile& p);
HardwareProfile readProfileFile(const std::string& path);
void writeProfileFile(const std::string& path, const HardwareProfile& p); // atomic
// The checks profileFromJson() makes, for a profile built in code; throws eqnet::Error.
void validateProfile(const HardwareProfile& p);

// ---- Finding profiles ---------------------------------------------------------------------

// Folders searched for "<name>.json", in order (earlier ones shadow later ones):
// $EQNET_PROFILE_DIR (may hold several folders separated by ':'), the user's folder
// ($XDG_CONFIG_HOME or ~/.config, then /eqnet/profiles), and the presets shipped with
// EQ-Net Studio. Folders that do not exist are listed too.
std::vector<std::string> profileSearchDirs();
// The user's folder alone (where the studio saves profiles); empty when there is no home.
std::string userProfileDir();
// The presets' folder; empty when this build has none.
std::string shippedProfileDir();

struct ProfileEntry {
    std::string name;        // the file name without ".json": what findProfile() takes
    std::string path;
    bool shipped = false;    // found in the presets' folder
    std::string description; // from the file; empty when it could not be read
    std::string error;       // why the file could not be read; empty when it is fine
};

// Every "*.json" of profileSearchDirs(), the first of each name only, sorted by name.
std::vector<ProfileEntry> listProfiles();
// `nameOrPath` is a file when it exists (or contains '/' or ends in ".json"), otherwise a name
// looked up in profileSearchDirs(). Throws eqnet::Error listing the available names.
HardwareProfile findProfile(const std::string& nameOrPath);

// ---- Using a profile ----------------------------------------------------------------------

// The cheapest subnet the profile allows: the smallest weight and activation bits on every
// searchable layer, the first and last layer at 8/8, the profile's form. Both its BitOps and
// its size are the smallest of all the profile's subnets.
SubnetConfig cheapestSubnet(const HardwareProfile& p, const std::vector<LayerInfo>& layers);
// The largest one (the largest allowed bits everywhere).
SubnetConfig largestSubnet(const HardwareProfile& p, const std::vector<LayerInfo>& layers);
// Throws eqnet::Error when no subnet of the profile meets its budgets, naming the cheapest
// possible cost, e.g. "profile npu: BitOps budget of 1.2 MBitOps is below the cheapest subnet
// this profile allows (3.4 MBitOps at W2A4)".
void checkFeasible(const HardwareProfile& p, const std::vector<LayerInfo>& layers);
// Why `cfg` is not a subnet of the profile (form, bits, fixed layers, budgets), or "" when it
// is.
std::string profileViolation(const HardwareProfile& p, const SubnetConfig& cfg,
                             const std::vector<LayerInfo>& layers);
inline bool allows(const HardwareProfile& p, const SubnetConfig& cfg, const std::vector<LayerInfo>& layers) {
    return profileViolation(p, cfg, layers).empty();
}

// "3.41 MBitOps", "1.20 GBitOps"; "12.3 KiB" (bits given, shown in bytes).
std::string formatBitops(double bitops);
std::string formatSizeBits(double bits);

} // namespace eqnet
