#pragma once
// Hardware constraints dock (helper B). PLACEHOLDER, being written.
#include <QDockWidget>

namespace eqnet {
namespace ui {

class RunDocument;

class ConstraintsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ConstraintsDock(RunDocument* doc, QWidget* parent = nullptr);
};

} // namespace ui
} // namespace eqnet
