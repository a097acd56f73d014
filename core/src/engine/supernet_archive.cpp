// A supernet's checkpoint: the archive format (v2, and v1 converted on load), written
// atomically, read back with every quantizer slot checked (eqnet/supernet.h, supernet_impl.h).
#include "eqnet/supernet.h"

#include "engine/supernet_impl.h"
#include "eqnet/error.h"
#include "eqnet/files.h"
#include "graph/imported_network_json.h"
#include "io/torch_archive_check.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eqnet {

namespace fs = std::filesystem;

namespace {
// v2: every bit-width's slot is its own parameter, steps stored as log_step (quant/
// elastic_quantizer.h). v1 (older builds): the slots of a setting were columns of one tensor
// holding raw steps; such checkpoints are converted on load.
constexpr const char* kCheckpointFormat = "eqnet-supernet-v2";
constexpr const char* kLegacyFormatV1 = "eqnet-supernet-v1";

// Reads a v1 quantizer's slots ([C, 7] / [7] tensors of raw steps and zero points) into the
// v2 banks. A non-positive step becomes a NaN log step, which checkSlots() then names.
void readLegacyBank(torch::serialize::InputArchive& ar, const std::string& scaleKey,
                    const std::string& zeroKey, quant::SlotBank& bank, const std::string& layer,
                    std::map<std::string, std::string>& faults) {
    torch::NoGradGuard ng;
    torch::Tensor scale, zero;
    TORCH_CHECK(ar.try_read(scaleKey, scale), "no tensor '", scaleKey, "'");
    TORCH_CHECK(!bank.asymmetric() || ar.try_read(zeroKey, zero), "no tensor '", zeroKey, "'");
    for (int b = kMinBits; b <= kMaxBits; ++b) {
        const int64_t k = quant::slotIndex(b);
        auto s = scale.select(scale.dim() - 1, k).to(torch::kFloat);
        const auto flat = s.reshape({-1}).to(torch::kDouble).contiguous();
        for (int64_t c = 0; c < flat.numel(); ++c) {
            const double v = flat.data_ptr<double>()[c];
            if (!(v > 0) || !std::isfinite(v)) {
                std::ostringstream os;
                os << "step " << v << " is not a positive finite number";
                faults["layer " + layer + ", " + bank.location(b, c)] = os.str();
            }
        }
        const auto& logStep = bank.logStepParam(b);
        logStep.copy_(torch::where(s > 0, s.log(), torch::full_like(s, std::nan(""))).reshape(logStep.sizes()));
        if (bank.asymmetric()) {
            // v1 used clamp(round(z), n, p): the same integer zero point, now kept in range.
            const auto r = bank.range(b);
            const auto& z = bank.zeroParam(b);
            z.copy_(zero.select(zero.dim() - 1, k).to(torch::kFloat).clamp(double(r.n), double(r.p)).reshape(z.sizes()));
        }
    }
}

// Module::load with the v1 quantizer layout: plain parameters and buffers as saved, the
// quantizers' slots converted.
void loadLegacyModule(torch::nn::Module& m, torch::serialize::InputArchive& ar, const std::string& path,
                      std::map<std::string, std::string>& faults) {
    // path: the module's dotted name and a trailing dot; a quantizer's layer is its parent.
    const std::string layer = path.size() > 4 ? path.substr(0, path.size() - 4) : path;
    if (auto* wq = dynamic_cast<quant::WeightQuantizerImpl*>(&m)) {
        readLegacyBank(ar, "pc_sym_scale", "", wq->bank(Granularity::PerChannel, true), layer, faults);
        readLegacyBank(ar, "pc_asym_scale", "pc_asym_zero", wq->bank(Granularity::PerChannel, false), layer, faults);
        readLegacyBank(ar, "pt_sym_scale", "", wq->bank(Granularity::PerTensor, true), layer, faults);
        readLegacyBank(ar, "pt_asym_scale", "pt_asym_zero", wq->bank(Granularity::PerTensor, false), layer, faults);
        return;
    }
    if (auto* aq = dynamic_cast<quant::ActQuantizerImpl*>(&m)) {
        readLegacyBank(ar, "sym_scale", "", aq->bank(true), layer, faults);
        readLegacyBank(ar, "asym_scale", "asym_zero", aq->bank(false), layer, faults);
        return;
    }
    for (auto& p : m.named_parameters(/*recurse=*/false)) ar.read(p.key(), p.value());
    for (auto& b : m.named_buffers(/*recurse=*/false)) ar.read(b.key(), b.value(), /*is_buffer=*/true);
    for (const auto& child : m.named_children()) {
        torch::serialize::InputArchive sub;
        ar.read(child.key(), sub);
        loadLegacyModule(*child.value(), sub, path + child.key() + ".", faults);
    }
}
} // namespace

