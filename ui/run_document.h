#pragma once
// The run folder the studio has open, shared by every tab and dock. Opening reads run.json
// and the folder's listing at once (cheap: no weights), then loads what needs the checkpoint
// (the quantized layers) and the CQAP predictor on a worker thread and says so with loaded().
// Tabs that write into the run (training, fitting, search, export) call refresh() after.
#include "eqnet/cqap.h"
#include "eqnet/run_folder.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace eqnet {
namespace ui {

class JobRunner;

class RunDocument : public QObject {
    Q_OBJECT
public:
    explicit RunDocument(QObject* parent = nullptr);
    ~RunDocument() override;

    // Opens a run folder: false (with the reason in *error) when it holds no readable run.
    // Emits opened() at once and loaded() once the layers and predictor are in.
    bool open(const QString& dir, QString* error = nullptr);
    void close();

    bool isOpen() const { return open_; }
    // True once loaded() has been emitted for the open run.
    bool isLoaded() const { return loaded_; }
    QString dir() const { return dir_; }
    std::string dirPath() const { return dir_.toStdString(); }
    QString name() const;
    const RunSummary& summary() const { return summary_; }
    const TrainConfig& config() const { return summary_.config; }
    // Where jobs on this run compute (Verify, Fit, Export): the device the run was trained
    // on when this build and machine have it, else the CPU.
    std::string computeDevice() const;
    QString modelName() const { return QString::fromStdString(summary_.config.model); }

    // The quantized layers (from the checkpoint); empty before loaded() or without one.
    const std::vector<LayerInfo>& layers() const { return layers_; }
    // The run's CQAP predictor; null when it has none (or it could not be read: loadError()).
    std::shared_ptr<const CqapPredictor> predictor() const { return predictor_; }
    // Why the layers or the predictor could not be loaded ("" when they could).
    QString loadError() const { return loadError_; }

    // Reads the folder's listing again (after a job wrote into it); emits summaryChanged().
    void refresh();
    // Loads the layers and the predictor again (after training or a fit); emits loaded().
    void reload();
    // Waits (processing events) until loaded; for tests. False on timeout.
    bool waitUntilLoaded(int timeoutMs);

signals:
    void opened(const QString& dir);
    void loaded();
    void summaryChanged();
    void closed();

private:
    void startLoad();

    bool open_ = false;
    bool loaded_ = false;
    QString dir_;
    RunSummary summary_;
    std::vector<LayerInfo> layers_;
    std::shared_ptr<const CqapPredictor> predictor_;
    QString loadError_;
    JobRunner* loader_ = nullptr;
    int generation_ = 0; // a load for a run that is no longer open is dropped
};

} // namespace ui
} // namespace eqnet
