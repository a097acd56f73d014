#include "profile_text.h"

#include <QCoreApplication>
#include <QStringList>

namespace eqnet {
namespace ui {

namespace {
// Exactly as in resources/profiles/*.json: the translation is looked up by this text.
const char* const kShipped[] = {
    QT_TRANSLATE_NOOP("eqnet::ui::ShippedProfiles", "Bit Fusion-style accelerator: 2-bit multiplier bricks fused into 2-, 4- or 8-bit operands, for weights and activations independently per layer; symmetric per-tensor scales."),
    QT_TRANSLATE_NOOP("eqnet::ui::ShippedProfiles", "Flexible-precision datapath (FPGA overlay, bit-serial accelerator): any 2..8-bit weights and activations per layer, one symmetric scale per tensor."),
    QT_TRANSLATE_NOOP("eqnet::ui::ShippedProfiles", "Mobile NPU with mixed W4A8/W8A8 kernels (QNN/Hexagon-style): 4- or 8-bit weights per layer with symmetric per-channel scales, asymmetric (zero-point) 8-bit activations."),
    QT_TRANSLATE_NOOP("eqnet::ui::ShippedProfiles", "INT8 accelerator (NPU, TensorRT-style explicit INT8): 8-bit weights with symmetric per-channel scales, symmetric 8-bit activations."),
    QT_TRANSLATE_NOOP("eqnet::ui::ShippedProfiles", "x86 CPU with VNNI as ONNX Runtime quantizes by default: symmetric per-tensor INT8 weights, asymmetric UINT8 activations with a zero point."),
};
} // namespace

QString profileDescriptionText(const std::string& description) {
    return QCoreApplication::translate("eqnet::ui::ShippedProfiles", description.c_str());
}

QStringList shippedProfileDescriptions() {
    QStringList out;
    for (const char* d : kShipped) out << QString::fromUtf8(d);
    return out;
}

} // namespace ui
} // namespace eqnet
