#include "predictor_tab.h"

namespace eqnet {
namespace ui {

PredictorTab::PredictorTab(RunDocument* doc, QWidget* parent) : QWidget(parent) { (void)doc; }

} // namespace ui
} // namespace eqnet
