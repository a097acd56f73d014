// The Model tab on a copy of the demo run: every layer with its shapes and cost, the selected
// subnet's bits and BitOps shares (summing to 100 %), and an exported ONNX file's quantization
// nodes with the bits their levels say, which match the subnet exported (a mismatch is marked).
#include "model_tab.h"
#include "run_document.h"

#include "eqnet/cost_model.h"
#include "eqnet/export_stage.h"
#include "eqnet/onnx_export.h"
#include "eqnet/profile.h"

#include "demo_run_copy.h"

#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using eqnet::ui::ModelTab;
using eqnet::ui::RunDocument;
using eqnet::ui::SubnetChoice;

class TestModelTab : public QObject {
    Q_OBJECT
    QTemporaryDir run_;
    RunDocument doc_;

    // A mixed subnet of the run: every searchable layer at its own bits.
    SubnetChoice mixedChoice() const {
        const auto& layers = doc_.layers();
        SubnetChoice c;
        c.config.form = eqnet::QuantForm{eqnet::Granularity::PerChannel, true, false};
        for (size_t i = 0; i < layers.size(); ++i)
            c.config.layers.push_back(layers[i].fixedBits ? eqnet::LayerBits{8, 8}
                                                          : eqnet::LayerBits{2 + int(i % 7), 8 - int(i % 5)});
        c.cost = eqnet::subnetCost(layers, c.config);
        c.profile.name = QStringLiteral("flex-2to8-pt");
        return c;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(run_.isValid());
        QVERIFY(uitest::copyTree(uitest::demoRunDir(), run_.path()));
        QVERIFY(doc_.open(run_.path()));
        QVERIFY(doc_.waitUntilLoaded(60000));
        QVERIFY(!doc_.layers().empty());
    }

    void layersWithTheSubnetsBits() {
        ModelTab tab(&doc_);
        QTableWidget* t = tab.layerTable();
        const auto& layers = doc_.layers();
        QCOMPARE(t->rowCount(), int(layers.size()));
        int64_t macs = 0;
        for (int r = 0; r < t->rowCount(); ++r) {
            const auto& l = layers[size_t(r)];
            macs += l.macs;
            QCOMPARE(t->item(r, ModelTab::NameCol)->text(), QString::fromStdString(l.name));
            QCOMPARE(QLocale().toLongLong(t->item(r, ModelTab::MacsCol)->text()), qlonglong(l.macs));
            QCOMPARE(QLocale().toLongLong(t->item(r, ModelTab::ParamsCol)->text()), qlonglong(l.weightParams + l.biasParams));
            QCOMPARE(t->item(r, ModelTab::WeightShapeCol)->text().split(QStringLiteral("×")).size(), int(l.weightShape.size()));
            QCOMPARE(t->item(r, ModelTab::WBitsCol)->text(), QStringLiteral("–")); // nothing selected
            if (l.groups > 1 && l.groups == l.inChannels)
                QVERIFY(t->item(r, ModelTab::KindCol)->text().startsWith(QStringLiteral("depthwise")));
        }
        QVERIFY(tab.summaryText().contains(QLocale().toString(qlonglong(macs))));
        QVERIFY(tab.summaryText().contains(QStringLiteral("Select a point")));

        const SubnetChoice c = mixedChoice();
        tab.showSubnet(c);
        double share = 0;
        for (int r = 0; r < t->rowCount(); ++r) {
            const auto& b = c.config.layers[size_t(r)];
            QVERIFY(t->item(r, ModelTab::WBitsCol)->text().startsWith(QString::number(b.w)));
            QVERIFY(t->item(r, ModelTab::ABitsCol)->text().startsWith(QString::number(b.a)));
            QCOMPARE(t->item(r, ModelTab::WBitsCol)->text().endsWith(QStringLiteral("(fixed)")), layers[size_t(r)].fixedBits);
            const double s = QLocale().toDouble(t->item(r, ModelTab::ShareCol)->text());
            QVERIFY(std::abs(s - eqnet::layerBitops(layers[size_t(r)], b) / c.cost.bitops * 100.0) <= 0.051);
            share += s;
        }
        QVERIFY2(std::abs(share - 100.0) < 0.05 * t->rowCount(), qPrintable(QString::number(share)));
        QVERIFY(tab.summaryText().contains(QStringLiteral("flex-2to8-pt")));
        tab.showSubnet(SubnetChoice());
        QCOMPARE(t->item(0, ModelTab::WBitsCol)->text(), QStringLiteral("–"));
    }

