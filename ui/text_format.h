#pragma once
// How the studio writes what several views write: an error in a status line (one red), an
// accuracy (0..1) as a percentage, a count too large for an integer (in the UI's locale), a
// quantization form in words, and a CSV field.
#include "eqnet/quant_types.h"

#include <QString>

class QLabel;

namespace eqnet {
namespace ui {

// Red text for an error, the palette's colour otherwise.
void setErrorStyle(QLabel* label, bool error);
// 0.8836 -> "88.36 %".
QString formatPercent(double fraction);
// A count given by its base-10 logarithm: exactly below 10^12 ("117,649"), else as a power of
// ten ("2.7·10^30"), where an int64 count would have saturated.
QString formatCountLog10(double log10n);
// A quantization form in words, in the UI's language ("per-channel, symmetric weights,
// asymmetric activations").
QString formText(const QuantForm& form);
// A CSV field: as is, or quoted (inner quotes doubled) when it holds a comma, quote or newline.
QString csvField(const QString& text);

} // namespace ui
} // namespace eqnet
