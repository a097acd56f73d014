#pragma once
// Every point of the Pareto tab as a sortable table: the searched front, the uniform
// baselines and the stored front's measured points, with their cost, predicted and measured
// accuracy. Clicking a row selects that point; "Export CSV…" writes the table in its current
// order (machine-readable: C-locale numbers, the per-layer bits in the last column).
#include "subnet_choice.h"

#include <QWidget>

#include <vector>

class QPushButton;
class QTableWidget;

namespace eqnet {
namespace ui {

class FrontTable : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Front = 0, Baseline = 1, Stored = 2 };
    struct Row {
        Kind kind;
        int index; // in the tab's list of that kind
        SubnetChoice choice;
    };

    explicit FrontTable(QWidget* parent = nullptr);
    void setRows(std::vector<Row> rows);
    // Highlights the row of (kind, index) without emitting rowChosen; none: clears.
    void showSelection(Kind kind, int index);
    // The table as CSV, in the order shown.
    QString toCsv() const;
    // Writes toCsv() to `path` atomically; false with the reason in *error.
    bool writeCsv(const QString& path, QString* error = nullptr) const;
    QTableWidget* table() const { return table_; }
    int rowCount() const;

signals:
    void rowChosen(int kind, int index);

private:
    void chooseCsvFile();
    QTableWidget* table_ = nullptr;
    QPushButton* csvButton_ = nullptr;
    std::vector<Row> rows_;
    bool filling_ = false;
};

} // namespace ui
} // namespace eqnet
