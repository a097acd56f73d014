#include "subnet_choice.h"

#include <QCoreApplication>

namespace eqnet {
namespace ui {

QString ChoiceProfile::displayName() const {
    return modified ? QCoreApplication::translate("eqnet::ui::ParetoTab", "%1 (modified)").arg(name) : name;
}

QString ChoiceProfile::fileStem() const { return modified ? name + QStringLiteral("-modified") : name; }

std::string ChoiceProfile::recordedName() const { return name.toStdString() + (modified ? " (modified)" : ""); }

} // namespace ui
} // namespace eqnet
