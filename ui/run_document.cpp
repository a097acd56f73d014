#include "run_document.h"

#include "job_runner.h"

#include "eqnet/cqap_stage.h"
#include "eqnet/run_layout.h"
#include "eqnet/supernet.h"

#include <QDir>
#include <QFileInfo>


namespace eqnet {
namespace ui {

RunDocument::RunDocument(QObject* parent) : QObject(parent), loader_(new JobRunner(this)) {}

RunDocument::~RunDocument() = default;

QString RunDocument::name() const { return QFileInfo(dir_).fileName(); }

bool RunDocument::open(const QString& dir, QString* error) {
    const QString path = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    RunSummary s;
    try {
        s = inspectRun(path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    if (open_) close();
    open_ = true;
    loaded_ = false;
    dir_ = path;
    summary_ = std::move(s);
    layers_.clear();
    predictor_.reset();
    loadError_.clear();
    emit opened(dir_);
    startLoad();
    return true;
}

void RunDocument::close() {
    if (!open_) return;
    ++generation_;
    open_ = false;
    loaded_ = false;
    dir_.clear();
    summary_ = RunSummary();
    layers_.clear();
    predictor_.reset();
    loadError_.clear();
    emit closed();
}

void RunDocument::refresh() {
    if (!open_) return;
    try {
        summary_ = inspectRun(dirPath());
    } catch (const std::exception&) {
        return; // the folder went away under us; keep what we knew
    }
    emit summaryChanged();
}

void RunDocument::reload() {
    if (!open_) return;
    refresh();
    loaded_ = false; // until the new load is in (waitUntilLoaded() waits for it)
    startLoad();
}

std::string RunDocument::computeDevice() const {
    const std::string& d = summary_.config.device;
    return d.rfind("cuda", 0) == 0 && cudaAvailable() ? d : std::string("cpu");
}

void RunDocument::startLoad() {
    const int gen = ++generation_;
    const std::string dir = dirPath();
    const bool hasCheckpoint = summary_.hasCheckpoint;
    const bool hasPredictor = summary_.hasPredictor;
    const std::string device = "cpu"; // only the layer table is read: no need for the GPU's memory
    auto work = [this, gen, dir, hasCheckpoint, hasPredictor, device](JobContext& ctx) {
        std::vector<LayerInfo> layers;
        std::shared_ptr<const CqapPredictor> predictor;
        QString error;
        try {
            if (hasCheckpoint) layers = loadRunSupernet(dir, device).layers();
            if (hasPredictor) {
                auto p = std::make_shared<CqapPredictor>(loadRunPredictor(dir));
                if (!layers.empty()) p->checkLayers(p->model(), layers, cqapPredictorPath(dir));
                predictor = std::move(p);
            }
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        ctx.post([this, gen, layers = std::move(layers), predictor, error]() mutable {
            if (gen != generation_ || !open_) return;
            layers_ = std::move(layers);
            predictor_ = std::move(predictor);
            loadError_ = error;
            loaded_ = true;
            emit loaded();
        });
    };
    if (!loader_->isBusy()) {
        loader_->start(tr("Loading run"), work);
        return;
    }
    // A load is still running: start this one when it ends (its own result is dropped).
    auto* conn = new QMetaObject::Connection;
    *conn = connect(loader_, &JobRunner::finished, this, [this, conn, work, gen] {
        disconnect(*conn);
        delete conn;
        if (gen == generation_) loader_->start(tr("Loading run"), work);
    });
}

bool RunDocument::waitUntilLoaded(int timeoutMs) {
    processEventsUntil([this] { return !open_ || loaded_; }, timeoutMs);
    return loaded_;
}

} // namespace ui
} // namespace eqnet
