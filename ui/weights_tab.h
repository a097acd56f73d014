#pragma once
// Weights tab: per-layer FP weight histograms with quantization levels (helper A). PLACEHOLDER, being written.
#include <QWidget>

namespace eqnet {
namespace ui {

class RunDocument;

class WeightsTab : public QWidget {
    Q_OBJECT
public:
    explicit WeightsTab(RunDocument* doc, QWidget* parent = nullptr);
};

} // namespace ui
} // namespace eqnet
