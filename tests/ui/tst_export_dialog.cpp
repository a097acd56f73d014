// The Export dialog against a copy of the shipped demo run (resources/demo-run): JSON and
// ONNX exports of the front's first point, and exports that fail without leaving anything
// behind (a read-only folder, a parent that is a file, a failure over an existing file).
#include "export_dialog.h"
#include "job_runner.h"
#include "run_document.h"

#include "eqnet/onnx_export.h"
#include "eqnet/front.h"
#include "eqnet/profile.h"
#include "eqnet/subnet_json.h"

#include "demo_run_copy.h"
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <unistd.h>

using eqnet::ui::ExportDialog;
using eqnet::ui::RunDocument;
using eqnet::ui::SubnetChoice;

namespace {

const QString kDemoRun = uitest::demoRunDir();
const std::string kProfile = "flex-2to8-pt";


QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Files (recursively) under a folder whose name ends with ".part".
QStringList partFiles(const QString& dir) {
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (f.endsWith(QStringLiteral(".part"))) out << f;
    }
    return out;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QString run_;
    RunDocument* doc_ = nullptr;
    SubnetChoice choice_;
    eqnet::FrontPoint point_;

    // Runs the export and waits for its end; true when exported() came.
    bool runExport(ExportDialog& dlg) {
        QSignalSpy ok(&dlg, &ExportDialog::exported);
        QSignalSpy bad(&dlg, &ExportDialog::failed);
        if (!dlg.exportNow()) return false;
        QEventLoop loop;
        connect(&dlg, &ExportDialog::exported, &loop, &QEventLoop::quit);
        connect(&dlg, &ExportDialog::failed, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        if (ok.isEmpty() && bad.isEmpty()) loop.exec();
        return !ok.isEmpty();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(tmp_.isValid());
        run_ = tmp_.filePath(QStringLiteral("demo-run"));
        QVERIFY(uitest::copyTree(kDemoRun, run_));
        doc_ = new RunDocument(this);
        QVERIFY(doc_->open(run_));
        QVERIFY(doc_->waitUntilLoaded(30000));
        QVERIFY(!doc_->layers().empty());
        const eqnet::FrontFile front = eqnet::readFront(run_.toStdString(), kProfile, doc_->layers());
        QVERIFY(!front.points.empty());
        point_ = front.points[0];
        choice_.config = point_.config;
        choice_.cost = point_.cost;
        choice_.predicted = point_.predicted;
        choice_.validation = point_.validation;
        choice_.test = point_.test;
        choice_.profile.name = QString::fromStdString(front.profile.name);
        choice_.profile.file = QString::fromStdString(eqnet::findProfile(kProfile).source);
        choice_.profile.constraints = eqnet::profileToJson(eqnet::findProfile(kProfile));
    }

    // Every dialog starts from the shipped default format unless a test chooses otherwise.
    void init() { QSettings().remove(QLatin1String(ExportDialog::kFormatKey)); }

    void summaryAndDefaultPath() {
        ExportDialog dlg(doc_, choice_);
        QCOMPARE(dlg.objectName(), QStringLiteral("exportDialog"));
        const QString mbitops = QString::number(qRound64(point_.cost.bitops / 1e6));
        QCOMPARE(dlg.path(), QDir(run_).filePath(QStringLiteral("exports/flex-2to8-pt-%1mbitops.json").arg(mbitops)));
        auto* table = dlg.findChild<QTableWidget*>(QStringLiteral("layersTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), int(doc_->layers().size()));
        for (int i = 0; i < table->rowCount(); ++i) {
            QCOMPARE(table->item(i, 0)->text(), QString::fromStdString(doc_->layers()[size_t(i)].name));
            QCOMPARE(table->item(i, 1)->text().toInt(), point_.config.layers[size_t(i)].w);
            QCOMPARE(table->item(i, 2)->text().toInt(), point_.config.layers[size_t(i)].a);
        }
        QCOMPARE(dlg.findChild<QLabel*>(QStringLiteral("bitopsValue"))->text(),
                 QString::fromStdString(eqnet::formatBitops(point_.cost.bitops)));
        QCOMPARE(dlg.findChild<QLabel*>(QStringLiteral("sizeValue"))->text(),
                 QString::fromStdString(eqnet::formatSizeBits(point_.cost.sizeBits)));
        QCOMPARE(dlg.findChild<QLabel*>(QStringLiteral("predictedValue"))->text(),
                 QStringLiteral("%1 %").arg(point_.predicted * 100, 0, 'f', 2));
        QVERIFY(dlg.findChild<QLabel*>(QStringLiteral("formValue"))
                    ->text()
                    .contains(QString::fromStdString(eqnet::formName(point_.config.form))));
        QCOMPARE(dlg.findChild<QLabel*>(QStringLiteral("profileValue"))->text(), QStringLiteral("flex-2to8-pt"));

        // The suffix follows the format.
        auto* onnx = dlg.findChild<QRadioButton*>(QStringLiteral("formatOnnx"));
        QVERIFY(onnx);
        if (eqnet::onnxExportAvailable()) {
            QVERIFY(dlg.setFormat(ExportDialog::Format::Onnx));
            QVERIFY(onnx->isChecked());
            QVERIFY(dlg.path().endsWith(QStringLiteral("mbitops.onnx")));
            dlg.findChild<QRadioButton*>(QStringLiteral("formatJson"))->setChecked(true);
            QCOMPARE(dlg.format(), ExportDialog::Format::Json);
            QVERIFY(dlg.path().endsWith(QStringLiteral("mbitops.json")));
        } else {
            QVERIFY(!onnx->isEnabled());
            QVERIFY(!dlg.setFormat(ExportDialog::Format::Onnx));
        }
    }

    void jsonExportReadsBack() {
        ExportDialog dlg(doc_, choice_);
        dlg.setConfirmOverwrite(false);
        const QString path = dlg.path();
        QVERIFY(!QFileInfo::exists(path));
        QSignalSpy exported(&dlg, &ExportDialog::exported);
        QVERIFY2(runExport(dlg), qPrintable(dlg.errorText()));
        QCOMPARE(exported.at(0).at(0).toString(), path);
        QVERIFY(dlg.errorText().isEmpty());
        QVERIFY(dlg.messageText().contains(path));
        QCOMPARE(dlg.findChild<QPushButton*>(QStringLiteral("exportButton"))->text(), QStringLiteral("Export again"));

        const eqnet::SubnetConfig back =
            eqnet::readSubnetFile(path.toStdString(), doc_->config().model, doc_->layers());
        QVERIFY(back == point_.config);
        const eqnet::SubnetProvenance prov =
            eqnet::subnetProvenanceFromJson(readAll(path).toStdString(), path.toStdString());
        QCOMPARE(prov.predicted, point_.predicted);
        QCOMPARE(prov.profile, kProfile);
        QCOMPARE(prov.profileFile, choice_.profile.file.toStdString());
        QCOMPARE(eqnet::profileFromJson(prov.constraints, "provenance").bitopsBudget,
                 eqnet::findProfile(kProfile).bitopsBudget);
        if (point_.validation) QCOMPARE(prov.validation, *point_.validation);
        if (point_.test) QCOMPARE(prov.test, *point_.test);
        QVERIFY(partFiles(run_).isEmpty());
        // The run document sees the new export.
        QVERIFY(std::find(doc_->summary().exports.begin(), doc_->summary().exports.end(),
                          QFileInfo(path).fileName().toStdString()) != doc_->summary().exports.end());
    }

    // After a JSON export, switching to ONNX drops the JSON success message (it described
    // another file) and the Export button's "again"; the next dialog opens in the format
    // chosen last.
    void formatSwitchClearsTheMessageAndIsRemembered() {
        if (!eqnet::onnxExportAvailable()) QSKIP("this build has no ONNX export");
        {
            ExportDialog dlg(doc_, choice_);
            dlg.setConfirmOverwrite(false);
            QCOMPARE(dlg.format(), ExportDialog::Format::Json);
            dlg.setPath(QDir(run_).filePath(QStringLiteral("exports/switch.json")));
            QVERIFY2(runExport(dlg), qPrintable(dlg.errorText()));
            QVERIFY(dlg.messageText().contains(QStringLiteral("switch.json")));
            dlg.findChild<QRadioButton*>(QStringLiteral("formatOnnx"))->setChecked(true);
            QCOMPARE(dlg.format(), ExportDialog::Format::Onnx);
            QVERIFY2(dlg.messageText().isEmpty(), qPrintable(dlg.messageText()));
            QCOMPARE(dlg.findChild<QPushButton*>(QStringLiteral("exportButton"))->text(), QStringLiteral("Export"));
            QVERIFY(dlg.path().endsWith(QStringLiteral("switch.onnx")));
        }
        ExportDialog next(doc_, choice_);
        QCOMPARE(next.format(), ExportDialog::Format::Onnx);
        QVERIFY(next.findChild<QRadioButton*>(QStringLiteral("formatOnnx"))->isChecked());
        QVERIFY(next.path().endsWith(QStringLiteral("mbitops.onnx")));
        next.findChild<QRadioButton*>(QStringLiteral("formatJson"))->setChecked(true);
        ExportDialog third(doc_, choice_);
        QCOMPARE(third.format(), ExportDialog::Format::Json);
    }

    // Constraints edited in the dock and not saved: the dialog, the file name and the JSON say
    // so, and the JSON records the constraints themselves, not the shipped profile's.
    void editedConstraintsAreRecorded() {
        eqnet::HardwareProfile edited = eqnet::findProfile(kProfile);
        edited.bitopsBudget = 12.5e6;
        edited.weightBits = {2, 3, 4};
        SubnetChoice c = choice_;
        c.profile.file.clear();
        c.profile.modified = true;
        c.profile.constraints = eqnet::profileToJson(edited);
        ExportDialog dlg(doc_, c);
        dlg.setConfirmOverwrite(false);
        QCOMPARE(dlg.findChild<QLabel*>(QStringLiteral("profileValue"))->text(),
                 QStringLiteral("flex-2to8-pt (modified)"));
        const QString path = dlg.path();
        QVERIFY2(QFileInfo(path).fileName().startsWith(QStringLiteral("flex-2to8-pt-modified-")), qPrintable(path));
        QVERIFY2(runExport(dlg), qPrintable(dlg.errorText()));
        const eqnet::SubnetProvenance prov =
            eqnet::subnetProvenanceFromJson(readAll(path).toStdString(), path.toStdString());
        QCOMPARE(prov.profile, std::string("flex-2to8-pt (modified)"));
        QVERIFY(prov.profileFile.empty());
        const eqnet::HardwareProfile back = eqnet::profileFromJson(prov.constraints, path.toStdString());
        QCOMPARE(back.bitopsBudget, std::optional<double>(12.5e6));
        QCOMPARE(back.weightBits, (std::vector<int>{2, 3, 4}));
    }

    void onnxExport() {
        if (!eqnet::onnxExportAvailable()) QSKIP("this build has no ONNX export");
        ExportDialog dlg(doc_, choice_);
        dlg.setConfirmOverwrite(false);
        QVERIFY(dlg.setFormat(ExportDialog::Format::Onnx));
        const QString path = QDir(tmp_.path()).filePath(QStringLiteral("out/model.onnx"));
        dlg.setPath(path);
        QVERIFY2(runExport(dlg), qPrintable(dlg.errorText()));
        QVERIFY(QFileInfo(path).size() > 1000);
        QVERIFY(dlg.messageText().contains(QStringLiteral("QuantizeLinear")));
        QVERIFY(partFiles(tmp_.path()).isEmpty());
    }

    void parentIsAFile() {
        const QString blocker = QDir(tmp_.path()).filePath(QStringLiteral("blocker"));
        {
            QFile f(blocker);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x");
        }
        ExportDialog dlg(doc_, choice_);
        dlg.setConfirmOverwrite(false);
        const QString path = blocker + QStringLiteral("/sub/subnet.json");
        dlg.setPath(path);
        QSignalSpy failed(&dlg, &ExportDialog::failed);
        QVERIFY(!runExport(dlg));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!dlg.errorText().isEmpty());
        QVERIFY(dlg.messageText().contains(dlg.errorText()));
        QCOMPARE(readAll(blocker), QByteArray("x"));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(partFiles(tmp_.path()).isEmpty());
    }

    void pathIsAFolder() {
        const QString folder = QDir(tmp_.path()).filePath(QStringLiteral("afolder.json"));
        QVERIFY(QDir().mkpath(folder));
        ExportDialog dlg(doc_, choice_);
        dlg.setConfirmOverwrite(false);
        dlg.setPath(folder);
        QVERIFY(!runExport(dlg));
        QVERIFY(!dlg.errorText().isEmpty());
        QVERIFY(QFileInfo(folder).isDir());
        QVERIFY(QDir(folder).isEmpty());
        QVERIFY(partFiles(tmp_.path()).isEmpty());
    }

    void readOnlyFolder() {
        const QString ro = QDir(tmp_.path()).filePath(QStringLiteral("readonly"));
        QVERIFY(QDir().mkpath(ro));
        QVERIFY(QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                              QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther));
        {
            QFile probe(ro + QStringLiteral("/probe"));
            if (probe.open(QIODevice::WriteOnly)) { // root writes anyway
                probe.close();
                probe.remove();
                QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
                QSKIP("running as root: a 0555 folder is writable");
            }
        }
        ExportDialog dlg(doc_, choice_);
        dlg.setConfirmOverwrite(false);
        const QString path = ro + QStringLiteral("/subnet.json");
        dlg.setPath(path);
        QVERIFY(!runExport(dlg));
        QVERIFY(!dlg.errorText().isEmpty());
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(QDir(ro).isEmpty());
        QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void failureKeepsTheOldFile() {
        // An existing file, then an export that fails in core (a subnet the model refuses:
        // 1-bit weights): the old bytes stay, no .part is left.
        const QString path = QDir(tmp_.path()).filePath(QStringLiteral("keep/subnet.json"));
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        const QByteArray old("{\"old\": true}\n");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(old);
        }
        SubnetChoice bad = choice_;
        bad.config.layers[1].w = 1;
        ExportDialog dlg(doc_, bad);
        dlg.setConfirmOverwrite(false);
        dlg.setPath(path);
        QSignalSpy failed(&dlg, &ExportDialog::failed);
        QVERIFY(!runExport(dlg));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!dlg.errorText().isEmpty());
        QCOMPARE(readAll(path), old);
        QVERIFY(partFiles(tmp_.path()).isEmpty());
        // Buttons are usable again after the failure.
        QVERIFY(dlg.findChild<QPushButton*>(QStringLiteral("exportButton"))->isEnabled());
        QVERIFY(!dlg.isExporting());

        // The same over a read-only folder, where the write itself fails (not as root).
        if (::geteuid() != 0) {
            QVERIFY(QFile::setPermissions(QFileInfo(path).absolutePath(),
                                          QFileDevice::ReadOwner | QFileDevice::ExeOwner));
            ExportDialog good(doc_, choice_);
            good.setConfirmOverwrite(false);
            good.setPath(path);
            QVERIFY(!runExport(good));
            QVERIFY(!good.errorText().isEmpty());
            QCOMPARE(readAll(path), old);
            QVERIFY(partFiles(tmp_.path()).isEmpty());
            QFile::setPermissions(QFileInfo(path).absolutePath(),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        }
    }

    void closingWhileExportingDoesNotWait() {
        // The dialog is deleted while its export runs: nothing crashes, the file is complete.
        const QString path = QDir(tmp_.path()).filePath(QStringLiteral("late/subnet.json"));
        auto* dlg = new ExportDialog(doc_, choice_);
        dlg->setConfirmOverwrite(false);
        dlg->setPath(path);
        QVERIFY(dlg->exportNow());
        QVERIFY(dlg->isExporting());
        delete dlg;
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                try {
                    return eqnet::readSubnetFile(path.toStdString(), doc_->config().model, doc_->layers()) ==
                           point_.config;
                } catch (const std::exception&) {
                    return false;
                }
            }(),
            10000);
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