    void onnxNodesSayTheExportedBits() {
        if (!eqnet::onnxExportAvailable()) QSKIP("this build has no ONNX export");
        ModelTab tab(&doc_);
        const SubnetChoice c = mixedChoice();
        QTemporaryDir out;
        const QString path = out.filePath(QStringLiteral("mixed.onnx"));
        eqnet::SubnetExportOptions o;
        o.onnxPath = path.toStdString();
        o.profile = "flex-2to8-pt";
        const auto exported = eqnet::exportRunSubnet(run_.path().toStdString(), c.config, o);
        tab.showSubnet(c);
        QString error;
        QVERIFY(!tab.openOnnx(out.filePath(QStringLiteral("missing.onnx")), &error));
        QVERIFY2(error.contains(QStringLiteral("missing.onnx")), qPrintable(error));
        QVERIFY2(tab.openOnnx(path, &error), qPrintable(error));
        QTableWidget* q = tab.onnxTable();
        QCOMPARE(qint64(q->rowCount()), exported.onnx.quantizeNodes + exported.onnx.dequantizeNodes);
        const auto& layers = doc_.layers();
        int activationRows = 0;
        for (int r = 0; r < q->rowCount(); ++r) {
            if (q->item(r, ModelTab::OpCol)->text() != QLatin1String("QuantizeLinear")) continue;
            ++activationRows;
            const QString layer = q->item(r, ModelTab::LayerCol)->text();
            int i = -1;
            for (size_t k = 0; k < layers.size(); ++k)
                if (QString::fromStdString(layers[k].name) == layer) i = int(k);
            QVERIFY2(i >= 0, qPrintable(layer));
            QCOMPARE(q->item(r, ModelTab::BitsCol)->text().toInt(), c.config.layers[size_t(i)].a);
            // Below 8 bits a Clip says the range (at 8 bits a ReLU6's Clip may narrow it too).
            if (c.config.layers[size_t(i)].a < 8)
                QVERIFY(q->item(r, ModelTab::LevelsCol)->text().contains(QStringLiteral("Clip")));
        }
        QCOMPARE(activationRows, int(layers.size()));
        // The layer table: the file's bits next to the subnet's, none marked as not fitting.
        QTableWidget* t = tab.layerTable();
        for (int r = 0; r < t->rowCount(); ++r) {
            const QStringList wa = t->item(r, ModelTab::OnnxBitsCol)->text().split(QLatin1Char('/'));
            QCOMPARE(wa.size(), 2);
            QVERIFY(wa[0].toInt() <= c.config.layers[size_t(r)].w);
            QCOMPARE(wa[1].toInt(), c.config.layers[size_t(r)].a);
            QVERIFY(t->item(r, ModelTab::OnnxBitsCol)->toolTip().isEmpty());
        }
        // Another subnet selected with the same file open: the layers whose bits differ are marked.
        SubnetChoice other = c;
        for (size_t i = 0; i < other.config.layers.size(); ++i)
            if (!layers[i].fixedBits) other.config.layers[i].a = other.config.layers[i].a == 8 ? 7 : 8;
        other.cost = eqnet::subnetCost(layers, other.config);
        tab.showSubnet(other);
        int marked = 0;
        for (int r = 0; r < t->rowCount(); ++r) marked += !t->item(r, ModelTab::OnnxBitsCol)->toolTip().isEmpty();
        int searchable = 0;
        for (const auto& l : layers) searchable += !l.fixedBits;
        QCOMPARE(marked, searchable);
        // A broken file: an error naming it, the table of the last good one kept.
        const QString bad = out.filePath(QStringLiteral("bad.onnx"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        QVERIFY(!tab.openOnnx(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("bad.onnx")), qPrintable(error));
        QCOMPARE(qint64(q->rowCount()), exported.onnx.quantizeNodes + exported.onnx.dequantizeNodes);
    }
};

QTEST_MAIN(TestModelTab)
#include "tst_model_tab.moc"
