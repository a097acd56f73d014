#include "pinned_subnets.h"

#include "bitops_axis.h"
#include "text_format.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace eqnet {
namespace ui {

namespace {

// The rows before the per-layer ones.
enum Row { ProfileRow, SubnetRow, BitopsRow, SizeRow, PredictedRow, ValidationRow, TestRow, MeanWRow, MeanARow, HeadRows };

QString percentText(std::optional<double> fraction) {
    return fraction ? QLocale().toString(*fraction * 100.0, 'f', 2) : QStringLiteral("–");
}

bool samePin(const SubnetChoice& a, const SubnetChoice& b) {
    return a.config == b.config && a.profile.constraints == b.profile.constraints;
}

} // namespace

PinnedSubnets::PinnedSubnets(QWidget* parent) : QWidget(parent) {
    table_ = new QTableWidget(0, 0, this);
    table_->setObjectName(QStringLiteral("pinnedTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectColumns);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    unpinButton_ = new QPushButton(tr("Unpin"), this);
    unpinButton_->setObjectName(QStringLiteral("unpinButton"));
    unpinButton_->setToolTip(tr("Remove the selected column"));
    clearButton_ = new QPushButton(tr("Unpin all"), this);
    clearButton_->setObjectName(QStringLiteral("unpinAllButton"));
    auto* hint = new QLabel(tr("Select a point and press Pin to compare it here. Rows where the pinned subnets "
                               "differ are in bold."),
                            this);
    hint->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(hint, 1);
    bar->addWidget(unpinButton_);
    bar->addWidget(clearButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(table_, 1);
    connect(unpinButton_, &QPushButton::clicked, this, [this] {
        const auto cols = table_->selectionModel()->selectedColumns();
        if (!cols.isEmpty()) unpin(cols.first().column());
    });
    connect(clearButton_, &QPushButton::clicked, this, &PinnedSubnets::clear);
    connect(table_, &QTableWidget::itemSelectionChanged, this, &PinnedSubnets::updateButtons);
    refill();
}

QString PinnedSubnets::pinName(int index) { return QStringLiteral("P%1").arg(index + 1); }

void PinnedSubnets::setLayers(const std::vector<LayerInfo>& layers) {
    layers_ = layers;
    refill();
}

int PinnedSubnets::indexOf(const SubnetChoice& c) const {
    for (size_t i = 0; i < pins_.size(); ++i)
        if (samePin(pins_[i], c)) return int(i);
    return -1;
}

bool PinnedSubnets::pin(const SubnetChoice& c) {
    if (!c.isValid() || indexOf(c) >= 0 || int(pins_.size()) >= kMaxPins) return false;
    pins_.push_back(c);
    refill();
    emit pinsChanged();
    return true;
}

void PinnedSubnets::unpin(int index) {
    if (index < 0 || index >= int(pins_.size())) return;
    pins_.erase(pins_.begin() + index);
    refill();
    emit pinsChanged();
}

void PinnedSubnets::clear() {
    if (pins_.empty()) return;
    pins_.clear();
    refill();
    emit pinsChanged();
}

void PinnedSubnets::setMeasurement(const SubnetConfig& cfg, double validation, std::optional<double> test) {
    bool changed = false;
    for (SubnetChoice& c : pins_)
        if (c.config == cfg) {
            c.validation = validation;
            c.test = test;
            changed = true;
        }
    if (changed) {
        refill();
        emit pinsChanged();
    }
}

std::vector<int> PinnedSubnets::differingRows() const {
    std::vector<int> rows;
    if (table_->columnCount() < 2) return rows;
    for (int r = 0; r < table_->rowCount(); ++r) {
        std::set<QString> texts;
        for (int c = 0; c < table_->columnCount(); ++c)
            texts.insert(table_->item(r, c) ? table_->item(r, c)->text() : QString());
        if (texts.size() > 1) rows.push_back(r);
    }
    return rows;
}

void PinnedSubnets::refill() {
    table_->clear();
    const int cols = int(pins_.size());
    // Per-layer rows only when every pin is of this network (always, within one run).
    bool layered = !layers_.empty();
    for (const SubnetChoice& c : pins_) layered &= c.config.layers.size() == layers_.size();
    table_->setColumnCount(cols);
    table_->setRowCount(HeadRows + (layered ? int(layers_.size()) : 0));
    QStringList rowNames = {tr("Profile"), tr("Subnet"), tr("MBitOps"), tr("Size (KiB)"), tr("Predicted (%)"),
                            tr("Validation (%)"), tr("Test (%)"), tr("Mean weight bits"), tr("Mean activation bits")};
    if (layered)
        for (const LayerInfo& l : layers_) rowNames << tr("%1 (W/A)").arg(QString::fromStdString(l.name));
    table_->setVerticalHeaderLabels(rowNames);
    QStringList headers;
    for (int i = 0; i < cols; ++i) headers << pinName(i);
    table_->setHorizontalHeaderLabels(headers);
    for (int col = 0; col < cols; ++col) {
        const SubnetChoice& c = pins_[size_t(col)];
        QStringList cells = {c.profile.displayName(),
                             c.label.isEmpty() ? tr("searched") : tr("uniform %1").arg(c.label),
                             QLocale().toString(c.cost.bitops / kBitopsPerMega, 'f', 2),
                             QLocale().toString(c.cost.sizeBits / kBitsPerKiB, 'f', 1),
                             c.predicted >= 0 ? QLocale().toString(c.predicted * 100.0, 'f', 2) : QStringLiteral("–"),
                             percentText(c.validation),
                             percentText(c.test),
                             QLocale().toString(c.config.averageWeightBits(), 'f', 2),
                             QLocale().toString(c.config.averageActBits(), 'f', 2)};
        if (layered)
            for (const LayerBits& b : c.config.layers) cells << QStringLiteral("W%1 A%2").arg(b.w).arg(b.a);
        for (int r = 0; r < cells.size(); ++r) {
            auto* item = new QTableWidgetItem(cells[r]);
            item->setTextAlignment(Qt::AlignCenter);
            if (r == ProfileRow) item->setToolTip(formText(c.config.form));
            table_->setItem(r, col, item);
        }
    }
    for (int r : differingRows()) {
        for (int col = 0; col < cols; ++col) {
            QFont f = table_->item(r, col)->font();
            f.setBold(true);
            table_->item(r, col)->setFont(f);
        }
        if (auto* h = table_->verticalHeaderItem(r)) {
            QFont f = table_->font();
            f.setBold(true);
            h->setFont(f);
        }
    }
    updateButtons();
}

void PinnedSubnets::updateButtons() {
    unpinButton_->setEnabled(!table_->selectionModel()->selectedColumns().isEmpty());
    clearButton_->setEnabled(!pins_.empty());
}

} // namespace ui
} // namespace eqnet
