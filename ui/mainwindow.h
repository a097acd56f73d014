#pragma once
// The studio's main window. For now a frame: menus, the five work areas as tabs (Training,
// Weights, Predictor, Pareto, Export), the recent-runs list and saved window geometry.
#include <QMainWindow>
#include <QStringList>

class QAction;
class QCloseEvent;
class QCustomPlot;
class QLabel;
class QMenu;
class QTabWidget;

namespace eqnet {
namespace ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The tabs, in order.
    enum Tab { TrainingTab, WeightsTab, PredictorTab, ParetoTab, ExportTab, TabCount };

    // QSettings keys.
    static constexpr const char* kRecentRunsKey = "recentRuns";
    static constexpr const char* kGeometryKey = "mainWindow/geometry";
    static constexpr const char* kStateKey = "mainWindow/state";
    static constexpr int kMaxRecentRuns = 10;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    QTabWidget* tabs() const { return tabs_; }
    QCustomPlot* paretoPlot() const { return paretoPlot_; }
    // The run folder opened last ("" when none).
    QString currentRun() const { return currentRun_; }

    // Most recent first, at most kMaxRecentRuns, from QSettings.
    static QStringList recentRuns();
    static void clearRecentRuns();

public slots:
    // Opens a run folder: remembers it in the recent runs and shows it in the status bar.
    // Returns false (and says why in the status bar) when the folder does not exist.
    bool openRun(const QString& folder);
    // File > Open run...: asks for a folder, then openRun().
    void chooseRun();
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createTabs();
    QWidget* createParetoTab();
    void updateRecentRunsMenu();
    void saveWindowSettings() const;
    void restoreWindowSettings();

    QTabWidget* tabs_ = nullptr;
    QCustomPlot* paretoPlot_ = nullptr;
    QLabel* runLabel_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QAction* openRunAction_ = nullptr;
    QAction* clearRecentAction_ = nullptr;
    QAction* quitAction_ = nullptr;
    QAction* aboutAction_ = nullptr;
    QAction* aboutQtAction_ = nullptr;
    QString currentRun_;
};

} // namespace ui
} // namespace eqnet
