// The hardware constraints dock: the profile picker lists shipped, user and broken profiles;
// the editors build exactly the profile they show; edits are debounced into one
// profileChanged; invalid and infeasible profiles say why; a profile saved as the user's reads
// back equal. Offscreen, against temporary profile folders (never the user's own).
#include "constraints_dock.h"
#include "run_document.h"

#include "eqnet/cost_model.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"

#include "demo_run_copy.h"
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <cmath>

#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using eqnet::HardwareProfile;
using eqnet::ui::ConstraintsDock;
using eqnet::ui::RunDocument;

namespace {


// Every field but `source`.
void compareSettings(const HardwareProfile& a, const HardwareProfile& b) {
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.description, b.description);
    QCOMPARE(a.weightBits, b.weightBits);
    QCOMPARE(a.actBits, b.actBits);
    QVERIFY(a.form == b.form);
    QCOMPARE(a.bitopsBudget.has_value(), b.bitopsBudget.has_value());
    if (a.bitopsBudget) QCOMPARE(*a.bitopsBudget, *b.bitopsBudget);
    QCOMPARE(a.sizeBudgetBits.has_value(), b.sizeBudgetBits.has_value());
    if (a.sizeBudgetBits) QCOMPARE(*a.sizeBudgetBits, *b.sizeBudgetBits);
}

std::string pathOf(const std::string& name) {
    for (const auto& e : eqnet::listProfiles())
        if (e.name == name) return e.path;
    return {};
}

} // namespace

