// The Pareto tab on a copy of the shipped demo run: the front searched for the dock's profile
// (non-dominated, allowed, sorted), the stored front's measured points on the plot, a new
// search when a constraint changes, click selection with its layer table, Verify writing the
// measurement into the stored front, Export handing over the full choice. Offscreen.
#include "sanitizer.h"
#include "constraints_dock.h"
#include "bitops_axis.h"
#include "front_merge.h"
#include "front_table.h"
#include "label_placement.h"
#include "job_runner.h"
#include "pareto_tab.h"
#include "pinned_subnets.h"
#include "run_document.h"

#include "eqnet/cqap_stage.h"
#include "eqnet/front.h"
#include "eqnet/run_layout.h"
#include "eqnet/profile.h"
#include "eqnet/search.h"

#include "demo_run_copy.h"
#include <qcustomplot.h>

#include <QCheckBox>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolTip>
#include <QElapsedTimer>
#include <QtTest>

#include <memory>

using eqnet::SearchCandidate;
using eqnet::ui::ConstraintsDock;
using eqnet::ui::ParetoTab;
using eqnet::ui::RunDocument;
using eqnet::ui::SubnetChoice;

namespace {


SearchCandidate candidate(const SubnetChoice& c) { return SearchCandidate{c.config, c.predicted, c.cost}; }

} // namespace

class TestParetoTab : public QObject {
    Q_OBJECT
    QTemporaryDir env_;
    QTemporaryDir run_;
    std::unique_ptr<RunDocument> doc_;
    std::unique_ptr<ConstraintsDock> dock_;
    std::unique_ptr<ParetoTab> tab_;
    std::unique_ptr<QSignalSpy> searched_;

    QCPGraph* graphNamed(const QString& name) const {
        for (int i = 0; i < tab_->plot()->graphCount(); ++i)
            if (tab_->plot()->graph(i)->name() == name) return tab_->plot()->graph(i);
        return nullptr;
    }
    QPoint pixelOf(double bitops, double accuracy) const {
        return QPoint(qRound(tab_->plot()->xAxis->coordToPixel(bitops / eqnet::ui::kBitopsPerMega)),
                      qRound(tab_->plot()->yAxis->coordToPixel(accuracy * 100.0)));
    }
    // Waits for the next searchFinished after `before` emissions.
    bool waitSearch(int before) {
        QDeadlineTimer deadline(60000 * eqtest::kWaitScale);
        while (searched_->count() <= before && !deadline.hasExpired()) QTest::qWait(20);
        return searched_->count() > before && tab_->searchRunner()->waitForIdle(60000 * eqtest::kWaitScale);
    }

    // Every baseline label's text box (its padding excluded) clear of the front's markers
    // and of the line joining them.
    void checkLabelsClearOfTheFront() {
        QCustomPlot* plot = tab_->plot();
        plot->replot();
        QCPGraph* front = graphNamed(QStringLiteral("Pareto front (predicted)"));
        eqnet::ui::LabelObstacles o;
        o.pointRadius = 4; // the circle's radius (7 px wide)
        QPointF previous;
        for (auto it = front->data()->constBegin(); it != front->data()->constEnd(); ++it) {
            const QPointF p(plot->xAxis->coordToPixel(it->key), plot->yAxis->coordToPixel(it->value));
            if (it != front->data()->constBegin()) o.lines.emplace_back(previous, p);
            o.points.push_back(previous = p);
        }
        int labels = 0;
        for (int i = 0; i < plot->itemCount(); ++i) {
            auto* t = qobject_cast<QCPItemText*>(plot->item(i));
            if (!t || !t->visible() || !t->text().startsWith(QLatin1Char('W'))) continue;
            ++labels;
            const QRectF box = QRectF(t->topLeft->pixelPosition(), t->bottomRight->pixelPosition())
                                   .marginsRemoved(QMarginsF(t->padding()));
            QVERIFY2(eqnet::ui::labelCollisions(box, o) == 0, qPrintable(t->text()));
            QVERIFY2(!box.intersects(plot->legend->outerRect()), qPrintable(t->text() + " under the legend"));
        }
        QCOMPARE(labels, int(tab_->baselines().size()));
    }

private slots:
    // The x axis: MBitOps (the budgets' unit) with ticks labelled by the value they sit at, at
    // any span; a front that spans less than a factor of two still gets at least three.
    void bitopsAxisTicks() {
        using eqnet::ui::megaBitopsLabel;
        using eqnet::ui::megaBitopsTicks;
        QCOMPARE(megaBitopsTicks(5, 800), (QVector<double>{5, 10, 20, 50, 100, 200, 500}));
        QCOMPARE(megaBitopsTicks(1, 1e6), (QVector<double>{1, 10, 100, 1e3, 1e4, 1e5, 1e6}));
        QCOMPARE(megaBitopsTicks(20, 35), (QVector<double>{20, 25, 30, 35}));
        // A range within a factor of 1.6 (one profile's front can be that narrow): 1..9 per
        // decade gives only 300 and 400, so evenly spaced ticks.
        const QVector<double> narrow = megaBitopsTicks(280, 440);
        QCOMPARE(narrow, (QVector<double>{300, 350, 400}));
        for (double t : megaBitopsTicks(0.02, 3e7)) QCOMPARE(megaBitopsLabel(t).toDouble(), t);
        for (double t : narrow) QCOMPARE(megaBitopsLabel(t).toDouble(), t);
        QCOMPARE(megaBitopsLabel(12000), QStringLiteral("12000"));
        QCOMPARE(megaBitopsLabel(0.35), QStringLiteral("0.35"));
        QVERIFY(megaBitopsTicks(0, 10).isEmpty());
    }

