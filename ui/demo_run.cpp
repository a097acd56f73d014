#include "demo_run.h"

#include "eqnet/files.h"
#include "eqnet/run_layout.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace eqnet {
namespace ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("eqnet::ui::DemoRun", text); }

QString configFile(const QString& dir) { return QString::fromStdString(runConfigPath(dir.toStdString())); }
QString checkpointFile(const QString& dir) { return QString::fromStdString(runCheckpointPath(dir.toStdString())); }

bool isRun(const QString& dir) { return QFileInfo(configFile(dir)).isFile() && QFileInfo(checkpointFile(dir)).isFile(); }

QByteArray fileHash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return QByteArray();
    QCryptographicHash h(QCryptographicHash::Sha1);
    h.addData(&f);
    return h.result();
}

// The copy matches the shipped run when run.json and the checkpoint are the same bytes.
bool upToDate(const QString& shipped, const QString& copy) {
    if (!isRun(copy)) return false;
    for (auto file : {configFile, checkpointFile}) {
        const QString a = file(shipped), b = file(copy);
        if (QFileInfo(a).size() != QFileInfo(b).size() || fileHash(a) != fileHash(b)) return false;
    }
    return true;
}

bool copyTree(const QString& from, const QString& to, QString* error) {
    QDirIterator it(from, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString rel = QDir(from).relativeFilePath(src);
        const QString dst = QDir(to).filePath(rel);
        if (!QDir().mkpath(QFileInfo(dst).absolutePath()) || !QFile::copy(src, dst)) {
            if (error) *error = tr("Could not copy %1 to %2").arg(src, dst);
            return false;
        }
        QFile::setPermissions(dst, QFile::permissions(dst) | QFileDevice::WriteOwner);
    }
    return true;
}

} // namespace

QString shippedDemoRun() {
    const QStringList candidates = {
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/eqnet/demo-run")),
        QStringLiteral(EQNET_DEMO_RUN_INSTALLED),
        QStringLiteral(EQNET_DEMO_RUN_SOURCE),
    };
    for (const QString& c : candidates)
        if (isRun(c)) return QDir::cleanPath(QFileInfo(c).absoluteFilePath());
    return QString();
}

QString prepareDemoRun(QString* error, const QString& targetIn) {
    const QString shipped = shippedDemoRun();
    if (shipped.isEmpty()) {
        if (error) *error = tr("This installation has no demo run (share/eqnet/demo-run is missing).");
        return QString();
    }
    QString target = targetIn;
    if (target.isEmpty())
        target = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("demo-run"));
    target = QDir::cleanPath(QFileInfo(target).absoluteFilePath());
    if (upToDate(shipped, target)) return target;
    // Build the copy beside the target and swap it in, so an interrupted copy never looks
    // like a run.
    const QString staging = target + QLatin1String(kPartialFileSuffix);
    QDir(staging).removeRecursively();
    if (!copyTree(shipped, staging, error)) {
        QDir(staging).removeRecursively();
        return QString();
    }
    if (QFileInfo::exists(target) && !QDir(target).removeRecursively()) {
        if (error) *error = tr("Could not replace the old demo run copy at %1").arg(target);
        QDir(staging).removeRecursively();
        return QString();
    }
    if (!QDir().rename(staging, target)) {
        if (error) *error = tr("Could not move the demo run into %1").arg(target);
        QDir(staging).removeRecursively();
        return QString();
    }
    return target;
}

} // namespace ui
} // namespace eqnet