class TestConstraintsDock : public QObject {
    Q_OBJECT
    QTemporaryDir env_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(env_.isValid());
        QVERIFY(QDir().mkpath(env_.filePath(QStringLiteral("extra"))));
        QVERIFY(QDir().mkpath(env_.filePath(QStringLiteral("config"))));
        qputenv("EQNET_PROFILE_DIR", env_.filePath(QStringLiteral("extra")).toUtf8());
        qputenv("XDG_CONFIG_HOME", env_.filePath(QStringLiteral("config")).toUtf8());
        QCOMPARE(QString::fromStdString(eqnet::userProfileDir()), env_.filePath(QStringLiteral("config/eqnet/profiles")));
        // A broken profile file: listed, disabled, its error as the tooltip.
        QFile broken(env_.filePath(QStringLiteral("extra/broken.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{ \"schema\": \"eqnet.profile\", \"version\": 1, \"name\": \"broken\", \"weight_bits\": [9] }");
    }

    void picker() {
        ConstraintsDock dock(nullptr);
        QCOMPARE(dock.objectName(), QStringLiteral("constraintsDock"));
        QCOMPARE(dock.windowTitle(), QStringLiteral("Hardware constraints"));
        QComboBox* combo = dock.findChild<QComboBox*>(QStringLiteral("profileCombo"));
        QVERIFY(combo);
        const auto entries = eqnet::listProfiles();
        QCOMPARE(combo->count(), int(entries.size()));
        const int int8 = combo->findData(QStringLiteral("int8-pc-sym"));
        QVERIFY(int8 >= 0);
        QCOMPARE(combo->itemText(int8), QStringLiteral("int8-pc-sym (shipped)"));
        const int broken = combo->findData(QStringLiteral("broken"));
        QVERIFY(broken >= 0);
        auto* model = qobject_cast<QStandardItemModel*>(combo->model());
        QVERIFY(model);
        QVERIFY(!model->item(broken)->isEnabled());
        QVERIFY(combo->itemData(broken, Qt::ToolTipRole).toString().contains(QStringLiteral("weight_bits")));
        QVERIFY(!dock.selectProfile(QStringLiteral("broken")));
        // Default without a run: flex-2to8-pt.
        QCOMPARE(dock.profileName(), QStringLiteral("flex-2to8-pt"));
        QCOMPARE(combo->currentData().toString(), QStringLiteral("flex-2to8-pt"));
    }

    void pickGivesTheFile() {
        ConstraintsDock dock(nullptr);
        QSignalSpy spy(&dock, &ConstraintsDock::profileChanged);
        QVERIFY(dock.selectProfile(QStringLiteral("int8-pc-sym")));
        QCOMPARE(spy.count(), 1); // a pick is announced at once
        const HardwareProfile file = eqnet::readProfileFile(pathOf("int8-pc-sym"));
        const HardwareProfile p = dock.profile();
        compareSettings(p, file);
        QCOMPARE(p.source, file.source);
        QVERIFY(!dock.isModified());
        QVERIFY(dock.isValid());
        // The editors show it.
        for (int b = 2; b <= 8; ++b) {
            QCOMPARE(dock.weightBitBox(b)->isChecked(), b == 8);
            QCOMPARE(dock.actBitBox(b)->isChecked(), b == 8);
        }
        QCOMPARE(dock.granularityCombo()->currentData().toInt(), int(eqnet::Granularity::PerChannel));
        QVERIFY(!dock.bitopsBudgetCheck()->isChecked());
    }

    void editsAreDebounced() {
        ConstraintsDock dock(nullptr);
        QVERIFY(dock.selectProfile(QStringLiteral("int8-pc-sym")));
        QSignalSpy spy(&dock, &ConstraintsDock::profileChanged);
        // Weights 2..8 without 2 and 3, per-tensor, asymmetric weights.
        for (int b = 2; b <= 8; ++b) dock.findChild<QCheckBox*>(QStringLiteral("weightBits%1").arg(b))->setChecked(b >= 4);
        dock.actBitBox(4)->setChecked(true);
        QComboBox* gran = dock.findChild<QComboBox*>(QStringLiteral("granularityCombo"));
        gran->setCurrentIndex(gran->findData(int(eqnet::Granularity::PerTensor)));
        QComboBox* wsym = dock.findChild<QComboBox*>(QStringLiteral("weightSymmetryCombo"));
        wsym->setCurrentIndex(wsym->findData(false));
        QCOMPARE(spy.count(), 0); // not yet: debounced
        QVERIFY(dock.isModified());
        QVERIFY(dock.profileCombo()->currentText().contains(QStringLiteral("(modified)")));

        const HardwareProfile file = eqnet::readProfileFile(pathOf("int8-pc-sym"));
        HardwareProfile expected = file;
        expected.weightBits = {4, 5, 6, 7, 8};
        expected.actBits = {4, 8};
        expected.form.granularity = eqnet::Granularity::PerTensor;
        expected.form.weightSymmetric = false;
        expected.form.actSymmetric = true; // untouched
        const HardwareProfile p = dock.profile();
        compareSettings(p, expected);
        QVERIFY(p.source.empty());

        QTRY_COMPARE(spy.count(), 1);
        QTest::qWait(400);
        QCOMPARE(spy.count(), 1); // all the edits in one emission
        compareSettings(spy.at(0).at(0).value<HardwareProfile>(), expected);

        // Picking again discards the edits.
        QVERIFY(dock.selectProfile(QStringLiteral("int8-pc-sym")));
        QVERIFY(!dock.isModified());
        compareSettings(dock.profile(), file);
    }

    // Reset: the edits gone, the editors and profile() as the file has them, one emission of
    // the file's profile (its source kept: exports name the file again), the button disabled.
    void resetDiscardsEdits() {
        ConstraintsDock dock(nullptr);
        QVERIFY(dock.selectProfile(QStringLiteral("bitfusion-2-4-8")));
        auto* reset = dock.findChild<QPushButton*>(QStringLiteral("resetProfileButton"));
        QVERIFY(reset);
        QVERIFY(!reset->isEnabled());
        QVERIFY(!dock.resetEdits()); // nothing to reset
        dock.weightBitBox(2)->setChecked(false);
        dock.bitopsBudgetCheck()->setChecked(true);
        dock.bitopsBudgetSpin()->setValue(12.5);
        QVERIFY(dock.isModified());
        QVERIFY(reset->isEnabled());
        QSignalSpy spy(&dock, &ConstraintsDock::profileChanged);
        reset->click();
        QCOMPARE(spy.count(), 1);
        const HardwareProfile file = eqnet::readProfileFile(pathOf("bitfusion-2-4-8"));
        QVERIFY(!dock.isModified());
        QVERIFY(!reset->isEnabled());
        compareSettings(dock.profile(), file);
        compareSettings(spy.at(0).at(0).value<HardwareProfile>(), file);
        QCOMPARE(dock.profile().source, file.source);
        QVERIFY(dock.weightBitBox(2)->isChecked());
        QVERIFY(!dock.bitopsBudgetCheck()->isChecked());
        QVERIFY(!dock.profileCombo()->currentText().contains(QStringLiteral("(modified)")));
        QTest::qWait(400); // the edits' debounced search does not follow
        QCOMPARE(spy.count(), 1);
    }

    void budgets() {
        ConstraintsDock dock(nullptr);
        QVERIFY(dock.selectProfile(QStringLiteral("flex-2to8-pt")));
        QVERIFY(!dock.profile().bitopsBudget);
        dock.bitopsBudgetCheck()->setChecked(true);
        dock.bitopsBudgetSpin()->setValue(37.5);
        QCOMPARE(*dock.profile().bitopsBudget, 37.5e6);
        dock.sizeBudgetCheck()->setChecked(true);
        dock.sizeBudgetSpin()->setValue(20);
        QCOMPARE(*dock.profile().sizeBudgetBits, 20.0 * 8192.0);
        dock.bitopsBudgetCheck()->setChecked(false);
        QVERIFY(!dock.profile().bitopsBudget);
        QVERIFY(dock.isModified());
    }

    void noBitsIsInvalid() {
        ConstraintsDock dock(nullptr);
        QVERIFY(dock.selectProfile(QStringLiteral("flex-2to8-pt")));
        QSignalSpy spy(&dock, &ConstraintsDock::profileChanged);
        for (int b = 2; b <= 8; ++b) dock.weightBitBox(b)->setChecked(false);
        QVERIFY(!dock.isValid());
        QVERIFY(dock.hasProblem());
        QVERIFY2(dock.feasibilityText().contains(QStringLiteral("at least one weight bit-width")),
                 qPrintable(dock.feasibilityText()));
        QTest::qWait(400);
        QCOMPARE(spy.count(), 0);
        dock.weightBitBox(5)->setChecked(true);
        QVERIFY(dock.isValid());
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<HardwareProfile>().weightBits, std::vector<int>{5});
    }

