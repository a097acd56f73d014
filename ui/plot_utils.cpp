#include "plot_utils.h"

#include "plot_interaction.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>

#include <algorithm>

namespace eqnet {
namespace ui {

namespace {
// The plots' strings, each marked where it is written (QT_TRANSLATE_NOOP) for lupdate.
QString trPlot(const char* text) { return QCoreApplication::translate("eqnet::ui::Plot", text); }
const QString kPlotsDirKey = QStringLiteral("plots/lastDir");
} // namespace

QCustomPlot* createPlot(QWidget* parent, const QString& objectName) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    // QCustomPlot typesets "10^n" only where the locale writes exponents with a lower-case
    // 'e'; most locales (en_US, zh_CN, ...) use 'E' and would show "1E+07".
    QLocale numbers = QLocale::c();
    numbers.setNumberOptions(QLocale::OmitGroupSeparator);
    plot->setLocale(numbers);
    plot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumSize(200, 160);
    installPlotContextMenu(plot);
    return plot;
}

QCPItemText* addPlaceholder(QCustomPlot* plot, const QString& text) {
    auto* item = new QCPItemText(plot);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.5, 0.5);
    item->setText(text);
    item->setColor(QColor(0x80, 0x80, 0x80));
    QFont font = plot->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    item->setFont(font);
    return item;
}

QCPBars* addGroupedBars(QCPBarsGroup* group, QCPAxis* keyAxis, QCPAxis* valueAxis, const QString& name,
                        const QColor& color) {
    auto* bars = new QCPBars(keyAxis, valueAxis);
    bars->setName(name);
    bars->setBrush(color);
    bars->setPen(Qt::NoPen);
    bars->setWidth(0.35);
    bars->setBarsGroup(group);
    return bars;
}

void placeLegendAbove(QCustomPlot* plot) {
    QCPLegend* legend = plot->legend;
    if (plot->axisRect()->insetLayout()->take(legend)) plot->axisRect()->insetLayout()->simplify();
    // Above the axis rect: below a title row when there is one.
    QCPLayoutGrid* layout = plot->plotLayout();
    int row = 0;
    while (row < layout->rowCount() && layout->element(row, 0) != plot->axisRect()) ++row;
    layout->insertRow(row);
    layout->addElement(row, 0, legend);
    layout->setRowStretchFactor(row, 0.001);
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(4, 0, 4, 0));
    legend->setVisible(true);
    // As many columns as the plot's width holds whole entries: a narrow plot (or one with
    // many curves) gets more rows instead of cut names.
    QObject::connect(plot, &QCustomPlot::beforeReplot, legend, [plot, legend] {
        int widest = 0;
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* it = legend->item(i)) widest = std::max(widest, it->minimumOuterSizeHint().width());
        if (widest <= 0) return;
        const int room = plot->width() - legend->margins().left() - legend->margins().right();
        const int columns = std::max(1, (room + legend->columnSpacing()) / (widest + legend->columnSpacing()));
        if (columns == legend->wrap()) return;
        legend->setWrap(columns);
        legend->setFillOrder(legend->fillOrder(), true); // rearranges the entries in the new wrap
    });
}

bool savePlot(QCustomPlot* plot, const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == QLatin1String("pdf"))
        ok = plot->savePdf(path);
    else if (suffix == QLatin1String("png"))
        ok = plot->savePng(path, 0, 0, 2.0); // twice the screen resolution: sharp in documents
    else {
        if (error) *error = trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Unknown file type \"%1\": use .png or .pdf")).arg(suffix);
        return false;
    }
    if (!ok && error) *error = trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Could not write %1")).arg(path);
    return ok;
}

QString askSavePath(QWidget* parent, const QString& title, const QString& settingsKey, const QString& fileName,
                    const QString& filter, const QString& suffix) {
    QSettings settings;
    const QString dir = settings.value(settingsKey).toString();
    QString path = QFileDialog::getSaveFileName(parent, title, QDir(dir.isEmpty() ? QDir::homePath() : dir).filePath(fileName),
                                                filter);
    if (path.isEmpty()) return path;
    if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    settings.setValue(settingsKey, QFileInfo(path).absolutePath());
    return path;
}

void installPlotContextMenu(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& pos) {
        QMenu menu(plot);
        const auto save = [plot](const QString& filter, const QString& suffix) {
            const QString path = askSavePath(plot, trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Save plot")), kPlotsDirKey,
                                             plot->objectName() + QLatin1Char('.') + suffix, filter, suffix);
            if (path.isEmpty()) return;
            QString error;
            if (!savePlot(plot, path, &error)) QMessageBox::warning(plot, trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Save plot")), error);
        };
        menu.addAction(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Save as PNG…")), plot, [save] { save(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "PNG image (*.png)")), QStringLiteral("png")); });
        menu.addAction(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Save as PDF…")), plot, [save] { save(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "PDF document (*.pdf)")), QStringLiteral("pdf")); });
        menu.addAction(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Export data as CSV…")), plot, [plot] {
            const QString path = askSavePath(plot, trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Export data as CSV")),
                                             kPlotsDirKey, plot->objectName() + QStringLiteral(".csv"),
                                             trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "CSV files (*.csv)")),
                                             QStringLiteral("csv"));
            if (path.isEmpty()) return;
            QString error;
            if (!writePlotCsv(plot, path, &error))
                QMessageBox::warning(plot, trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Export data as CSV")), error);
        });
        menu.addSeparator();
        QAction* log = menu.addAction(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Logarithmic value axis")));
        log->setCheckable(true);
        log->setChecked(hasLogValueAxis(plot));
        log->setEnabled(hasLogValueAxis(plot) || canUseLogValueAxis(plot)); // values <= 0 have no log
        QObject::connect(log, &QAction::toggled, plot, [plot](bool on) { setLogValueAxis(plot, on); });
        menu.addAction(trPlot(QT_TRANSLATE_NOOP("eqnet::ui::Plot", "Reset view")), plot, [plot] {
            plot->rescaleAxes();
            plot->replot();
        });
        menu.exec(plot->mapToGlobal(pos));
    });
}

QColor seriesColor(int index) {
    static const QColor colors[] = {QColor(0, 114, 178),  QColor(230, 159, 0),  QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(86, 180, 233), QColor(213, 94, 0),
                                    QColor(240, 228, 66),  QColor(0, 0, 0)};
    const int n = int(sizeof(colors) / sizeof(colors[0]));
    return colors[((index % n) + n) % n];
}

} // namespace ui
} // namespace eqnet
