#include "front_table.h"

#include "bitops_axis.h"
#include "plot_utils.h"
#include "text_format.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace eqnet {
namespace ui {

namespace {

constexpr int kRowRole = Qt::UserRole;       // index into rows_
constexpr int kSortRole = Qt::UserRole + 1;  // the number a column sorts by

enum Column { KindCol, SubnetCol, BitopsCol, SizeCol, PredictedCol, ValidationCol, TestCol, ColumnCount };

// Sorts by kSortRole as a number (missing values last in ascending order), else by text.
class Item : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override {
        const QVariant a = data(kSortRole), b = other.data(kSortRole);
        if (a.isValid() && b.isValid()) return a.toDouble() < b.toDouble();
        return QTableWidgetItem::operator<(other);
    }
};

QString kindText(FrontTable::Kind k) {
    switch (k) {
    case FrontTable::Kind::Front:
        return FrontTable::tr("front");
    case FrontTable::Kind::Baseline:
        return FrontTable::tr("uniform");
    case FrontTable::Kind::Stored:
        break;
    }
    return FrontTable::tr("measured, off the front");
}

const char* kindKey(FrontTable::Kind k) {
    return k == FrontTable::Kind::Front ? "front" : k == FrontTable::Kind::Baseline ? "uniform" : "measured";
}

void meanBits(const SubnetConfig& cfg, double& w, double& a) {
    w = a = 0;
    for (const LayerBits& b : cfg.layers) {
        w += b.w;
        a += b.a;
    }
    if (!cfg.layers.empty()) {
        w /= double(cfg.layers.size());
        a /= double(cfg.layers.size());
    }
}

QString subnetText(const SubnetChoice& c) {
    if (!c.label.isEmpty()) return c.label;
    double w, a;
    meanBits(c.config, w, a);
    return FrontTable::tr("mixed, mean W%1 A%2").arg(QLocale().toString(w, 'f', 2), QLocale().toString(a, 'f', 2));
}

// A percentage with two decimals, or nothing (sorted after every value in ascending order).
Item* percentItem(std::optional<double> fraction) {
    auto* it = new Item(fraction ? QLocale().toString(*fraction * 100.0, 'f', 2) : QString());
    it->setData(kSortRole, fraction ? *fraction * 100.0 : std::numeric_limits<double>::infinity());
    it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return it;
}

Item* numberItem(double value, int decimals) {
    auto* it = new Item(QLocale().toString(value, 'f', decimals));
    it->setData(kSortRole, value);
    it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return it;
}

QString csvNumber(std::optional<double> v, int decimals) {
    return v ? QString::number(*v, 'f', decimals) : QString();
}

} // namespace

