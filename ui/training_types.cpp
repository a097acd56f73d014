#include "training_types.h"

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

} // namespace ui
} // namespace eqnet
