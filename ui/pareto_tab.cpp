#include "pareto_tab.h"

namespace eqnet {
namespace ui {

ParetoTab::ParetoTab(RunDocument* doc, ConstraintsDock* constraints, QWidget* parent) : QWidget(parent) { (void)doc; (void)constraints; }

} // namespace ui
} // namespace eqnet
