// Runs the EQ_TEST cases of one suite under Qt Test, one data row per case.
#include "eqtest.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace {
std::unique_ptr<QTemporaryDir> g_scratch;
}

void eqtest::fail(const std::string& message, const char* file, int line) {
    QTest::qFail(message.c_str(), file, line);
}

void eqtest::skip(const std::string& message, const char* file, int line) {
    QTest::qSkip(message.c_str(), file, line);
}

std::string eqtest::scratchDir() {
    // One fresh folder per case, so cases never see each other's files.
    g_scratch = std::make_unique<QTemporaryDir>();
    return g_scratch->path().toStdString();
}

class CoreSuite : public QObject {
    Q_OBJECT
private slots:
    void cases_data() {
        QTest::addColumn<int>("index");
        const auto& reg = eqtest::registry();
        for (int i = 0; i < int(reg.size()); ++i) QTest::newRow(reg[size_t(i)].name) << i;
    }
    void cases() {
        QFETCH(int, index);
        try {
            eqtest::registry()[size_t(index)].fn();
        } catch (const std::exception& e) {
            g_scratch.reset();
            QFAIL((std::string("unexpected exception: ") + e.what()).c_str());
        }
        g_scratch.reset();
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    CoreSuite suite;
    return QTest::qExec(&suite, argc, argv);
}

#include "qt_runner.moc"