    // Labels go to a side of their marker that covers nothing, else the least covered one.
    void labelsAvoidObstacles() {
        using eqnet::ui::LabelSide;
        eqnet::ui::LabelObstacles o;
        o.bounds = QRectF(0, 0, 400, 300);
        const QPointF a(200, 150);
        const QSizeF size(40, 14);
        QCOMPARE(eqnet::ui::placeLabels({a}, {size}, o, 6), std::vector<LabelSide>{LabelSide::Above});
        o.lines.emplace_back(QPointF(100, 140), QPointF(300, 140)); // a line just above the marker
        QCOMPARE(eqnet::ui::placeLabels({a}, {size}, o, 6), std::vector<LabelSide>{LabelSide::Below});
        o.points.push_back(QPointF(200, 165)); // and a marker just below
        QCOMPARE(eqnet::ui::placeLabels({a}, {size}, o, 6), std::vector<LabelSide>{LabelSide::Right});
        // Two labels at the same anchor: the second avoids the first.
        const auto two = eqnet::ui::placeLabels({a, a}, {size, size}, o, 6);
        QCOMPARE(two[0], LabelSide::Right);
        QCOMPARE(two[1], LabelSide::Left);
        // Near the right edge, "right" leaves the bounds.
        QCOMPARE(eqnet::ui::placeLabels({QPointF(390, 150)}, {size}, o, 6), std::vector<LabelSide>{LabelSide::Left});
    }

    // The merge of a new search with the stored front, as data (front_merge.h).
    void mergeFrontsKeepsEveryMeasurement() {
        const auto cfg = [](int w, int a) {
            eqnet::SubnetConfig c;
            c.layers = {{w, a}, {w, a}};
            return c;
        };
        const auto cand = [&](int w, int a, double pred) { return SearchCandidate{cfg(w, a), pred, {}}; };
        const auto point = [&](int w, int a, std::optional<double> val, std::string label = {}) {
            eqnet::FrontPoint p;
            p.config = cfg(w, a);
            p.predicted = 0.5;
            p.validation = val;
            p.test = val ? std::optional<double>(*val - 0.01) : std::nullopt;
            p.label = std::move(label);
            return p;
        };
        eqnet::FrontFile stored;
        stored.points = {point(4, 4, 0.81), point(3, 5, 0.77), point(6, 6, std::nullopt)};
        stored.uniform = {point(4, 4, 0.80, "W4A4"), point(2, 2, std::nullopt, "W2A2"), point(8, 8, 0.9, "W8A8")};
        const auto m = eqnet::ui::mergeFronts({cand(4, 4, 0.8), cand(6, 6, 0.85)}, {cand(4, 4, 0.79), cand(2, 2, 0.4)},
                                              {QStringLiteral("W4A4"), QStringLiteral("W2A2")}, &stored,
                                              eqnet::ui::ChoiceProfile{QStringLiteral("p"), QString(), false, "{}"});
        QCOMPARE(m.front.size(), size_t(2));
        QCOMPARE(m.front[0].validation.value_or(-1), 0.81); // measured, on the new front
        QCOMPARE(m.front[0].predicted, 0.8);                 // the new prediction kept
        QVERIFY(!m.front[1].validation);                      // stored unmeasured: nothing to merge
        QCOMPARE(m.stored.size(), size_t(1));                 // measured, off the new front
        QVERIFY(m.stored[0].config == cfg(3, 5));
        QCOMPARE(m.baselines.size(), size_t(3));              // W4A4, W2A2 searched + W8A8 stored
        QCOMPARE(m.baselines[0].label, QStringLiteral("W4A4"));
        QCOMPARE(m.baselines[0].validation.value_or(-1), 0.80);
        QVERIFY(!m.baselines[1].validation);
        QCOMPARE(m.baselines[2].label, QStringLiteral("W8A8"));
        QCOMPARE(m.baselines[2].validation.value_or(-1), 0.9);
        QCOMPARE(m.baselines[2].profile.name, QStringLiteral("p"));
        const auto none = eqnet::ui::mergeFronts({cand(4, 4, 0.8)}, {}, {}, nullptr,
                                                 eqnet::ui::ChoiceProfile{QStringLiteral("p"), QString(), false, "{}"});
        QCOMPARE(none.front.size(), size_t(1));
        QVERIFY(none.stored.empty() && none.baselines.empty());

        // Measurements from other fronts fill only unmeasured baselines of the same subnet.
        auto b = m.baselines; // W4A4 measured (0.80), W2A2 not, W8A8 measured (0.9)
        eqnet::ui::mergeMeasuredBaselines(
            b, {point(2, 2, 0.41), point(4, 4, 0.5), point(6, 6, 0.7), point(8, 8, std::nullopt)});
        QCOMPARE(b.size(), size_t(3));                  // nothing added (W6A6 is no baseline)
        QCOMPARE(b[0].validation.value_or(-1), 0.80);   // kept its own
        QCOMPARE(b[1].validation.value_or(-1), 0.41);   // filled
        QCOMPARE(b[2].validation.value_or(-1), 0.9);
    }

    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(env_.isValid() && run_.isValid());
        QVERIFY(QDir().mkpath(env_.filePath(QStringLiteral("extra"))));
        qputenv("EQNET_PROFILE_DIR", env_.filePath(QStringLiteral("extra")).toUtf8());
        qputenv("XDG_CONFIG_HOME", env_.filePath(QStringLiteral("config")).toUtf8());
        QVERIFY(uitest::copyTree(uitest::demoRunDir(), run_.path()));