    void feasibilityWithTheDemoRun() {
        QTemporaryDir runDir;
        QVERIFY(uitest::copyTree(uitest::demoRunDir(), runDir.path()));
        RunDocument doc;
        ConstraintsDock dock(&doc);
        QVERIFY(dock.selectProfile(QStringLiteral("int8-pc-sym")));
        QVERIFY(doc.open(runDir.path()));
        // The run has a front for flex-2to8-pt: the dock picks it.
        QCOMPARE(dock.profileName(), QStringLiteral("flex-2to8-pt"));
        QVERIFY(doc.waitUntilLoaded(60000));
        QCOMPARE(int(doc.layers().size()), uitest::kDemoRunLayers);
        const HardwareProfile flex = dock.profile();
        const eqnet::SubnetCost cheapest = eqnet::subnetCost(doc.layers(), eqnet::cheapestSubnet(flex, doc.layers()));
        const QString cheapestText = QString::fromStdString(eqnet::formatBitops(cheapest.bitops));
        QVERIFY(!dock.hasProblem());
        // 49 choices per searchable layer: far beyond an int64 count, written as a power of ten
        // (it read 9,223,372,036,854,775,807, the saturated count).
        const double log10n = eqnet::spaceSizeLog10(doc.layers(), flex);
        QVERIFY(log10n > 19);
        QVERIFY2(dock.feasibilityText().contains(QStringLiteral("·10^%1 subnets").arg(int(std::floor(log10n)))),
                 qPrintable(dock.feasibilityText()));
        QVERIFY(!dock.feasibilityText().contains(QLocale().toString(qlonglong(eqnet::spaceSize(doc.layers(), flex)))));
        QVERIFY(dock.feasibilityText().contains(cheapestText));

        // A budget below the cheapest subnet.
        dock.bitopsBudgetCheck()->setChecked(true);
        dock.bitopsBudgetSpin()->setValue(cheapest.bitops / 2 / 1e6);
        QVERIFY(dock.hasProblem());
        QVERIFY2(dock.feasibilityText().contains(QStringLiteral("Infeasible")), qPrintable(dock.feasibilityText()));
        QVERIFY2(dock.feasibilityText().contains(cheapestText), qPrintable(dock.feasibilityText()));
        // Just above it: feasible again.
        dock.bitopsBudgetSpin()->setValue(cheapest.bitops * 1.01 / 1e6);
        QVERIFY2(!dock.hasProblem(), qPrintable(dock.feasibilityText()));
        doc.close();
    }

