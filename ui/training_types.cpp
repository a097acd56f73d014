#include "training_types.h"

#include <QCoreApplication>

namespace eqnet {
namespace ui {

void registerTrainingMetaTypes() {
    static const bool done = [] {
        qRegisterMetaType<eqnet::LayerSnapshot>();
        qRegisterMetaType<std::vector<eqnet::LayerSnapshot>>();
        qRegisterMetaType<eqnet::SnapshotRequest>();
        return true;
    }();
    (void)done;
}

QString trainingStageTitle(const QString& stage) {
    // The Training tab's translation context, where these strings have always been.
    if (stage == QLatin1String("fp")) return QCoreApplication::translate("eqnet::ui::TrainingTab", "FP");
    if (stage == QLatin1String("supernet")) return QCoreApplication::translate("eqnet::ui::TrainingTab", "supernet");
    if (stage == QLatin1String("static")) return QCoreApplication::translate("eqnet::ui::TrainingTab", "static QAT");
    return stage;
}

} // namespace ui
} // namespace eqnet