std::string firstLine(const std::string& s) {
    // LibTorch's messages may start with a blank line (TorchScript's ErrorReport does).
    const size_t start = s.find_first_not_of(" \n");
    if (start == std::string::npos) return {};
    return s.substr(start, s.find('\n', start) - start);
}

bool isLegacyArchive(torch::serialize::InputArchive& ar) {
    c10::IValue v;
    return ar.try_read("eqnet_format", v) && v.isString() && v.toStringRef() == kLegacyFormatV1;
}

std::vector<std::string> Supernet::Impl::invalidSlots() const {
    std::vector<std::string> out;
    for (const auto& [name, layer] : qlayers) {
        std::vector<quant::SlotProblem> problems;
        for (const auto* bank : layer->slotBanks()) bank->check(problems);
        for (const auto& p : problems) {
            const std::string where = "layer " + name + ", " + p.slot;
            const auto raw = legacySlotFaults.find(where);
            out.push_back(where + ": " + (raw != legacySlotFaults.end() ? raw->second : p.fault));
        }
    }
    return out;
}

void Supernet::Impl::constrainQuantizers() {
    for (auto& [name, layer] : qlayers) {
        for (auto* bank : layer->slotBanks()) bank->constrain();
    }
}

// CRC-32 of every parameter and buffer with its name, in the module's order: written with the
// checkpoint and compared on load, so that tensor data damaged inside an archive that still
// opens (a flipped byte, a bad block) is refused instead of evaluated.
static int64_t tensorDigest(const torch::nn::Module& m) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto add = [&](const std::string& name, const torch::Tensor& t) {
        crc = crc32(crc, reinterpret_cast<const Bytef*>(name.data()), uInt(name.size()));
        if (!t.defined()) return;
        const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
        const auto* p = static_cast<const Bytef*>(c.data_ptr());
        const size_t bytes = size_t(c.numel()) * c.element_size();
        for (size_t off = 0; off < bytes; off += size_t(1) << 30)
            crc = crc32(crc, p + off, uInt(std::min(size_t(1) << 30, bytes - off)));
    };
    for (const auto& p : m.named_parameters(/*recurse=*/true)) add(p.key(), p.value());
    for (const auto& b : m.named_buffers(/*recurse=*/true)) add(b.key(), b.value());
    return int64_t(crc);
}

void writeSupernetArchive(const Supernet& net, torch::serialize::OutputArchive& ar) {
    const auto& d = net.impl();
    d.model->save(ar);
    ar.write("eqnet_digest", c10::IValue(tensorDigest(*d.model)));
    ar.write("eqnet_format", c10::IValue(std::string(kCheckpointFormat)));
    ar.write("eqnet_model", c10::IValue(d.spec.name));
    ar.write("eqnet_in_channels", c10::IValue(d.spec.inChannels));
    ar.write("eqnet_image_size", c10::IValue(d.spec.imageSize));
    ar.write("eqnet_num_classes", c10::IValue(int64_t(d.spec.numClasses)));
    // An imported network carries its description, so that the checkpoint alone rebuilds it.
    if (d.spec.imported) ar.write("eqnet_network", c10::IValue(graph::importedNetworkToJson(*d.spec.imported)));
}

void saveArchiveAtomic(torch::serialize::OutputArchive& ar, const std::string& path) {
    ensureParentFolder(path);
    // Serialised into memory first: LibTorch's file writer throws from its destructor when the
    // disk fills, which ends the process; writing the bytes ourselves gives a clear error and
    // leaves the old checkpoint (readers see the old or the new one, never half of one).
    std::string bytes;
    try {
        ar.save_to([&bytes](const void* data, size_t n) -> size_t {
            bytes.append(static_cast<const char*>(data), n);
            return n;
        });
    } catch (const std::exception& e) {
        throw Error(path + ": cannot write checkpoint: " + firstLine(e.what()));
    }
    writeFileAtomic(path, bytes);
}

void openArchive(torch::serialize::InputArchive& ar, const std::string& path, const torch::Device& device) {
    if (!fs::is_regular_file(path)) throw Error(path + ": checkpoint file not found");
    // Read once and checked before LibTorch sees it: LibTorch sizes its buffers from the zip
    // directory and from lengths inside the pickles, whatever the file holds.
    const std::string bytes = readTextFile(path);
    checkTorchArchive(bytes, path + ": not a readable checkpoint");
    try {
        ar.load_from(bytes.data(), bytes.size(), device);
    } catch (const std::exception& e) { // c10::Error, and TorchScript's own errors (a damaged type name)
        throw Error(path + ": not a readable checkpoint (truncated, corrupt or not a LibTorch archive): " +
                    firstLine(e.what()));
    }
}

