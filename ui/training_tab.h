#pragma once
// Training tab: live curves of a training run (helper A). PLACEHOLDER, being written.
#include <QWidget>

namespace eqnet {
namespace ui {

class RunDocument;

class TrainingTab : public QWidget {
    Q_OBJECT
public:
    explicit TrainingTab(RunDocument* doc, QWidget* parent = nullptr);
};

} // namespace ui
} // namespace eqnet