        doc_ = std::make_unique<RunDocument>();
        dock_ = std::make_unique<ConstraintsDock>(doc_.get());
        tab_ = std::make_unique<ParetoTab>(doc_.get(), dock_.get());
        tab_->resize(1100, 900);
        tab_->show();
        QVERIFY(QTest::qWaitForWindowExposed(tab_.get()));
        searched_ = std::make_unique<QSignalSpy>(tab_.get(), &ParetoTab::searchFinished);
        QVERIFY(doc_->open(run_.path()));
        QVERIFY(doc_->waitUntilLoaded(60000 * eqtest::kWaitScale));
        QVERIFY(doc_->predictor());
    }
    void cleanupTestCase() {
        tab_.reset();
        dock_.reset();
        doc_.reset();
    }

    void searchesOnLoad() {
        QVERIFY(waitSearch(0));
        QCOMPARE(searched_->last().at(0).toInt(), tab_->frontSize());
        const eqnet::HardwareProfile profile = dock_->profile();
        QCOMPARE(profile.name, std::string("flex-2to8-pt"));
        const auto front = tab_->frontPoints();
        QVERIFY2(front.size() >= 20, qPrintable(QString::number(front.size())));
        for (size_t i = 0; i < front.size(); ++i) {
            QVERIFY(eqnet::allows(profile, front[i].config, doc_->layers()));
            QCOMPARE(front[i].profile.name, QStringLiteral("flex-2to8-pt"));
            QCOMPARE(front[i].profile.file, QString::fromStdString(profile.source));
            QVERIFY(front[i].predicted > 0.5 && front[i].predicted <= 1);
            if (i > 0) QVERIFY(front[i - 1].cost.bitops <= front[i].cost.bitops);
            for (size_t j = 0; j < front.size(); ++j)
                if (i != j) QVERIFY(!eqnet::dominates(candidate(front[j]), candidate(front[i])));
        }
        // The predicted front on the plot.
        QCPGraph* predicted = graphNamed(QStringLiteral("Pareto front (predicted)"));
        QVERIFY(predicted);
        QCOMPARE(predicted->data()->size(), int(front.size()));

        // The stored front's measured points and uniform baselines.
        const eqnet::FrontFile stored = eqnet::readFront(run_.path().toStdString(), "flex-2to8-pt", doc_->layers());
        int measured = 0;
        for (const auto& p : stored.points) measured += p.validation ? 1 : 0;
        QVERIFY(measured > 0);
        QCPGraph* measuredGraph = graphNamed(QStringLiteral("Measured (validation)"));
        QVERIFY(measuredGraph);
        QCOMPARE(measuredGraph->data()->size(), measured);
        for (const auto& p : stored.points) {
            if (!p.validation) continue;
            bool onPlot = false;
            for (auto it = measuredGraph->data()->constBegin(); it != measuredGraph->data()->constEnd(); ++it)
                onPlot = onPlot || (it->key == p.cost.bitops / eqnet::ui::kBitopsPerMega && qFuzzyCompare(it->value, *p.validation * 100));
            QVERIFY(onPlot);
        }
        const auto baselines = tab_->baselines();
        QCOMPARE(int(baselines.size()), 7); // W2A2 .. W8A8
        int measuredBaselines = 0;
        for (const auto& b : baselines) {
            QVERIFY(b.label.startsWith(QLatin1Char('W')));
            QVERIFY(b.predicted > 0);
            for (const auto& u : stored.uniform)
                if (u.config == b.config && u.validation) {
                    QCOMPARE(*b.validation, *u.validation);
                    ++measuredBaselines;
                }
        }
        QCOMPARE(measuredBaselines, 7);
        QCOMPARE(graphNamed(QStringLiteral("Uniform (measured)"))->data()->size(), 7);

        // The axis in MBitOps, every tick labelled with its value, and at least three of them
        // (the demo front had none below 10^8 BitOps).
        QCustomPlot* plot = tab_->plot();
        plot->replot();
        QVERIFY(plot->xAxis->label().contains(QStringLiteral("MBitOps")));
        const QVector<double> ticks = plot->xAxis->tickVector();
        const QVector<QString> tickLabels = plot->xAxis->tickVectorLabels();
        QVERIFY2(ticks.size() >= 3, qPrintable(QString::number(ticks.size())));
        for (int i = 0; i < ticks.size(); ++i) QCOMPARE(tickLabels[i].toDouble(), ticks[i]);
        for (const auto& c : front) {
            const double x = c.cost.bitops / eqnet::ui::kBitopsPerMega;
            QVERIFY(x >= plot->xAxis->range().lower && x <= plot->xAxis->range().upper);
        }
        checkLabelsClearOfTheFront();
        QVERIFY(!plot->findChild<QCPItemStraightLine*>(QStringLiteral("bitopsBudgetLine"))->visible());
        // Nothing selected: the bit chart has no layer ticks (it showed 0..5).
        QVERIFY(!tab_->selectedSubnet().isValid());
        tab_->bitsPlot()->replot();
        QVERIFY(tab_->bitsPlot()->xAxis->tickVector().isEmpty());
    }

    void clickSelects() {
        const auto front = tab_->frontPoints();
        QVERIFY(!front.empty());
        tab_->plot()->replot();
        // A point with no other marker within 6 px.
        std::vector<QPoint> others;
        for (const auto& c : front) {
            if (c.validation) others.push_back(pixelOf(c.cost.bitops, *c.validation));
        }
        for (const auto& b : tab_->baselines()) {
            others.push_back(pixelOf(b.cost.bitops, b.predicted));
            if (b.validation) others.push_back(pixelOf(b.cost.bitops, *b.validation));
        }
        int k = -1;
        for (int i = int(front.size()) / 2; i < int(front.size()) && k < 0; ++i) {
            const QPoint p = pixelOf(front[i].cost.bitops, front[i].predicted);
            bool clear = true;
            for (int j = 0; j < int(front.size()); ++j)
                if (j != i && (pixelOf(front[j].cost.bitops, front[j].predicted) - p).manhattanLength() < 8) clear = false;
            for (const QPoint& o : others)
                if ((o - p).manhattanLength() < 8) clear = false;
            if (clear) k = i;
        }
        QVERIFY2(k >= 0, "no isolated point to click");
        QSignalSpy selected(tab_.get(), &ParetoTab::selectionChanged);
        QTest::mouseClick(tab_->plot(), Qt::LeftButton, Qt::NoModifier,
                          pixelOf(front[k].cost.bitops, front[k].predicted));
        QCOMPARE(selected.count(), 1);
        QVERIFY(tab_->selectedSubnet().config == front[k].config);
        QVERIFY(selected.at(0).at(0).value<SubnetChoice>().config == front[k].config);

        QTableWidget* table = tab_->findChild<QTableWidget*>(QStringLiteral("layerTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), uitest::kDemoRunLayers);
        double shares = 0;
        for (int r = 0; r < uitest::kDemoRunLayers; ++r) {
            QCOMPARE(table->item(r, 0)->text(), QString::fromStdString(doc_->layers()[r].name));
            QCOMPARE(table->item(r, 2)->text().toInt(), front[k].config.layers[r].w);
            QCOMPARE(table->item(r, 3)->text().toInt(), front[k].config.layers[r].a);
            shares += QLocale().toDouble(table->item(r, 5)->text());
        }
        QVERIFY(std::abs(shares - 100.0) < 0.05 * uitest::kDemoRunLayers); // each share rounded to 0.1
        QCOMPARE(tab_->bitsPlot()->plottableCount(), 2);
        // The bit chart's legend above its bars (it hid the last layers'), and the layer names
        // slanted with room between neighbours (they ran together).
        QCustomPlot* bits = tab_->bitsPlot();
        bits->replot();
        QVERIFY(!bits->legend->outerRect().intersects(bits->axisRect()->rect()));
        QCOMPARE(bits->xAxis->tickLabelRotation(), 45.0);
        const double spacing = bits->xAxis->coordToPixel(2) - bits->xAxis->coordToPixel(1);
        const double lineHeight = QFontMetricsF(bits->xAxis->tickLabelFont()).height();
        QVERIFY2(spacing >= lineHeight * 1.42, qPrintable(QString("%1 px per layer, plot %2, rect %3, legend %4").arg(spacing).arg(bits->width()).arg(bits->axisRect()->rect().width()).arg(bits->legend->outerRect().width()))); // h / sin 45°

        // A click far from every point keeps the selection.
        QTest::mouseClick(tab_->plot(), Qt::LeftButton, Qt::NoModifier, QPoint(3, 3));
        QVERIFY(tab_->selectedSubnet().config == front[k].config);
    }

    // Every point in a sortable table (front, uniform baselines, stored measurements), a row
    // click selecting the point, and a CSV of the table as shown.
    void frontTableListsEveryPoint() {
        eqnet::ui::FrontTable* ft = tab_->frontTable();
        QVERIFY(ft);
        const auto front = tab_->frontPoints();
        const auto baselines = tab_->baselines();
        const int expected = int(front.size() + baselines.size()) + int(tab_->storedPoints().size());
        QCOMPARE(ft->rowCount(), expected);
        QTableWidget* t = ft->table();
        // Sorted by predicted accuracy, descending: the first row is the highest prediction.
        t->sortByColumn(4, Qt::DescendingOrder);
        double best = -1;
        for (const auto& c : front) best = std::max(best, c.predicted);
        for (const auto& c : baselines) best = std::max(best, c.predicted);
        QCOMPARE(QLocale().toDouble(t->item(0, 4)->text()), std::round(best * 10000.0) / 100.0);
        for (int r = 1; r < t->rowCount(); ++r) {
            const QString a = t->item(r - 1, 4)->text(), b = t->item(r, 4)->text();
            if (!a.isEmpty() && !b.isEmpty()) QVERIFY(QLocale().toDouble(a) >= QLocale().toDouble(b));
        }
        // Sorted by MBitOps ascending: numbers, not text ("100" after "20").
        t->sortByColumn(2, Qt::AscendingOrder);
        for (int r = 1; r < t->rowCount(); ++r)
            QVERIFY(QLocale().toDouble(t->item(r - 1, 2)->text()) <= QLocale().toDouble(t->item(r, 2)->text()));
        // A row click selects its point on the plot.
        int row = -1;
        for (int r = 0; r < t->rowCount() && row < 0; ++r)
            if (t->item(r, 1)->text() == QStringLiteral("W4A4")) row = r;
        QVERIFY(row >= 0);
        t->selectRow(row);
        QCOMPARE(tab_->selectedSubnet().label, QStringLiteral("W4A4"));
        QVERIFY(tab_->selectedSubnet().config == baselines[2].config); // W2A2, W3A3, W4A4, ...
        // The CSV: one line per row in the order shown, C-locale numbers, the layers' bits.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("front.csv"));
        QString error;
        QVERIFY2(ft->writeCsv(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), expected + 1);
        QCOMPARE(lines[0], QStringLiteral("kind,subnet,mbitops,size_kib,predicted_pct,validation_pct,test_pct,layers_w_a"));
        int frontRows = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f8 = lines[i].split(QLatin1Char(','));
            QCOMPARE(f8.size(), 8);
            // The same row as the table shows at that place (its MBitOps to the table's 2 decimals).
            QVERIFY(std::abs(f8[2].toDouble() - QLocale().toDouble(t->item(i - 1, 2)->text())) <= 0.0051);
            if (f8[0] != QLatin1String("front")) continue;
            ++frontRows;
            // The row's subnet is a front point with that cost and those bits.
            bool found = false;
            for (const auto& c : front) {
                QStringList bits;
                for (const auto& b : c.config.layers) bits << QStringLiteral("%1/%2").arg(b.w).arg(b.a);
                if (bits.join(QLatin1Char(' ')) == f8[7]) {
                    found = std::abs(f8[2].toDouble() - c.cost.bitops / 1e6) < 1e-4 &&
                            std::abs(f8[4].toDouble() - c.predicted * 100.0) < 1e-4;
                    break;
                }
            }
            QVERIFY2(found, qPrintable(lines[i]));
        }
        QCOMPARE(frontRows, int(front.size()));
        QVERIFY(lines[1].split(QLatin1Char(','))[2].toDouble() <= lines[2].split(QLatin1Char(','))[2].toDouble());
    }

    void hoverShowsNumbers() {
        const auto front = tab_->frontPoints();
        const SubnetChoice& c = front[front.size() / 2];
        QToolTip::hideText();
        // On a loaded machine a tooltip of an earlier mouse position may still be up, and a late
        // window event (activation, focus) hides a tip the moment it shows: keep hovering, a
        // pixel either way, until this point's tip stays up (as a person's hand would).
        const QString bitops = QString::fromStdString(eqnet::formatBitops(c.cost.bitops));
        const QPoint at = pixelOf(c.cost.bitops, c.predicted);
        bool shown = false;
        for (int attempt = 0; attempt < 50 && !shown; ++attempt) {
            QTest::mouseMove(tab_->plot(), at + QPoint(1 + attempt % 2, 1));
            QTest::qWait(100);
            shown = QToolTip::isVisible() && QToolTip::text().contains(bitops);
        }
        QVERIFY2(shown, qPrintable(QToolTip::text()));
        const QString text = QToolTip::text();
        QVERIFY2(text.contains(QString::fromStdString(eqnet::formatSizeBits(c.cost.sizeBits))), qPrintable(text));
        QVERIFY2(text.contains(QLocale().toString(c.predicted * 100, 'f', 2)), qPrintable(text));
        QVERIFY2(text.contains(QString::number(c.config.averageWeightBits(), 'f', 2)), qPrintable(text));
        QToolTip::hideText();
    }

    // Pin: two points (a front point and a uniform baseline) side by side, one column each,
    // every cell from the subnet it names, the rows where they differ in bold; the pins drawn
    // as stars labelled P1, P2; Pin on a pinned selection unpins it.
    void pinnedSubnetsSideBySide() {
        eqnet::ui::PinnedSubnets* pins = tab_->pinnedSubnets();
        QVERIFY(pins);
        pins->clear();
        QPushButton* pin = tab_->findChild<QPushButton*>(QStringLiteral("pinButton"));
        QVERIFY(pin);
        const auto front = tab_->frontPoints();
        const auto baselines = tab_->baselines();
        QVERIFY(front.size() > 3 && baselines.size() > 2);
        QVERIFY(tab_->selectPoint(int(front.size()) - 2));
        QCOMPARE(pin->text(), QStringLiteral("Pin"));
        QTest::mouseClick(pin, Qt::LeftButton);
        QCOMPARE(pin->text(), QStringLiteral("Unpin"));
        QVERIFY(tab_->selectBaseline(2)); // W4A4
        QTest::mouseClick(pin, Qt::LeftButton);
        QCOMPARE(int(pins->pins().size()), 2);
        QVERIFY(!pins->pin(baselines[2])); // already pinned
        const SubnetChoice a = front[front.size() - 2], b = baselines[2];
        QTableWidget* t = pins->table();
        QCOMPARE(t->columnCount(), 2);
        const int layers = int(doc_->layers().size());
        QCOMPARE(t->rowCount(), 9 + layers);
        QCOMPARE(t->horizontalHeaderItem(0)->text(), QStringLiteral("P1"));
        QCOMPARE(t->item(1, 1)->text(), QStringLiteral("uniform W4A4"));
        // Shown to two decimals.
        QVERIFY2(std::abs(QLocale().toDouble(t->item(2, 0)->text()) - a.cost.bitops / 1e6) <= 0.0051,
                 qPrintable(t->item(2, 0)->text()));
        QVERIFY2(std::abs(QLocale().toDouble(t->item(4, 1)->text()) - b.predicted * 100.0) <= 0.0051,
                 qPrintable(t->item(4, 1)->text()));
        std::vector<int> differing;
        for (int i = 0; i < layers; ++i) {
            const auto& la = a.config.layers[size_t(i)];
            const auto& lb = b.config.layers[size_t(i)];
            QCOMPARE(t->item(9 + i, 0)->text(), QStringLiteral("W%1 A%2").arg(la.w).arg(la.a));
            QCOMPARE(t->item(9 + i, 1)->text(), QStringLiteral("W%1 A%2").arg(lb.w).arg(lb.a));
            QVERIFY(t->verticalHeaderItem(9 + i)->text().startsWith(QString::fromStdString(doc_->layers()[size_t(i)].name)));
            const bool differs = !(la == lb);
            QCOMPARE(t->item(9 + i, 0)->font().bold(), differs);
            if (differs) differing.push_back(9 + i);
        }
        QVERIFY(!differing.empty());        // the searched point is not uniform W4A4
        QVERIFY(!t->item(0, 0)->font().bold()); // same profile
        QVERIFY(t->item(2, 0)->font().bold());  // different BitOps
        // On the plot: a star per pin at its predicted accuracy, labelled P1 and P2.
        QCPGraph* stars = graphNamed(QStringLiteral("Pinned"));
        QVERIFY(stars);
        QCOMPARE(stars->data()->size(), 2);
        for (const SubnetChoice& p : {a, b}) {
            auto it = stars->data()->findBegin(p.cost.bitops / eqnet::ui::kBitopsPerMega, false);
            QVERIFY(it != stars->data()->constEnd());
            QCOMPARE(it->key, p.cost.bitops / eqnet::ui::kBitopsPerMega);
            QCOMPARE(it->value, p.predicted * 100.0);
        }
        QStringList labels;
        for (int i = 0; i < tab_->plot()->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(tab_->plot()->item(i)))
                if (text->text().startsWith(QLatin1Char('P'))) labels << text->text();
        labels.sort();
        QCOMPARE(labels, (QStringList{QStringLiteral("P1"), QStringLiteral("P2")}));
        QVERIFY(tab_->bottomTabs()->tabText(tab_->bottomTabs()->indexOf(pins)).contains(QLatin1Char('2')));
        // Pin on the pinned selection (W4A4) unpins it.
        QTest::mouseClick(pin, Qt::LeftButton);
        QCOMPARE(int(pins->pins().size()), 1);
        QVERIFY(pins->pins()[0].config == a.config);
        QCOMPARE(stars->data()->size(), 1);
        QVERIFY(pins->differingRows().empty()); // one pin: nothing to differ from
    }

    // Overlay: another profile's front, searched with the run's predictor, is exactly what a
    // search of that profile gives; its points are selectable (and keep their profile) and can
    // be pinned next to this profile's; "(none)" removes it.
    void overlayShowsAnotherProfilesFront() {
        QSignalSpy spy(tab_.get(), &ParetoTab::overlayFinished);
        QVERIFY(!tab_->setOverlayProfile(QStringLiteral("no-such-profile")));
        QVERIFY(tab_->setOverlayProfile(QStringLiteral("int4-int8-pc-asym")));
        QVERIFY(spy.wait(60000 * eqtest::kWaitScale));
        QVERIFY(tab_->overlayRunner()->waitForIdle(60000 * eqtest::kWaitScale));
        QCOMPARE(spy.last().at(1).toString(), QString());
        const eqnet::HardwareProfile profile = eqnet::findProfile("int4-int8-pc-asym");
        const auto predictor = doc_->predictor();
        const eqnet::ParetoResult expected = eqnet::paretoSearch(
            doc_->layers(), profile, [&](const std::vector<eqnet::SubnetConfig>& c) { return predictor->predict(c); });
        const auto overlay = tab_->overlayPoints();
        QCOMPARE(overlay.size(), expected.front.size());
        QCOMPARE(spy.last().at(0).toInt(), int(overlay.size()));
        for (size_t i = 0; i < overlay.size(); ++i) {
            QVERIFY(overlay[i].config == expected.front[i].config);
            QCOMPARE(overlay[i].predicted, expected.front[i].predicted);
            QVERIFY(eqnet::allows(profile, overlay[i].config, doc_->layers()));
            QCOMPARE(overlay[i].profile.name, QStringLiteral("int4-int8-pc-asym"));
        }
        QCPGraph* g = graphNamed(QStringLiteral("Front of int4-int8-pc-asym (predicted)"));
        QVERIFY(g);
        QCOMPARE(g->data()->size(), int(overlay.size()));
        QVERIFY(tab_->plot()->legend->hasItemWithPlottable(g));
        // The main front is unchanged, and the view takes in both.
        QCOMPARE(tab_->searchedProfile().name, std::string("flex-2to8-pt"));
        for (const auto& c : overlay) {
            const double x = c.cost.bitops / eqnet::ui::kBitopsPerMega;
            QVERIFY(tab_->plot()->xAxis->range().contains(x));
        }
        // A click on an overlay point selects it with its own profile (what Export records).
        tab_->plot()->replot();
        bool selected = false;
        for (const auto& c : overlay) {
            QTest::mouseClick(tab_->plot(), Qt::LeftButton, Qt::NoModifier, pixelOf(c.cost.bitops, c.predicted));
            const SubnetChoice s = tab_->selectedSubnet();
            if (s.config == c.config && s.profile.name == QStringLiteral("int4-int8-pc-asym")) {
                selected = true;
                QVERIFY(tab_->togglePinSelected());
                QCOMPARE(tab_->pinnedSubnets()->table()->item(0, int(tab_->pinnedSubnets()->pins().size()) - 1)->text(),
                         QStringLiteral("int4-int8-pc-asym"));
                break;
            }
        }
        QVERIFY(selected);
        QVERIFY(tab_->setOverlayProfile(QString()));
        QVERIFY(spy.wait(10000) || spy.last().at(0).toInt() == 0);
        QCOMPARE(spy.last().at(0).toInt(), 0);
        QVERIFY(tab_->overlayPoints().empty());
        QCOMPARE(g->data()->size(), 0);
        QVERIFY(!tab_->plot()->legend->hasItemWithPlottable(g));
        // The pin of the overlay point stays (with its profile) after the overlay is gone.
        QCOMPARE(tab_->pinnedSubnets()->pins().back().profile.name, QStringLiteral("int4-int8-pc-asym"));
        tab_->pinnedSubnets()->clear();
    }

    void exportHandsOverTheChoice() {
        QVERIFY(tab_->selectPoint(0));
        QSignalSpy spy(tab_.get(), &ParetoTab::exportRequested);
        QPushButton* button = tab_->findChild<QPushButton*>(QStringLiteral("exportButton"));
        QVERIFY(button && button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(spy.count(), 1);
        const SubnetChoice c = spy.at(0).at(0).value<SubnetChoice>();
        const SubnetChoice p0 = tab_->frontPoints()[0];
        QVERIFY(c.config == p0.config);
        QCOMPARE(c.cost.bitops, p0.cost.bitops);
        QCOMPARE(c.predicted, p0.predicted);
        QCOMPARE(c.profile.name, QStringLiteral("flex-2to8-pt"));
        QVERIFY(c.profile.file.endsWith(QStringLiteral("flex-2to8-pt.json")));
    }

    void verifyWritesTheStoredFront() {
        const std::string dir = run_.path().toStdString();
        const eqnet::FrontFile before = eqnet::readFront(dir, "flex-2to8-pt", doc_->layers());
        const auto front = tab_->frontPoints();
        int k = -1;
        for (int i = 0; i < int(front.size()) && k < 0; ++i)
            for (const auto& p : before.points)
                if (p.config == front[i].config && !p.validation) k = i;
        QVERIFY2(k >= 0, "no unmeasured stored point on the searched front");
        QVERIFY(tab_->selectPoint(k));
        QPushButton* verify = tab_->findChild<QPushButton*>(QStringLiteral("verifyButton"));
        QVERIFY(verify && verify->isEnabled());
        QSignalSpy done(tab_.get(), &ParetoTab::verifyFinished);
        QSignalSpy refreshed(doc_.get(), &RunDocument::summaryChanged);
        QTest::mouseClick(verify, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000 * eqtest::kWaitScale);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        const SubnetChoice sel = tab_->selectedSubnet();
        QVERIFY(sel.config == front[k].config);
        QVERIFY(sel.validation && *sel.validation > 0.5 && *sel.validation <= 1.0);
        QVERIFY(sel.test && *sel.test > 0.5 && *sel.test <= 1.0);
        QCOMPARE(*tab_->frontPoints()[k].validation, *sel.validation);

        const eqnet::FrontFile after = eqnet::readFront(dir, "flex-2to8-pt", doc_->layers());
        bool found = false;
        for (const auto& p : after.points)
            if (p.config == sel.config) {
                QVERIFY(p.validation);
                QCOMPARE(*p.validation, *sel.validation);
                QCOMPARE(*p.test, *sel.test);
                found = true;
            }
        QVERIFY(found);
        QCOMPARE(after.verification.measured, before.verification.measured + 1);
        QVERIFY(refreshed.count() >= 1);
        // Drawn as measured.
        QCOMPARE(graphNamed(QStringLiteral("Measured (validation)"))->data()->size(),
                 int(before.verification.measured) + 1);
    }

    void verifyCanBeStopped() {
        const std::string dir = run_.path().toStdString();
        const std::string before = eqnet::frontToJson(eqnet::readFront(dir, "flex-2to8-pt", doc_->layers()), doc_->layers());
        int k = -1;
        const auto front = tab_->frontPoints();
        for (int i = 0; i < int(front.size()) && k < 0; ++i)
            if (!front[i].validation) k = i;
        QVERIFY(k >= 0);
        QVERIFY(tab_->selectPoint(k));
        QSignalSpy done(tab_.get(), &ParetoTab::verifyFinished);
        QVERIFY(tab_->verifySelected());
        QPushButton* stop = tab_->findChild<QPushButton*>(QStringLiteral("stopVerifyButton"));
        QVERIFY(stop && stop->isEnabled());
        QVERIFY(!tab_->findChild<QPushButton*>(QStringLiteral("verifyButton"))->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000 * eqtest::kWaitScale);
        QVERIFY(!done.at(0).at(0).toBool());
        QVERIFY(!tab_->frontPoints()[k].validation);
        QCOMPARE(eqnet::frontToJson(eqnet::readFront(dir, "flex-2to8-pt", doc_->layers()), doc_->layers()), before);
        QVERIFY(tab_->findChild<QPushButton*>(QStringLiteral("verifyButton"))->isEnabled());
    }

    void constraintChangeSearchesAgain() {
        const int before = searched_->count();
        for (int b = 2; b <= 8; ++b) {
            dock_->weightBitBox(b)->setChecked(b == 4 || b == 8);
            dock_->actBitBox(b)->setChecked(b == 4 || b == 8);
        }
        QVERIFY(waitSearch(before));
        QCOMPARE(searched_->count(), before + 1); // one search for all the edits
        const auto front = tab_->frontPoints();
        QVERIFY(!front.empty());
        const auto& layers = doc_->layers();
        for (const auto& c : front) {
            QVERIFY(eqnet::allows(dock_->profile(), c.config, layers));
            for (size_t l = 0; l < c.config.layers.size(); ++l) {
                const auto b = c.config.layers[l];
                if (layers[l].fixedBits) {
                    QCOMPARE(b.w, 8);
                    QCOMPARE(b.a, 8);
                }
                QVERIFY(b.w == 4 || b.w == 8);
                QVERIFY(b.a == 4 || b.a == 8);
            }
            QVERIFY(c.profile.file.isEmpty()); // an edited profile has no file ...
            QVERIFY(c.profile.modified);       // ... is marked as edited, and carries the edits
            QCOMPARE(eqnet::profileFromJson(c.profile.constraints, "choice").weightBits,
                     dock_->profile().weightBits);
            QVERIFY(!c.validation);
        }
        // No stored front for an edited profile; the baselines are every allowed pair, as on
        // the command line (eqnet::uniformBaselines), not only W=A.
        QCOMPARE(graphNamed(QStringLiteral("Measured (validation)"))->data()->size(), 0);
        QStringList labels;
        for (const auto& b : tab_->baselines()) labels << b.label;
        QCOMPARE(labels, (QStringList{QStringLiteral("W4A4"), QStringLiteral("W4A8"), QStringLiteral("W8A4"),
                                      QStringLiteral("W8A8")}));
        // W4A4 and W8A8 of this form were measured for the stored flex-2to8-pt front: the edit
        // keeps their measurements on screen (they vanished before); W4A8 and W8A4 were never
        // measured.
        const eqnet::FrontFile stored = eqnet::readFront(run_.path().toStdString(), "flex-2to8-pt", doc_->layers());
        for (const auto& b : tab_->baselines()) {
            const auto it = std::find_if(stored.uniform.begin(), stored.uniform.end(),
                                         [&b](const eqnet::FrontPoint& p) { return p.config == b.config; });
            if (it == stored.uniform.end() || !it->validation) {
                QVERIFY2(!b.validation, qPrintable(b.label));
                continue;
            }
            QVERIFY2(b.validation && *b.validation == *it->validation, qPrintable(b.label));
            QCOMPARE(b.test.value_or(-1), it->test.value_or(-1));
        }
        QVERIFY(tab_->baselines().front().validation); // W4A4
        QVERIFY(!tab_->baselines()[1].validation);     // W4A8
        QCOMPARE(graphNamed(QStringLiteral("Uniform (measured)"))->data()->size(), 2);
    }

    void rapidChangesEndWithTheLatest() {
        // Several requests while one runs: only the latest one's front is shown.
        QVERIFY(tab_->searchRunner()->waitForIdle(60000 * eqtest::kWaitScale));
        dock_->selectProfile(QStringLiteral("flex-2to8-pt"));
        dock_->selectProfile(QStringLiteral("int4-int8-pc-asym"));
        dock_->selectProfile(QStringLiteral("int8-pc-sym"));
        QTRY_VERIFY_WITH_TIMEOUT(!tab_->searchRunner()->isBusy() && tab_->searchedProfile().name == "int8-pc-sym", 60000 * eqtest::kWaitScale);
        const auto front = tab_->frontPoints();
        QCOMPARE(int(front.size()), 1); // a single subnet: all 8/8
        QVERIFY(front[0].config == eqnet::uniformSubnet(uitest::kDemoRunLayers, 8, 8, dock_->profile().form));
    }

    void infeasibleBudgetSaysWhy() {
        QVERIFY(dock_->selectProfile(QStringLiteral("flex-2to8-pt")));
        QTRY_VERIFY_WITH_TIMEOUT(!tab_->searchRunner()->isBusy() && tab_->searchedProfile().name == "flex-2to8-pt", 60000 * eqtest::kWaitScale);
        const int before = searched_->count();
        dock_->bitopsBudgetCheck()->setChecked(true);
        dock_->bitopsBudgetSpin()->setValue(1.0); // 1 MBitOps: below the cheapest subnet
        QVERIFY(waitSearch(before));
        QCOMPARE(searched_->last().at(0).toInt(), 0);
        QCOMPARE(tab_->frontSize(), 0);
        QVERIFY2(tab_->statusText().contains(QStringLiteral("budget")), qPrintable(tab_->statusText()));
    }

    // The issue asks for the Pareto view to follow a constraint edit within a second. Timing
    // is not asserted (a shared machine), it is reported: from the edit (a budget lifted in
    // the full 2..8-bit space, an NSGA-II search) to the new front on the plot, through the
    // dock's debounce, the worker and the redraw.
    void constraintEditToNewFront() {
        const int before = searched_->count();
        QElapsedTimer clock;
        clock.start();
        dock_->bitopsBudgetCheck()->setChecked(false);
        QVERIFY(waitSearch(before));
        const qint64 ms = clock.elapsed();
        QVERIFY(tab_->frontSize() >= 20);
        QCOMPARE(tab_->plot()->graph(0)->data()->size(), tab_->frontSize());
        qInfo("constraint edit to a new %d-point front on the plot: %lld ms", tab_->frontSize(), ms);
    }

    // A BitOps budget is a dashed line at the budget, in the axis' unit, with every front
    // point left of it; none without a budget.
    void budgetLineMarksTheBudget() {
        QVERIFY(tab_->searchRunner()->waitForIdle(60000 * eqtest::kWaitScale));
        auto* line = tab_->plot()->findChild<QCPItemStraightLine*>(QStringLiteral("bitopsBudgetLine"));
        auto* label = tab_->plot()->findChild<QCPItemText*>(QStringLiteral("bitopsBudgetLabel"));
        QVERIFY(line && label);
        const auto all = tab_->frontPoints();
        QVERIFY(all.size() >= 4);
        const double budget = all[all.size() / 2].cost.bitops / eqnet::ui::kBitopsPerMega; // MBitOps
        int before = searched_->count();
        dock_->bitopsBudgetCheck()->setChecked(true);
        dock_->bitopsBudgetSpin()->setValue(budget);
        QVERIFY(waitSearch(before));
        const double entered = dock_->bitopsBudgetSpin()->value();
        QVERIFY(line->visible() && label->visible());
        QCOMPARE(line->point1->coords().x(), entered);
        QCOMPARE(line->point2->coords().x(), entered);
        QVERIFY(label->text().contains(eqnet::ui::megaBitopsLabel(entered)));
        const QCPRange range = tab_->plot()->xAxis->range();
        QVERIFY(entered > range.lower && entered < range.upper);
        QVERIFY(!tab_->frontPoints().empty());
        for (const auto& c : tab_->frontPoints()) QVERIFY(c.cost.bitops / eqnet::ui::kBitopsPerMega <= entered);
        checkLabelsClearOfTheFront();
        before = searched_->count();
        dock_->bitopsBudgetCheck()->setChecked(false);
        QVERIFY(waitSearch(before));
        QVERIFY(!line->visible() && !label->visible());
    }

    // Verify front: an edited profile has no file to key a stored front by; once saved, the
    // whole front is stored in the run and every point and baseline measured.
    void verifyFrontStoresAndMeasures() {
        QVERIFY(tab_->searchRunner()->waitForIdle(60000 * eqtest::kWaitScale));
        int before = searched_->count();
        for (int b = 2; b <= 8; ++b) {
            dock_->weightBitBox(b)->setChecked(b == 4 || b == 8);
            dock_->actBitBox(b)->setChecked(b == 8);
        }
        // A budget 3 % above the cheapest subnet keeps the front to a few points, each measured
        // on both splits below.
        const double cheapest =
            eqnet::subnetCost(doc_->layers(), eqnet::cheapestSubnet(dock_->profile(), doc_->layers())).bitops;
        dock_->bitopsBudgetCheck()->setChecked(true);
        dock_->bitopsBudgetSpin()->setValue(cheapest * 1.03 / 1e6);
        QVERIFY(waitSearch(before));
        auto* button = tab_->findChild<QPushButton*>(QStringLiteral("verifyFrontButton"));
        QVERIFY(button);
        QVERIFY(!tab_->canVerifyFront());
        QVERIFY(!button->isEnabled());
        QVERIFY(!tab_->verifyFront());

        before = searched_->count();
        QString error;
        QVERIFY2(dock_->saveUserProfile(QStringLiteral("w48-a8"), &error), qPrintable(error));
        QVERIFY(waitSearch(before));
        QCOMPARE(tab_->searchedProfile().name, std::string("w48-a8"));
        QVERIFY(tab_->canVerifyFront());
        const int points = tab_->frontSize();
        QVERIFY(points >= 2);

        before = searched_->count();
        QVERIFY(tab_->verifyFront());
        QVERIFY(tab_->verifyRunner()->waitForIdle(240000 * eqtest::kWaitScale));
        QVERIFY(waitSearch(before)); // the tab shows the stored front when the job ends
        const eqnet::FrontFile f = eqnet::readFront(run_.path().toStdString(), "w48-a8", doc_->layers());
        QCOMPARE(int(f.points.size()), points);
        for (const auto& p : f.points) QVERIFY(p.validation && p.test && *p.validation > 0.5);
        QCOMPARE(int(f.uniform.size()), 1); // W4A8 (W8A8 is over the budget)
        for (const auto& u : f.uniform) QVERIFY(u.validation && u.test);
        // The studio's baselines are the command line's (eqnet::uniformBaselines): W4A8 here,
        // which the diagonal alone (W=A: W8A8, over the budget) would have missed.
        QStringList labels;
        for (const auto& b : tab_->baselines()) labels << b.label;
        QCOMPARE(labels, QStringList{QStringLiteral("W4A8")});
        for (const auto& c : tab_->frontPoints()) QVERIFY(c.validation.has_value());
        QVERIFY2(tab_->statusText().contains(QStringLiteral("prediction RMSE")), qPrintable(tab_->statusText()));
        QVERIFY(doc_->summary().fronts.size() >= 2); // flex-2to8-pt and w48-a8
    }

    // A stored search that refined its predictor (eqnet search --refine) saved it beside the
    // front: the tab predicts that profile with it, so that what the plot calls "predicted" is
    // what the stored front says; an unreadable one is named and the run's predictor used.
    void refinedPredictorOfTheStoredSearch() {
        QVERIFY(tab_->searchRunner()->waitForIdle(60000 * eqtest::kWaitScale));
        QCOMPARE(tab_->searchedProfile().name, std::string("w48-a8"));
        const std::string dir = run_.path().toStdString();
        const std::string refined = eqnet::frontPredictorPath(dir, "w48-a8");
        // Another predictor of the same run stands in for a refined one: its predictions differ.
        const eqnet::CqapPredictor other = eqnet::CqapPredictor::load(eqnet::cqapPredictorPath(dir, false));
        other.save(refined);
        const auto predictedBy = [&](const eqnet::CqapPredictor& p) {
            const auto front = tab_->frontPoints();
            for (const auto& c : front)
                if (std::abs(p.predict(c.config) - c.predicted) > 1e-6) return false;
            // The tab predicts the W<b>A<b> baselines; others come from the stored front as stored.
            for (const auto& b : tab_->baselines())
                if (b.label.size() == 4 && b.label[1] == b.label[3] &&
                    std::abs(p.predict(b.config) - b.predicted) > 1e-6)
                    return false;
            return !front.empty();
        };
        QVERIFY(!predictedBy(other)); // not so already

        int before = searched_->count();
        doc_->reload();
        QVERIFY(waitSearch(before));
        QVERIFY(predictedBy(other));
        QVERIFY2(tab_->statusText().contains(QStringLiteral("refined predictor")), qPrintable(tab_->statusText()));

        QFile corrupt(QString::fromStdString(refined));
        QVERIFY(corrupt.open(QIODevice::WriteOnly | QIODevice::Truncate));
        corrupt.write("{\"format\": ");
        corrupt.close();
        before = searched_->count();
        doc_->reload();
        QVERIFY(waitSearch(before));
        QVERIFY(predictedBy(*doc_->predictor()));
        QVERIFY2(tab_->statusText().contains(QStringLiteral("refined predictor unreadable")) &&
                     tab_->statusText().contains(QStringLiteral("predictor.json")),
                 qPrintable(tab_->statusText()));
        QVERIFY(QFile::remove(QString::fromStdString(refined)));
    }
};

QTEST_MAIN(TestParetoTab)
#include "tst_pareto_tab.moc"
