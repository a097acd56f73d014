#pragma once
// The demo run shipped with the studio (resources/demo-run, installed to
// <datadir>/eqnet/demo-run): a small finished run made by `eqnet pipeline --preset quick`.
// It is opened from a writable copy, so verifying, fitting or exporting never writes into
// the installed files.
#include <QString>

namespace eqnet {
namespace ui {

// The shipped demo run: next to the executable once installed (../share/eqnet/demo-run),
// the configured install folder, or the source tree of a build run in place. "" when none.
QString shippedDemoRun();

// Copies the shipped demo run to `target` (default: the studio's data folder/demo-run) unless
// an up-to-date copy is there already (same checkpoint and run.json), and returns the copy's
// folder. A copy the person has worked in (exports, verified points) is kept when the
// shipped run has not changed. "" with the reason in *error when it cannot.
QString prepareDemoRun(QString* error = nullptr, const QString& target = QString());

} // namespace ui
} // namespace eqnet
