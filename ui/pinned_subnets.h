#pragma once
// Pinned subnets side by side: the Pareto tab's Pin button keeps a point (a front point, a
// uniform baseline, a measured point; of any profile searched since), and this table shows
// every pinned subnet as a column: its profile, cost, predicted and measured accuracy, mean
// bits, and each layer's weight/activation bits. Rows where the pinned subnets differ are
// marked, so the layers that buy the accuracy (or the BitOps) stand out. Pins outlive a
// constraint edit; they are dropped with the run.
#include "subnet_choice.h"

#include "eqnet/quant_types.h"

#include <QWidget>

#include <optional>
#include <vector>

class QPushButton;
class QTableWidget;

namespace eqnet {
namespace ui {

class PinnedSubnets : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxPins = 8;

    explicit PinnedSubnets(QWidget* parent = nullptr);

    // The network's layers (their names head the per-layer rows).
    void setLayers(const std::vector<LayerInfo>& layers);
    // Pins `c`: false when it is invalid, already pinned (same subnet, same profile
    // constraints) or kMaxPins are pinned.
    bool pin(const SubnetChoice& c);
    // Index of the pin of `c` (same subnet and profile constraints); -1 when not pinned.
    int indexOf(const SubnetChoice& c) const;
    void unpin(int index);
    void clear();
    // A subnet was measured: every pin of that configuration takes the figures.
    void setMeasurement(const SubnetConfig& cfg, double validation, std::optional<double> test);
    const std::vector<SubnetChoice>& pins() const { return pins_; }
    // "P1", "P2", … by position.
    static QString pinName(int index);
    QTableWidget* table() const { return table_; }
    // Rows whose cells differ between the pins (with at least two pins).
    std::vector<int> differingRows() const;

signals:
    void pinsChanged();

private:
    void refill();
    void updateButtons();

    std::vector<LayerInfo> layers_;
    std::vector<SubnetChoice> pins_;
    QTableWidget* table_ = nullptr;
    QPushButton* unpinButton_ = nullptr;
    QPushButton* clearButton_ = nullptr;
};

} // namespace ui
} // namespace eqnet
