#include "constraints_dock.h"

namespace eqnet {
namespace ui {

ConstraintsDock::ConstraintsDock(RunDocument* doc, QWidget* parent) : QDockWidget(parent) { (void)doc; }

} // namespace ui
} // namespace eqnet