FrontTable::FrontTable(QWidget* parent) : QWidget(parent) {
    table_ = new QTableWidget(0, ColumnCount, this);
    table_->setObjectName(QStringLiteral("frontTable"));
    table_->setHorizontalHeaderLabels({tr("Kind"), tr("Subnet"), tr("MBitOps"), tr("Size (KiB)"),
                                       tr("Predicted (%)"), tr("Validation (%)"), tr("Test (%)")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSortingEnabled(true);
    table_->sortByColumn(BitopsCol, Qt::AscendingOrder);
    csvButton_ = new QPushButton(tr("Export CSV…"), this);
    csvButton_->setObjectName(QStringLiteral("frontCsvButton"));
    csvButton_->setToolTip(tr("Write the table, in the order shown, as a CSV file"));
    auto* hint = new QLabel(tr("Click a column header to sort; click a row to select its point."), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(hint, 1);
    bar->addWidget(csvButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(table_, 1);
    connect(csvButton_, &QPushButton::clicked, this, &FrontTable::chooseCsvFile);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        if (filling_) return;
        const auto selected = table_->selectedItems();
        if (selected.isEmpty()) return;
        const int r = selected.first()->data(kRowRole).toInt();
        if (r >= 0 && r < int(rows_.size())) emit rowChosen(int(rows_[size_t(r)].kind), rows_[size_t(r)].index);
    });
    csvButton_->setEnabled(false);
}

int FrontTable::rowCount() const { return table_->rowCount(); }

void FrontTable::setRows(std::vector<Row> rows) {
    rows_ = std::move(rows);
    filling_ = true;
    const int sortColumn = table_->horizontalHeader()->sortIndicatorSection();
    const Qt::SortOrder order = table_->horizontalHeader()->sortIndicatorOrder();
    table_->setSortingEnabled(false); // rows would move while they are filled
    table_->clearContents();
    table_->setRowCount(int(rows_.size()));
    for (int r = 0; r < int(rows_.size()); ++r) {
        const Row& row = rows_[size_t(r)];
        const SubnetChoice& c = row.choice;
        auto* kind = new Item(kindText(row.kind));
        kind->setData(kRowRole, r);
        table_->setItem(r, KindCol, kind);
        auto* subnet = new Item(subnetText(c));
        subnet->setData(kRowRole, r);
        table_->setItem(r, SubnetCol, subnet);
        table_->setItem(r, BitopsCol, numberItem(c.cost.bitops / kBitopsPerMega, 2));
        table_->setItem(r, SizeCol, numberItem(c.cost.sizeBits / kBitsPerKiB, 1));
        table_->setItem(r, PredictedCol, percentItem(c.predicted >= 0 ? std::optional<double>(c.predicted) : std::nullopt));
        table_->setItem(r, ValidationCol, percentItem(c.validation));
        table_->setItem(r, TestCol, percentItem(c.test));
        for (int col = BitopsCol; col < ColumnCount; ++col) table_->item(r, col)->setData(kRowRole, r);
    }
    table_->setSortingEnabled(true);
    table_->sortByColumn(sortColumn, order);
    filling_ = false;
    csvButton_->setEnabled(!rows_.empty());
}

void FrontTable::showSelection(Kind kind, int index) {
    filling_ = true;
    table_->clearSelection();
    for (int r = 0; r < table_->rowCount(); ++r) {
        const int i = table_->item(r, KindCol)->data(kRowRole).toInt();
        if (rows_[size_t(i)].kind == kind && rows_[size_t(i)].index == index) {
            table_->selectRow(r);
            table_->scrollToItem(table_->item(r, KindCol));
            break;
        }
    }
    filling_ = false;
}

QString FrontTable::toCsv() const {
    QString out = QStringLiteral("kind,subnet,mbitops,size_kib,predicted_pct,validation_pct,test_pct,layers_w_a\n");
    for (int r = 0; r < table_->rowCount(); ++r) {
        const Row& row = rows_[size_t(table_->item(r, KindCol)->data(kRowRole).toInt())];
        const SubnetChoice& c = row.choice;
        QStringList layers;
        for (const LayerBits& b : c.config.layers) layers << QStringLiteral("%1/%2").arg(b.w).arg(b.a);
        double w, a;
        meanBits(c.config, w, a);
        const QString subnet = c.label.isEmpty() ? QStringLiteral("mixed W%1 A%2").arg(w, 0, 'f', 2).arg(a, 0, 'f', 2) : c.label;
        const auto pct = [](std::optional<double> f) { return f ? std::optional<double>(*f * 100.0) : std::nullopt; };
        out += QStringList{QLatin1String(kindKey(row.kind)), csvField(subnet), QString::number(c.cost.bitops / kBitopsPerMega, 'f', 4),
                           QString::number(c.cost.sizeBits / kBitsPerKiB, 'f', 3),
                           csvNumber(c.predicted >= 0 ? std::optional<double>(c.predicted * 100.0) : std::nullopt, 4),
                           csvNumber(pct(c.validation), 4), csvNumber(pct(c.test), 4), layers.join(QLatin1Char(' '))}
                   .join(QLatin1Char(','));
        out += QLatin1Char('\n');
    }
    return out;
}

bool FrontTable::writeCsv(const QString& path, QString* error) const {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text) || f.write(toCsv().toUtf8()) < 0 || !f.commit()) {
        if (error) *error = tr("Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

void FrontTable::chooseCsvFile() {
    const QString path = askSavePath(this, tr("Export CSV"), QStringLiteral("frontTable/lastDir"),
                                     QStringLiteral("front.csv"), tr("CSV files (*.csv)"), QStringLiteral("csv"));
    if (path.isEmpty()) return;
    QString error;
    if (!writeCsv(path, &error)) QMessageBox::warning(this, tr("Export CSV"), error);
}

} // namespace ui
} // namespace eqnet
