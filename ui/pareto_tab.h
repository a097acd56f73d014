#pragma once
// Pareto tab: the predicted accuracy-vs-BitOps front of the open run for the constraints dock's
// hardware profile (searched on a worker thread whenever the run loads or the profile
// changes), the stored front's measured points and the uniform baselines; hover for numbers,
// click to select, a per-layer detail view, Verify (measure the selection) and Export.
#include "front_table.h"
#include "pinned_subnets.h"
#include "subnet_choice.h"

#include "eqnet/front.h"
#include "eqnet/profile.h"

#include <QPoint>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QCPBars;
class QComboBox;
class QTabWidget;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QCPCurve;
class QLabel;
class QMouseEvent;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace eqnet {
class RunSubnetMeter;
namespace ui {

class RunDocument;
class ConstraintsDock;
class JobRunner;
struct JobProgress;

class ParetoTab : public QWidget {
    Q_OBJECT
public:
    explicit ParetoTab(RunDocument* doc, ConstraintsDock* constraints, QWidget* parent = nullptr);
    ~ParetoTab() override;

    QCustomPlot* plot() const { return plot_; }
    QCustomPlot* bitsPlot() const { return bitsPlot_; }
    FrontTable* frontTable() const { return frontTable_; }
    PinnedSubnets* pinnedSubnets() const { return pinned_; }
    QComboBox* overlayCombo() const { return overlayCombo_; }
    QTabWidget* bottomTabs() const { return bottomTabs_; }
    QTableWidget* layerTable() const { return table_; }
    // The searched front (sorted by BitOps), with measurements where known.
    int frontSize() const { return int(front_.size()); }
    std::vector<SubnetChoice> frontPoints() const { return front_; }
    // The uniform baselines W<b>A<b> of the profile (predicted; measured where known).
    std::vector<SubnetChoice> baselines() const { return baselines_; }
    // The stored front's measured points that are not on the searched front.
    std::vector<SubnetChoice> storedPoints() const { return stored_; }
    // The front of the overlay profile (searched with the run's predictor), empty without one.
    std::vector<SubnetChoice> overlayPoints() const { return overlay_; }
    // Overlays the front of another profile ("" removes it); false when no such profile is
    // listed. The search runs on overlayRunner(); overlayFinished() says when it is drawn.
    bool setOverlayProfile(const QString& name);
    JobRunner* overlayRunner() const { return overlayRunner_; }
    // Pins the selection for the side-by-side comparison (the Pin button); a pinned selection
    // is unpinned. False when nothing is selected or kMaxPins are pinned.
    bool togglePinSelected();
    // The profile the shown front was searched for.
    HardwareProfile searchedProfile() const { return profile_; }
    SubnetChoice selectedSubnet() const;
    bool selectPoint(int frontIndex);
    bool selectBaseline(int index);
    JobRunner* searchRunner() const { return searchRunner_; }
    JobRunner* verifyRunner() const { return verifyRunner_; }
    // The status line (errors, search and verify results).
    QString statusText() const;

    // Searches again for `profile` (what the run loading and profileChanged do). When a search
    // runs, it is stopped and this one starts when it ends; only the latest request counts.
    void requestSearch(const HardwareProfile& profile, bool modified);
    // Measures the selection (the Verify button); false when nothing is selected or busy.
    bool verifySelected();
    // Measures the whole front of the shown profile as `eqnet search` does (the Verify front
    // button): searches it again into search/<profile>/front.json, then measures every point
    // and uniform baseline not measured yet, writing each measurement as it is made. Needs an
    // unmodified profile with a file (a shipped or saved one); false when it cannot start.
    bool verifyFront();
    bool canVerifyFront() const;

signals:
    void searchFinished(int points);
    void selectionChanged(const eqnet::ui::SubnetChoice& choice);
    void exportRequested(const eqnet::ui::SubnetChoice& choice);
    // A verification ended: ok with the measured subnet, or the error.
    void verifyFinished(bool ok, const QString& error);
    // The overlay's front was drawn (points: its size) or removed (0), or its search failed.
    void overlayFinished(int points, const QString& error);

private:
    enum class PointKind { None, Front, Baseline, Stored, Overlay, Pinned };
    // The All points table's kinds and the plot's, one to one.
    static FrontTable::Kind tableKindOf(PointKind k);
    static PointKind pointKindOf(FrontTable::Kind k);
    struct PlotRef {
        PointKind kind = PointKind::None;
        int index = -1;
    };

