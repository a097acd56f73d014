#include "export_dialog.h"

#include "job_runner.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/cost_model.h"
#include "eqnet/onnx_export.h"
#include "eqnet/export_stage.h"
#include "eqnet/profile.h"

#include <QButtonGroup>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace eqnet {
namespace ui {

namespace {


QString suffixOf(ExportDialog::Format f) {
    return f == ExportDialog::Format::Onnx ? QStringLiteral("onnx") : QStringLiteral("json");
}

// What the worker hands back.
struct ExportOutcome {
    QString path;
    QString message;
};

} // namespace

ExportDialog::ExportDialog(RunDocument* doc, const SubnetChoice& choice, QWidget* parent)
    : QDialog(parent), doc_(doc), choice_(choice) {
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export subnet"));
    if (choice_.cost.bitops <= 0 && doc_ && !doc_->layers().empty() &&
        doc_->layers().size() == choice_.config.layers.size())
        choice_.cost = subnetCost(doc_->layers(), choice_.config);

    auto* layout = new QVBoxLayout(this);

    // Format.
    auto* formatBox = new QGroupBox(tr("Format"), this);
    auto* formatLayout = new QVBoxLayout(formatBox);
    jsonRadio_ = new QRadioButton(tr("Subnet configuration (JSON): bit-widths, form, accuracy and provenance"), formatBox);
    jsonRadio_->setObjectName(QStringLiteral("formatJson"));
    onnxRadio_ = new QRadioButton(tr("ONNX model (QDQ): the quantized network, ready for ONNX Runtime"), formatBox);
    onnxRadio_->setObjectName(QStringLiteral("formatOnnx"));
    onnxNote_ = new QLabel(formatBox);
    onnxNote_->setObjectName(QStringLiteral("onnxNote"));
    onnxNote_->setWordWrap(true);
    jsonRadio_->setChecked(true);
    if (!onnxExportAvailable()) {
        onnxRadio_->setEnabled(false);
        onnxNote_->setText(tr("ONNX export is not available: this build was made without the ONNX library "
                              "(libonnx-dev). Rebuild with it to export models."));
    } else {
        onnxNote_->setText(tr("Exporting ONNX re-estimates batch-norm statistics for this subnet and "
                              "takes a few seconds."));
    }
    auto* group = new QButtonGroup(this);
    group->addButton(jsonRadio_);
    group->addButton(onnxRadio_);
    formatLayout->addWidget(jsonRadio_);
    formatLayout->addWidget(onnxRadio_);
    formatLayout->addWidget(onnxNote_);
    layout->addWidget(formatBox);

    // Path.
    auto* pathRow = new QHBoxLayout;
    pathEdit_ = new QLineEdit(defaultPath(Format::Json), this);
    pathEdit_->setObjectName(QStringLiteral("pathEdit"));
    pathEdit_->setMinimumWidth(420);
    browseButton_ = new QPushButton(tr("Browse…"), this);
    browseButton_->setObjectName(QStringLiteral("browseButton"));
    pathRow->addWidget(new QLabel(tr("File:"), this));
    pathRow->addWidget(pathEdit_, 1);
    pathRow->addWidget(browseButton_);
    layout->addLayout(pathRow);

    buildSummary(this, layout);

    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("messageLabel"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(message_);
    busy_ = new QProgressBar(this);
    busy_->setObjectName(QStringLiteral("busyIndicator"));
    busy_->setRange(0, 0);
    busy_->setTextVisible(false);
    busy_->setVisible(false);
    layout->addWidget(busy_);

    auto* buttons = new QDialogButtonBox(this);
    exportButton_ = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    exportButton_->setObjectName(QStringLiteral("exportButton"));
    exportButton_->setDefault(true);
    closeButton_ = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
    closeButton_->setObjectName(QStringLiteral("closeButton"));
    layout->addWidget(buttons);

    // The format chosen last time (only after the widgets exist: setFormat updates them).
    if (QSettings().value(QLatin1String(kFormatKey)).toString() == suffixOf(Format::Onnx)) setFormat(Format::Onnx);

    connect(jsonRadio_, &QRadioButton::toggled, this, [this](bool on) {
        if (on) setFormat(Format::Json);
    });
    connect(onnxRadio_, &QRadioButton::toggled, this, [this](bool on) {
        if (on) setFormat(Format::Onnx);
    });
    connect(browseButton_, &QPushButton::clicked, this, [this] {
        const QString filter = format_ == Format::Onnx ? tr("ONNX models (*.onnx)") : tr("Subnet configurations (*.json)");
        QString chosen = QFileDialog::getSaveFileName(this, tr("Export subnet"), path(), filter, nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
        if (chosen.isEmpty()) return;
        if (QFileInfo(chosen).suffix().isEmpty()) chosen += QLatin1Char('.') + suffixOf(format_);
        setPath(chosen);
    });
    connect(exportButton_, &QPushButton::clicked, this, [this] { exportNow(); });
    connect(closeButton_, &QPushButton::clicked, this, &QDialog::reject);
    if (!choice_.isValid()) {
        exportButton_->setEnabled(false);
        showError(tr("No subnet chosen: pick a point of the Pareto front first."));
    }
}

ExportDialog::~ExportDialog() {
    if (runner_ && runner_->isBusy()) {
        // The export goes on (each file is written atomically); its runner goes once it ends.
        JobRunner* r = runner_;
        connect(r, &JobRunner::finished, r, &QObject::deleteLater);
    } else if (runner_) {
        delete runner_.data();
    }
}

void ExportDialog::buildSummary(QWidget* parent, QVBoxLayout* layout) {
    auto* box = new QGroupBox(tr("Subnet"), parent);
    auto* row = new QHBoxLayout(box);

    const SubnetConfig& cfg = choice_.config;
    const std::vector<LayerInfo> layers = doc_ ? doc_->layers() : std::vector<LayerInfo>();
    layersTable_ = new QTableWidget(int(cfg.layers.size()), 3, box);
    layersTable_->setObjectName(QStringLiteral("layersTable"));
    layersTable_->setHorizontalHeaderLabels({tr("Layer"), tr("Weight bits"), tr("Activation bits")});
    layersTable_->verticalHeader()->setVisible(false);
    layersTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layersTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int i = 0; i < int(cfg.layers.size()); ++i) {
        const QString name = i < int(layers.size()) && layers.size() == cfg.layers.size()
                                 ? QString::fromStdString(layers[size_t(i)].name)
                                 : tr("layer %1").arg(i + 1);
        auto* n = new QTableWidgetItem(name);
        if (i < int(layers.size()) && layers[size_t(i)].fixedBits)
            n->setToolTip(tr("The first and the last layer always run at 8/8 bits"));
        layersTable_->setItem(i, 0, n);
        for (int c = 1; c <= 2; ++c) {
            auto* item = new QTableWidgetItem(QString::number(c == 1 ? cfg.layers[size_t(i)].w : cfg.layers[size_t(i)].a));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            layersTable_->setItem(i, c, item);
        }
    }
    row->addWidget(layersTable_, 1);

    auto* form = new QFormLayout;
    const auto add = [&](const QString& label, const QString& value, const char* objectName) {
        auto* v = new QLabel(value, box);
        v->setObjectName(QLatin1String(objectName));
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->setWordWrap(true);
        form->addRow(label, v);
    };
    const QString none = tr("–");
    if (doc_) add(tr("Model:"), doc_->modelName(), "modelValue");
    add(tr("Form:"),
        choice_.isValid() ? QStringLiteral("%1 (%2)")
                                .arg(QString::fromStdString(formName(cfg.form)),
                                     formText(cfg.form))
                          : none,
        "formValue");
    add(tr("Profile:"), choice_.profile.name.isEmpty() ? none : choice_.profile.displayName(), "profileValue");
    if (!choice_.label.isEmpty()) add(tr("Uniform:"), choice_.label, "labelValue");
    add(tr("BitOps:"), choice_.cost.bitops > 0 ? QString::fromStdString(formatBitops(choice_.cost.bitops)) : none,
        "bitopsValue");
    add(tr("Size:"), choice_.cost.sizeBits > 0 ? QString::fromStdString(formatSizeBits(choice_.cost.sizeBits)) : none,
        "sizeValue");
    add(tr("Mean bits:"),
        choice_.isValid() ? tr("weights %1, activations %2")
                                .arg(cfg.averageWeightBits(), 0, 'f', 2)
                                .arg(cfg.averageActBits(), 0, 'f', 2)
                          : none,
        "meanBitsValue");
    add(tr("Predicted accuracy:"), choice_.predicted >= 0 ? formatPercent(choice_.predicted) : none, "predictedValue");
    add(tr("Validation accuracy:"), choice_.validation ? formatPercent(*choice_.validation) : tr("not measured"),
        "validationValue");
    add(tr("Test accuracy:"), choice_.test ? formatPercent(*choice_.test) : tr("not measured"), "testValue");
    row->addLayout(form, 1);
    layout->addWidget(box, 1);
}

QString ExportDialog::defaultPath(Format f) const {
    QString base = choice_.profile.name.isEmpty() ? QStringLiteral("subnet") : choice_.profile.fileStem();
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    const qint64 mbitops = qRound64(choice_.cost.bitops / 1e6);
    const QString name = QStringLiteral("%1-%2mbitops.%3").arg(base).arg(mbitops).arg(suffixOf(f));
    const QString dir = doc_ && doc_->isOpen() ? doc_->dir() : QDir::homePath();
    return QDir(dir).filePath(QStringLiteral("exports/") + name);
}

bool ExportDialog::setFormat(Format f) {
    if (f == Format::Onnx && !onnxExportAvailable()) return false;
    const Format old = format_;
    format_ = f;
    QRadioButton* radio = f == Format::Onnx ? onnxRadio_ : jsonRadio_;
    if (!radio->isChecked()) radio->setChecked(true); // re-enters with the same format
    if (old != f) {
        QSettings().setValue(QLatin1String(kFormatKey), suffixOf(f));
        // What was said about the other format (its success, its error) no longer applies.
        if (!isExporting()) {
            error_.clear();
            message_->clear();
            exportButton_->setText(tr("Export"));
        }
        QString p = pathEdit_->text().trimmed();
        const QString oldSuffix = QLatin1Char('.') + suffixOf(old);
        if (p.endsWith(oldSuffix, Qt::CaseInsensitive))
            p = p.left(p.size() - oldSuffix.size()) + QLatin1Char('.') + suffixOf(f);
        else if (QFileInfo(p).suffix().isEmpty() && !p.isEmpty())
            p += QLatin1Char('.') + suffixOf(f);
        pathEdit_->setText(p);
    }
    return true;
}

void ExportDialog::setPath(const QString& p) { pathEdit_->setText(p); }

QString ExportDialog::path() const {
    const QString p = pathEdit_->text().trimmed();
    if (p.isEmpty()) return p;
    // A relative path is relative to the run folder.
    const QString base = doc_ && doc_->isOpen() ? doc_->dir() : QDir::currentPath();
    return QDir::cleanPath(QDir(base).absoluteFilePath(p));
}

bool ExportDialog::isExporting() const { return runner_ && runner_->isBusy(); }

QString ExportDialog::messageText() const { return message_->text(); }

namespace {
// A longer message (wrapped over more lines) must not squeeze the summary: grow the dialog.
void growToFit(QDialog* dialog) {
    QLayout* layout = dialog->layout();
    if (!layout) return;
    layout->activate();
    const int needed = layout->hasHeightForWidth() ? layout->totalHeightForWidth(dialog->width())
                                                   : layout->totalSizeHint().height();
    if (needed > dialog->height()) dialog->resize(dialog->width(), needed);
}
} // namespace

void ExportDialog::showError(const QString& text) {
    error_ = text;
    setErrorStyle(message_, true);
    message_->setText(text);
    growToFit(this);
}

void ExportDialog::showSuccess(const QString& text) {
    error_.clear();
    setErrorStyle(message_, false);
    message_->setText(text);
    growToFit(this);
}

void ExportDialog::setBusy(bool busy) {
    busy_->setVisible(busy);
    exportButton_->setEnabled(!busy && choice_.isValid());
    browseButton_->setEnabled(!busy);
    pathEdit_->setEnabled(!busy);
    jsonRadio_->setEnabled(!busy);
    onnxRadio_->setEnabled(!busy && onnxExportAvailable());
    closeButton_->setText(busy ? tr("Close (export goes on)") : tr("Close"));
}

bool ExportDialog::exportNow() {
    const auto refuse = [this](const QString& text) {
        showError(text);
        emit failed(text);
        return false;
    };
    if (isExporting()) return false;
    if (!doc_ || !doc_->isOpen()) return refuse(tr("No run is open."));
    if (!choice_.isValid()) return refuse(tr("No subnet chosen: pick a point of the Pareto front first."));
    const QString target = path();
    if (target.isEmpty()) return refuse(tr("Choose a file to export to."));
    const QFileInfo info(target);
    if (info.isDir()) return refuse(tr("%1 is a folder; give a file name inside it.").arg(target));
    // The nearest existing folder above the file must be a folder, not a file.
    QStringList created; // folders the export would create, deepest last
    QFileInfo up(info.absolutePath());
    while (!up.exists() && !up.isRoot()) {
        created.prepend(up.absoluteFilePath());
        up = QFileInfo(up.absolutePath());
    }
    if (up.exists() && !up.isDir())
        return refuse(tr("Cannot export to %1: %2 is a file, not a folder.").arg(target, up.absoluteFilePath()));
    if (info.exists() && confirmOverwrite_) {
        const auto answer = QMessageBox::question(this, tr("Replace file?"),
                                                  tr("%1 already exists. Replace it?").arg(target),
                                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) return false;
    }

    SubnetExportOptions opt;
    (format_ == Format::Onnx ? opt.onnxPath : opt.jsonPath) = target.toStdString();
    opt.profile = choice_.profile.recordedName();
    opt.profileFile = choice_.profile.file.toStdString();
    opt.constraints = choice_.profile.constraints;
    opt.predicted = choice_.predicted;
    opt.validation = choice_.validation.value_or(-1);
    opt.test = choice_.test.value_or(-1);
    opt.device = doc_->computeDevice();
    const std::string dir = doc_->dirPath();
    const SubnetConfig cfg = choice_.config;
    const bool onnx = format_ == Format::Onnx;
    const bool partExisted = QFileInfo::exists(target + QLatin1String(kPartialFileSuffix));

    if (!runner_) runner_ = new JobRunner(QCoreApplication::instance());
    auto outcome = std::make_shared<ExportOutcome>();
    outcome->path = target;
    const bool started = runner_->start(tr("Exporting subnet"), [dir, cfg, opt, onnx, outcome](JobContext&) {
        const SubnetExportResult r = exportRunSubnet(dir, cfg, opt);
        const QString p = QString::fromStdString(onnx ? r.onnxPath : r.jsonPath);
        if (onnx) {
            outcome->message =
                QCoreApplication::translate("eqnet::ui::ExportDialog",
                                            "Exported the ONNX model to %1: %2 nodes (%3 QuantizeLinear, "
                                            "%4 DequantizeLinear), %5.")
                    .arg(p)
                    .arg(r.onnx.nodes)
                    .arg(r.onnx.quantizeNodes)
                    .arg(r.onnx.dequantizeNodes)
                    .arg(QLocale().formattedDataSize(r.onnx.fileBytes));
        } else {
            outcome->message =
                QCoreApplication::translate("eqnet::ui::ExportDialog", "Exported the subnet configuration to %1.").arg(p);
        }
    });
    if (!started) return refuse(tr("Another export is still running."));
    connect(
        runner_, &JobRunner::finished, this,
        [this, outcome, target, partExisted, created](const QString&, bool ok, const QString& error, bool) {
            if (!ok) {
                // Core writes atomically and cleans up; make sure nothing is left regardless.
                const QString part = target + QLatin1String(kPartialFileSuffix);
                if (!partExisted && QFileInfo::exists(part)) QFile::remove(part);
                for (auto it = created.crbegin(); it != created.crend(); ++it) QDir().rmdir(*it); // only if empty
            }
            onFinished(target, ok, error, outcome->message);
        },
        Qt::SingleShotConnection);
    showSuccess(onnx ? tr("Exporting the ONNX model (re-estimating batch norm for this subnet)…")
                     : tr("Exporting the subnet configuration…"));
    setBusy(true);
    return true;
}

void ExportDialog::onFinished(const QString& path, bool ok, const QString& error, const QString& message) {
    setBusy(false);
    if (!ok) {
        showError(tr("Export failed: %1").arg(error));
        emit failed(error_);
        return;
    }
    exportedOnce_ = true;
    showSuccess(message);
    exportButton_->setText(tr("Export again"));
    if (doc_ && doc_->isOpen()) doc_->refresh(); // the run's exports listing
    emit exported(path);
}

} // namespace ui
} // namespace eqnet
