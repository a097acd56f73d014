#pragma once
// File > New run: a training configuration from a preset (the pipeline's "quick" or the
// Fashion-MNIST default), a model (built in, or the user's own FP .onnx file), the data and
// its preprocessing, and the folder the run goes into. Accepting it
// checks everything the core would refuse (an existing run, missing data, a bad name) and
// says so in the dialog; the main window then creates the run and starts training.
#include "eqnet/training.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace eqnet {
namespace ui {

class NewRunDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewRunDialog(QWidget* parent = nullptr);

    // The configuration as filled in.
    TrainConfig config() const;
    // The run's folder: <location>/<name>.
    QString runFolder() const;
    // Why the dialog cannot be accepted as it stands ("" when it can).
    QString problem() const;

    void setPreset(const QString& name);   // "quick" or "fmnist"
    void setLocation(const QString& parentFolder);
    void setRunName(const QString& name);
    void setDataFolder(const QString& folder);
    void setDataFormat(DataFormat format);
    // A built-in name or the path of an FP .onnx file (imported: stage 1 set to 0 epochs).
    void setModel(const QString& model);
    // Input preprocessing, "M" or "M,M,M" ("" = the training images' statistics).
    void setPreprocessing(const QString& mean, const QString& std);

    void accept() override;

private:
    void applyPreset();
    void updateProblem();
    void modelChanged();

    QComboBox* preset_ = nullptr;
    QComboBox* model_ = nullptr;
    QLineEdit* dataDir_ = nullptr;
    QComboBox* dataFormat_ = nullptr;
    QLineEdit* mean_ = nullptr;
    QLineEdit* std_ = nullptr;
    QSpinBox* trainImages_ = nullptr;
    QSpinBox* cropPadding_ = nullptr;
    QCheckBox* hflip_ = nullptr;
    QSpinBox* fpEpochs_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QDoubleSpinBox* lr_ = nullptr;
    QComboBox* guidance_ = nullptr;
    QCheckBox* wdr_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QComboBox* device_ = nullptr;
    QLineEdit* location_ = nullptr;
    QLineEdit* name_ = nullptr;
    QLabel* problem_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
    TrainConfig base_;
};

} // namespace ui
} // namespace eqnet