std::string invalidSlotsMessage(const std::string& path, const std::vector<std::string>& problems) {
    std::string m = path + ": " + std::to_string(problems.size()) +
                    " quantizer slot(s) cannot be used (every step must be positive and every zero "
                    "point inside its integer range):";
    for (size_t i = 0; i < problems.size() && i < 3; ++i) m += "\n  " + problems[i];
    if (problems.size() > 3) m += "\n  ... and " + std::to_string(problems.size() - 3) + " more";
    m += "\nThis checkpoint was probably trained by an older build, which let learned steps cross "
         "zero. Either recalibrate the invalid slots from the FP weights (the other slots are kept):\n"
         "  eqnet recalibrate --checkpoint " + path + " --out FIXED.pt\n"
         "or train the supernet again with this build (eqnet train / eqnet pipeline).";
    return m;
}

Supernet readSupernetArchive(torch::serialize::InputArchive& ar, const std::string& path,
                             const std::string& device, SlotCheck slotCheck) {
    c10::IValue v;
    if (!ar.try_read("eqnet_format", v) || !v.isString() ||
        (v.toStringRef() != kCheckpointFormat && v.toStringRef() != kLegacyFormatV1))
        throw Error(path + ": not an EQ-Net supernet checkpoint (expected format " + kCheckpointFormat + ")");
    const bool legacy = v.toStringRef() == kLegacyFormatV1;
    ModelSpec spec;
    try {
        ar.read("eqnet_model", v);
        spec.name = v.toStringRef();
        ar.read("eqnet_in_channels", v);
        spec.inChannels = v.toInt();
        ar.read("eqnet_image_size", v);
        spec.imageSize = v.toInt();
        ar.read("eqnet_num_classes", v);
        const int64_t classes = v.toInt();
        // A damaged header must not build an absurd network (2^31 classes would allocate
        // terabytes): the ranges every real model lies in.
        if (spec.inChannels < 1 || spec.inChannels > 4096 || spec.imageSize < 1 || spec.imageSize > 4096 ||
            classes < 2 || classes > 1000000)
            throw Error(path + ": checkpoint metadata out of range (" + std::to_string(spec.inChannels) + " channels, " +
                        std::to_string(spec.imageSize) + " pixels, " + std::to_string(classes) + " classes)");
        spec.numClasses = int(classes);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path + ": checkpoint metadata incomplete: " + firstLine(e.what()));
    }
    if (ar.try_read("eqnet_network", v)) {
        if (!v.isString()) throw Error(path + ": checkpoint's network description is not text");
        spec.imported = std::make_shared<graph::ImportedNetwork>(
            graph::importedNetworkFromJson(v.toStringRef(), path + " (network description)"));
    }
    Supernet net(spec, device);
    try {
        if (legacy) loadLegacyModule(*net.impl().model, ar, "", net.impl().legacySlotFaults);
        else net.impl().model->load(ar);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path + ": checkpoint does not match model " + spec.name + ": " + firstLine(e.what()));
    }
    if (!legacy && ar.try_read("eqnet_digest", v)) { // checkpoints before the digest have none
        if (!v.isInt() || v.toInt() != tensorDigest(*net.impl().model))
            throw Error(path + ": checkpoint data is damaged: its tensors do not match the checksum written with "
                               "them; use an intact copy or train again");
    }
    net.impl().model->to(net.impl().device);
    if (slotCheck == SlotCheck::Refuse) {
        const auto problems = net.impl().invalidSlots();
        if (!problems.empty()) throw Error(invalidSlotsMessage(path, problems));
    }
    return net;
}

void Supernet::save(const std::string& path) const {
    torch::serialize::OutputArchive ar;
    writeSupernetArchive(*this, ar);
    saveArchiveAtomic(ar, path);
}

Supernet Supernet::load(const std::string& path, const std::string& device) {
    torch::serialize::InputArchive ar;
    openArchive(ar, path, parseDevice(device));
    return readSupernetArchive(ar, path, device, SlotCheck::Refuse);
}

Supernet Supernet::loadForRepair(const std::string& path, const std::string& device,
                                 std::vector<std::string>& invalidSlots) {
    torch::serialize::InputArchive ar;
    openArchive(ar, path, parseDevice(device));
    Supernet net = readSupernetArchive(ar, path, device, SlotCheck::Allow);
    invalidSlots = net.impl().invalidSlots();
    return net;
}

std::vector<std::string> Supernet::invalidSlots() const { return d_->invalidSlots(); }

} // namespace eqnet