    // A run being trained (run.json written, no checkpoint yet) is open: the dock says so
    // instead of asking to open a run.
    void runWithoutCheckpointYet() {
        QTemporaryDir runDir;
        QVERIFY(QFile::copy(uitest::demoRunDir() + QStringLiteral("/run.json"), runDir.filePath(QStringLiteral("run.json"))));
        RunDocument doc;
        ConstraintsDock dock(&doc);
        QVERIFY(doc.open(runDir.path()));
        QVERIFY(doc.waitUntilLoaded(60000));
        QVERIFY(doc.layers().empty());
        QVERIFY2(dock.feasibilityText().contains(QStringLiteral("no checkpoint yet")), qPrintable(dock.feasibilityText()));
        QVERIFY(!dock.feasibilityText().contains(QStringLiteral("Open a run")));
    }

    void saveUserProfile() {
        ConstraintsDock dock(nullptr);
        QVERIFY(dock.selectProfile(QStringLiteral("flex-2to8-pt")));
        dock.actBitBox(2)->setChecked(false);
        dock.sizeBudgetCheck()->setChecked(true);
        dock.sizeBudgetSpin()->setValue(16);
        const HardwareProfile edited = dock.profile();
        QString error;
        QVERIFY(!dock.saveUserProfile(QString(), &error));
        QVERIFY(!error.isEmpty());
        error.clear();
        QVERIFY(!dock.saveUserProfile(QStringLiteral("a/b"), &error));
        QVERIFY(!error.isEmpty());

        QVERIFY2(dock.saveUserProfile(QStringLiteral("my-npu"), &error), qPrintable(error));
        const QString path = env_.filePath(QStringLiteral("config/eqnet/profiles/my-npu.json"));
        QVERIFY(QFileInfo::exists(path));
        const HardwareProfile back = eqnet::readProfileFile(path.toStdString());
        HardwareProfile expected = edited;
        expected.name = "my-npu";
        compareSettings(back, expected);
        // Listed as the user's and picked, unmodified, with its file as the source.
        const int idx = dock.profileCombo()->findData(QStringLiteral("my-npu"));
        QVERIFY(idx >= 0);
        QCOMPARE(dock.profileCombo()->itemText(idx), QStringLiteral("my-npu (user)"));
        QCOMPARE(dock.profileCombo()->currentIndex(), idx);
        QVERIFY(!dock.isModified());
        compareSettings(dock.profile(), back);
        QCOMPARE(dock.profile().source, back.source);
        // Another dock lists it too.
        ConstraintsDock other(nullptr);
        QVERIFY(other.selectProfile(QStringLiteral("my-npu")));
        QVERIFY(QFile::remove(path));
    }
};

QTEST_MAIN(TestConstraintsDock)
#include "tst_constraints_dock.moc"
