#include "training_tab.h"

namespace eqnet {
namespace ui {

TrainingTab::TrainingTab(RunDocument* doc, QWidget* parent) : QWidget(parent) { (void)doc; }

} // namespace ui
} // namespace eqnet
