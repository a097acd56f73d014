#pragma once
// What the studio's suites share: the demo run shipped in resources/demo-run, which they
// open from copies only (a test never writes into the shipped files).
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QString>

namespace uitest {

inline QString demoRunDir() { return QStringLiteral(EQNET_SOURCE_DIR "/resources/demo-run"); }

// The demo run's network (mbv2-28) has 20 quantized layers: the stem, 18 searchable, the fc.
constexpr int kDemoRunLayers = 20;

// Copies every file below `from` into `to` (created as needed); false when one fails.
inline bool copyTree(const QString& from, const QString& to) {
    QDirIterator it(from, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = QDir(to).filePath(QDir(from).relativeFilePath(src));
        if (!QDir().mkpath(QFileInfo(dst).absolutePath()) || !QFile::copy(src, dst)) return false;
    }
    return true;
}

} // namespace uitest
