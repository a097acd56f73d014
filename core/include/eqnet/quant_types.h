#pragma once
// The elastic quantization space of docs/method.md §1, as plain C++ types (no LibTorch), so the
// desktop UI and file formats can use them directly.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace eqnet {

// §1: every bit-width from 2 to 8 is a setting of the supernet.
constexpr int kMinBits = 2;
constexpr int kMaxBits = 8;
constexpr int kNumBitSlots = kMaxBits - kMinBits + 1;
// §1: the first and the last quantized layer always run at 8/8.
constexpr int kFixedLayerBits = 8;

enum class Granularity { PerTensor, PerChannel };

// One quantization form for the whole network: what a piece of hardware supports.
struct QuantForm {
    Granularity granularity = Granularity::PerChannel;
    bool weightSymmetric = true;
    bool actSymmetric = false;

    bool operator==(const QuantForm& o) const {
        return granularity == o.granularity && weightSymmetric == o.weightSymmetric &&
               actSymmetric == o.actSymmetric;
    }
    bool operator!=(const QuantForm& o) const { return !(*this == o); }
};

// Short stable name <granularity>-<weights>-<activations>, e.g. "pc-sym-asym" = per-channel,
// symmetric weights, asymmetric activations; parseForm() reads it back (throws eqnet::Error).
std::string formName(const QuantForm& f);
QuantForm parseForm(const std::string& name);
// Human wording, e.g. "per-channel, symmetric weights, asymmetric activations".
std::string formDescription(const QuantForm& f);
// All 8 forms, in a fixed order (index = formIndex()).
std::vector<QuantForm> allForms();
int formIndex(const QuantForm& f);

struct LayerBits {
    int w = kMaxBits;
    int a = kMaxBits;
    bool operator==(const LayerBits& o) const { return w == o.w && a == o.a; }
};

// A subnet: one form plus (w_bits, a_bits) for every quantized layer, in network order.
struct SubnetConfig {
    QuantForm form;
    std::vector<LayerBits> layers;

    bool operator==(const SubnetConfig& o) const { return form == o.form && layers == o.layers; }
    bool operator!=(const SubnetConfig& o) const { return !(*this == o); }
    double averageWeightBits() const;
    double averageActBits() const;
};

// Uniform subnet: every layer at w/a bits, except the fixed first and last layer at 8/8.
SubnetConfig uniformSubnet(int numLayers, int wBits, int aBits, const QuantForm& form);
// Parses "W4A4" (case-insensitive); throws eqnet::Error naming the text otherwise.
LayerBits parseUniformBits(const std::string& text);

std::ostream& operator<<(std::ostream& os, const QuantForm& f);  // its formName()
std::ostream& operator<<(std::ostream& os, const LayerBits& b);  // "W4A8"

enum class LayerKind { Conv2d, Linear };

// What the engine knows about one quantized layer; filled from the real output shapes.
struct LayerInfo {
    std::string name;
    LayerKind kind = LayerKind::Conv2d;
    std::vector<int64_t> weightShape;  // [out, in/groups, k, k] or [out, in]
    std::vector<int64_t> outputShape;  // per image, e.g. [C, H, W]
    int64_t inChannels = 0;
    int64_t outChannels = 0;
    int64_t kernel = 1;
    int64_t stride = 1;
    int64_t groups = 1;
    int64_t macs = 0;        // multiply-accumulates per image
    int64_t weightParams = 0;
    int64_t biasParams = 0;
    bool fixedBits = false;   // first or last layer: always 8/8 (§1)
    bool actUnsigned = false; // its input is non-negative (after ReLU): unsigned range (§2)
};

} // namespace eqnet
