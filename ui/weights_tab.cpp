#include "weights_tab.h"

namespace eqnet {
namespace ui {

WeightsTab::WeightsTab(RunDocument* doc, QWidget* parent) : QWidget(parent) { (void)doc; }

} // namespace ui
} // namespace eqnet
