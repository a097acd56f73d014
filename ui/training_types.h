#pragma once
// Metatypes of the engine's training types that travel through the signals of the Training
// and Weights tabs (weight snapshots, the snapshot request).
#include "eqnet/training.h"

#include <QMetaType>
#include <QString>

#include <vector>

Q_DECLARE_METATYPE(eqnet::LayerSnapshot)
Q_DECLARE_METATYPE(std::vector<eqnet::LayerSnapshot>)
Q_DECLARE_METATYPE(eqnet::SnapshotRequest)

namespace eqnet {
namespace ui {
// Registers the types above for queued connections and QSignalSpy (idempotent).
void registerTrainingMetaTypes();
// A training stage's name on screen ("fp" -> "FP", "supernet", "static" -> "static QAT"), the
// same in the Training and the Weights tab.
QString trainingStageTitle(const QString& stage);
} // namespace ui
} // namespace eqnet
