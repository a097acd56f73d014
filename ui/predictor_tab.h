#pragma once
// Predictor tab: CQAP predicted vs measured (helper C). PLACEHOLDER, being written.
#include <QWidget>

namespace eqnet {
namespace ui {

class RunDocument;

class PredictorTab : public QWidget {
    Q_OBJECT
public:
    explicit PredictorTab(RunDocument* doc, QWidget* parent = nullptr);
};

} // namespace ui
} // namespace eqnet
