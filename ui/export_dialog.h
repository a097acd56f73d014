#pragma once
// Export dialog: writes one subnet of the open run as a subnet configuration (JSON, with its
// accuracy and provenance) or as an ONNX QDQ model (docs/export.md), through
// eqnet::exportRunSubnet on a JobRunner. Errors show inside the dialog; core writes each file
// atomically, so a failed export leaves any existing file as it was.
#include "subnet_choice.h"

#include <QDialog>
#include <QPointer>
#include <QString>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTableWidget;
class QVBoxLayout;

namespace eqnet {
namespace ui {

class JobRunner;
class RunDocument;

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Format { Json, Onnx };
    // QSettings key of the last format chosen: the next dialog opens with it ("json", "onnx").
    static constexpr const char* kFormatKey = "export/format";

    ExportDialog(RunDocument* doc, const SubnetChoice& choice, QWidget* parent = nullptr);
    ~ExportDialog() override;

    Format format() const { return format_; }
    // Switches the format; the path's .json/.onnx suffix follows, the message of an export in
    // the other format goes, and the choice is remembered for the next dialog. ONNX is
    // refused (false) when this build cannot export it.
    bool setFormat(Format f);
    void setPath(const QString& path);
    QString path() const;
    // <run>/exports/<profile or "subnet">-<MBitOps>mbitops.<json|onnx>
    QString defaultPath(Format f) const;
    // Ask before replacing an existing file (default true); tests turn it off.
    void setConfirmOverwrite(bool confirm) { confirmOverwrite_ = confirm; }

    // Starts the export; false when it could not start (errorText() says why, failed() is
    // emitted). The end is signalled with exported() or failed().
    bool exportNow();
    bool isExporting() const;
    QString errorText() const { return error_; }
    QString messageText() const;

signals:
    void exported(const QString& path);
    void failed(const QString& error);

private:
    void buildSummary(QWidget* parent, QVBoxLayout* layout);
    void setBusy(bool busy);
    void showError(const QString& text);
    void showSuccess(const QString& text);
    void onFinished(const QString& path, bool ok, const QString& error, const QString& message);

    RunDocument* doc_;
    SubnetChoice choice_;
    Format format_ = Format::Json;
    bool confirmOverwrite_ = true;
    bool exportedOnce_ = false;
    QString error_;
    // The runner lives on past the dialog when the dialog is closed during an export (it is
    // deleted once the export ends), so closing never waits for ONNX.
    QPointer<JobRunner> runner_;

    QRadioButton* jsonRadio_;
    QRadioButton* onnxRadio_;
    QLabel* onnxNote_;
    QLineEdit* pathEdit_;
    QPushButton* browseButton_;
    QTableWidget* layersTable_;
    QLabel* message_;
    QProgressBar* busy_;
    QPushButton* exportButton_;
    QPushButton* closeButton_;
};

} // namespace ui
} // namespace eqnet
