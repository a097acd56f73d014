#pragma once
// Predictor tab: how well the run's CQAP accuracy predictor (docs/method.md §5) ranks subnets.
//  - a scatter of predicted vs measured accuracy: the held-out 20 % of the fit, coloured per
//    form, over the other measured samples (light grey) and the y = x diagonal;
//  - the held-out scores (Kendall's tau, RMSE, MAE) of the conditional predictor beside those
//    of the unconditional one (the ablation: is the form condition worth it), and per form;
//  - Fit / Refit: measures the missing samples and fits again (eqnet::runCqapStage) on a
//    JobRunner, with progress, ETA and Stop; the run document then reloads the predictor.
#include "eqnet/cqap.h"
#include "eqnet/cqap_stage.h"

#include <QString>
#include <QVector>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QCustomPlot;
class QCPItemText;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace eqnet {
namespace ui {

class JobRunner;
class RunDocument;
struct JobProgress;

class PredictorTab : public QWidget {
    Q_OBJECT
public:
    explicit PredictorTab(RunDocument* doc, QWidget* parent = nullptr);
    ~PredictorTab() override;

    QCustomPlot* plot() const { return plot_; }
    // Held-out points shown (summed over the per-form graphs).
    int heldOutCount() const;
    // Grey dots: measured samples of this checkpoint that are not in the held-out part.
    int sampleDotCount() const;
    // True once the samples of the current predictor have been read and drawn.
    bool samplesShown() const { return samplesShown_; }
    // The held-out Kendall tau shown for the conditional predictor (NaN when none).
    double shownTau() const { return shownTau_; }
    // The unconditional predictor's held-out tau shown beside it (NaN when none).
    double shownUnconditionalTau() const { return shownUncondTau_; }
    // Runs the fit jobs.
    JobRunner* runner() const { return runner_; }
    // What a fit would run with (the options form); false with *error for an invalid form.
    bool fitOptions(CqapStageOptions* out, QString* error = nullptr) const;
    // Starts sampling the missing subnets and fitting again (always refits, even when the
    // samples and options are unchanged); false when it cannot start (reason in the status).
    bool startFit();
    QString statusText() const;

signals:
    // The samples and scores of the current predictor are on screen.
    void samplesReady();
    // A fit ended (stopped: a stop was requested; ok is false then).
    void fitFinished(bool ok, bool stopped, const QString& error);

private:
    void fitTables(); // widens the side panel to its tables
    void onOpened();
    void onLoaded();
    void onClosed();
    void showPredictor();
    void clearPlot(const QString& placeholder);
    void loadSamples();
    void applySamples(int generation, const std::vector<SubnetConfig>& configs,
                      const std::vector<double>& measured, const std::vector<double>& predicted,
                      std::shared_ptr<const CqapPredictor> unconditional, int totalSamples, const QString& error);
    void updateScoreTables();
    void updateFitButton();
    void onFitProgress(const JobProgress& p);
    void onFitFinished(bool ok, const QString& error, bool stopped);
    void setStatus(const QString& text, bool error = false);
    void rescaleEqual(double lo, double hi);

    RunDocument* doc_;
    JobRunner* runner_;        // fitting
    JobRunner* samplesRunner_; // reading and predicting the samples file
    int generation_ = 0;
    bool reloadPending_ = false;
    bool defaultsFromPredictor_ = false;

    QCustomPlot* plot_;
    QCPItemText* placeholder_ = nullptr;
    QTableWidget* scoresTable_;
    QWidget* side_;                  // the scores and the fit form, right of the plot
    QTableWidget* perFormTable_;
    QLabel* perFormNote_;             // the caveat under per-form taus from few subnets
    static constexpr int kFewHeldOut = 10; // fewer held-out subnets of a form: its tau is marked
    QLabel* samplesLabel_;
    QSpinBox* perForm_;
    QSpinBox* valImages_;
    QLineEdit* hidden_;
    QSpinBox* seed_;
    QSpinBox* maxEpochs_;
    QSpinBox* ensemble_;
    QPushButton* fitButton_;
    QPushButton* stopButton_;
    QProgressBar* progress_;
    QLabel* eta_;
    QLabel* status_;

    std::shared_ptr<const CqapPredictor> predictor_;
    std::shared_ptr<const CqapPredictor> unconditional_;
    CqapStageOptions baseOptions_; // sampling settings of the run (pipeline.json or defaults)
    bool samplesShown_ = false;
    double shownTau_;
    double shownUncondTau_;
};

} // namespace ui
} // namespace eqnet
