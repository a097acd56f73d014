#pragma once
// The studio's main window: the open run (RunDocument) shown in four tabs (Training, Weights,
// Predictor, Pareto) and the Hardware constraints dock; File (new / open / recent / demo run,
// export), Training (start, pause, stop), View, Settings (language) and Help menus; recent
// runs and window state kept in QSettings.
#include "eqnet/training.h"

#include <QMainWindow>
#include <QDialog>
#include <QPointer>
#include <QStringList>

class QAction;
class QActionGroup;
class QCloseEvent;
class QCustomPlot;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace eqnet {
namespace ui {

class ConstraintsDock;
class ModelTab;
class ParetoTab;
class PredictorTab;
class RunDocument;
class TrainingTab;
class WeightsTab;
class WelcomePage;
struct SubnetChoice;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The tabs, in order.
    enum Page { TrainingPage, WeightsPage, PredictorPage, ParetoPage, ModelPage, PageCount };

    // QSettings keys.
    static constexpr const char* kRecentRunsKey = "recentRuns";
    static constexpr const char* kSessionRunKey = "session/openRun";   // open when the studio quit
    static constexpr const char* kReopenKey = "startup/reopenLastRun"; // Settings > Reopen ...
    static constexpr const char* kGeometryKey = "mainWindow/geometry";
    static constexpr const char* kStateKey = "mainWindow/state";
    static constexpr const char* kPageKey = "mainWindow/page";
    static constexpr int kMaxRecentRuns = 10;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    QTabWidget* tabs() const { return tabs_; }
    QCustomPlot* paretoPlot() const;
    RunDocument* document() const { return doc_; }
    TrainingTab* trainingTab() const { return training_; }
    WeightsTab* weightsTab() const { return weights_; }
    PredictorTab* predictorTab() const { return predictor_; }
    ParetoTab* paretoTab() const { return pareto_; }
    ModelTab* modelTab() const { return model_; }
    ConstraintsDock* constraintsDock() const { return constraints_; }
    // The run folder open now ("" when none).
    QString currentRun() const;
    // Why the last openRun()/createRun() failed.
    QString lastError() const { return lastError_; }

    // Most recent first, at most kMaxRecentRuns, from QSettings.
    static QStringList recentRuns();
    static void clearRecentRuns();

public slots:
    // Opens a run folder: every tab shows it and it joins the recent runs. False (and the
    // reason in the status bar and lastError()) when the folder holds no readable run.
    bool openRun(const QString& folder);
    // On start without a run on the command line: the run open when the studio last quit
    // (not one closed before), when Settings > Reopen the last run on start is on (default)
    // and the folder still holds a run. False when nothing was opened.
    bool reopenLastRun();
    // File > Open run...: asks for a folder, then openRun().
    void chooseRun();
    // File > Open demo run: a writable copy of the shipped demo run.
    bool openDemoRun();
    // File > New run...: the dialog, then createRun(..., true).
    void newRun();
    // Creates a run (run.json) in `folder`, opens it and, when `start`, starts training.
    bool createRun(const QString& folder, const eqnet::TrainConfig& config, bool start);
    // File > Export subnet...: the Export dialog for the subnet selected on the Pareto tab.
    void exportSelected();
    void exportSubnet(const eqnet::ui::SubnetChoice& choice);
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createPages();
    void connectPages();
    void updateRecentRunsMenu();
    void updateActions();
    void rememberRun(const QString& path);
    void saveWindowSettings() const;
    void restoreWindowSettings();
    void setLanguage(const QString& language);

    RunDocument* doc_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QStackedWidget* pages_ = nullptr; // the welcome page or the tabs
    WelcomePage* welcome_ = nullptr;
    TrainingTab* training_ = nullptr;
    WeightsTab* weights_ = nullptr;
    PredictorTab* predictor_ = nullptr;
    ParetoTab* pareto_ = nullptr;
    ModelTab* model_ = nullptr;
    ConstraintsDock* constraints_ = nullptr;
    QLabel* runLabel_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QAction* newRunAction_ = nullptr;
    QAction* openRunAction_ = nullptr;
    QAction* openDemoAction_ = nullptr;
    QAction* closeRunAction_ = nullptr;
    QAction* exportAction_ = nullptr;
    QAction* clearRecentAction_ = nullptr;
    QAction* quitAction_ = nullptr;
    QAction* startAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* stopAction_ = nullptr;
    QAction* aboutAction_ = nullptr;
    QAction* aboutQtAction_ = nullptr;
    QAction* guideAction_ = nullptr;
    QPointer<QDialog> guideWindow_; // Help > User guide, while open
    QActionGroup* languageGroup_ = nullptr;
    QString lastError_;
};

} // namespace ui
} // namespace eqnet