    void onRunLoaded();
    void onRunClosed();
    void onProfileChanged(const HardwareProfile& p);
    void startPendingSearch();
    void fillOverlayProfiles();
    void startOverlaySearch();
    void onSearchProgress(const JobProgress& p);
    void onSearchFinished(const QString& title, bool ok, const QString& error, bool stopped);
    void onVerifyFinished(const QString& title, bool ok, const QString& error, bool stopped);
    void applyMeasurement(const SubnetConfig& cfg, double validation, std::optional<double> test, bool fileUpdated);
    void clearResults();
    void redraw(bool rescale);
    void fillFrontTable();
    // Moves each uniform baseline's label to a side of its marker where it covers no marker,
    // line, legend or other label (label_placement.h); on every layout of the plot.
    void placeBaselineLabels();
    void updateDetail();
    void updateButtons();
    void setStatus(const QString& text, bool error = false);
    const SubnetChoice* choiceAt(const PlotRef& ref) const;
    PlotRef nearestPoint(const QPointF& pixel, double maxDistance, bool* measuredPosition = nullptr) const;
    QString tooltipFor(const SubnetChoice& c) const;
    void onPlotMouseMove(QMouseEvent* event);
    void onPlotMousePress(QMouseEvent* event);
    void onPlotMouseRelease(QMouseEvent* event);
    void select(const PlotRef& ref);

    RunDocument* doc_ = nullptr;
    ConstraintsDock* constraints_ = nullptr;
    JobRunner* searchRunner_ = nullptr;
    JobRunner* verifyRunner_ = nullptr;
    JobRunner* overlayRunner_ = nullptr;
    // The run opened for Verify, kept between measurements (used on the verify job's thread
    // only: the runner runs one job at a time).
    std::shared_ptr<RunSubnetMeter> meter_;

    QCustomPlot* plot_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QCPGraph* frontGraph_ = nullptr;
    QCPGraph* measuredGraph_ = nullptr;
    QCPCurve* errorLines_ = nullptr; // predicted -> measured, one dotted segment per measured point
    QCPGraph* uniformGraph_ = nullptr;
    QCPGraph* uniformMeasuredGraph_ = nullptr;
    QCPGraph* selectionGraph_ = nullptr;
    QCPGraph* overlayGraph_ = nullptr; // another profile's predicted front
    QCPGraph* pinnedGraph_ = nullptr;
    std::vector<QCPItemText*> labels_;
    QCPItemStraightLine* budgetLine_ = nullptr; // the profile's BitOps budget, when it has one
    QCPItemText* budgetLabel_ = nullptr;
    QCustomPlot* bitsPlot_ = nullptr;
    QCPBars* wBars_ = nullptr;
    QCPBars* aBars_ = nullptr;
    QTableWidget* table_ = nullptr;
    FrontTable* frontTable_ = nullptr; // every point, sortable, CSV
    PinnedSubnets* pinned_ = nullptr;  // pinned points side by side
    QTabWidget* bottomTabs_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* status_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* verifyButton_ = nullptr;
    QPushButton* verifyFrontButton_ = nullptr;
    QPushButton* stopVerifyButton_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QPushButton* pinButton_ = nullptr;
    QComboBox* overlayCombo_ = nullptr;

    // The pending search request (only the latest counts).
    bool hasPending_ = false;
    HardwareProfile pendingProfile_;
    bool pendingModified_ = false;
    int requestGeneration_ = 0;

    // What is shown.
    HardwareProfile profile_;
    bool profileModified_ = false;
    std::vector<SubnetChoice> front_;
    std::vector<SubnetChoice> baselines_;
    std::vector<SubnetChoice> stored_; // measured stored-front points the search did not find
    std::vector<SubnetChoice> overlay_; // the overlay profile's front
    QString overlayProfile_;            // the profile overlay_ belongs to ("" none)
    bool overlayPending_ = false;       // a new overlay search waits for the running one
    int overlayGeneration_ = 0;
    bool hasStoredFront_ = false;
    PlotRef selected_;
    QPoint pressPos_;
    bool pressed_ = false;
    SubnetConfig verifying_;
};

} // namespace ui
} // namespace eqnet
