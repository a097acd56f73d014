#pragma once
// Pareto tab: accuracy vs BitOps, selection, verify (helper B). PLACEHOLDER, being written.
#include <QWidget>

namespace eqnet {
namespace ui {

class RunDocument;
class ConstraintsDock;

class ParetoTab : public QWidget {
    Q_OBJECT
public:
    explicit ParetoTab(RunDocument* doc, ConstraintsDock* constraints, QWidget* parent = nullptr);
};

} // namespace ui
} // namespace eqnet
