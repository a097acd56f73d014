#include "new_run_dialog.h"

#include "text_format.h"

#include "eqnet/pipeline.h"
#include "eqnet/run_layout.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

namespace eqnet {
namespace ui {

namespace {

QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const QString& caption) {
    auto* row = new QWidget(parent);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(edit, 1);
    auto* browse = new QToolButton(row);
    browse->setText(NewRunDialog::tr("Browse…"));
    h->addWidget(browse);
    QObject::connect(browse, &QToolButton::clicked, row, [edit, parent, caption] {
        const QString dir = QFileDialog::getExistingDirectory(parent, caption, edit->text());
        if (!dir.isEmpty()) edit->setText(QDir::toNativeSeparators(dir));
    });
    return row;
}

} // namespace

NewRunDialog::NewRunDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("newRunDialog"));
    setWindowTitle(tr("New run"));
    auto* form = new QFormLayout;

    preset_ = new QComboBox(this);
    preset_->setObjectName(QStringLiteral("presetCombo"));
    preset_->addItem(tr("Quick (about 2 minutes of training on 2 cores)"), QStringLiteral("quick"));
    preset_->addItem(tr("Fashion-MNIST default (about 15 minutes of training on 2 cores)"), QStringLiteral("fmnist"));
    preset_->setToolTip(tr("The same settings as eqnet pipeline --preset; every field below can be changed"));
    form->addRow(tr("&Preset:"), preset_);

    model_ = new QComboBox(this);
    model_->setObjectName(QStringLiteral("modelCombo"));
    model_->setEditable(true); // a built-in name, or the path of an FP .onnx file
    for (const auto& m : modelNames()) model_->addItem(QString::fromStdString(m));
    model_->setToolTip(tr("A built-in network, or your own trained network as an FP ONNX file "
                          "(docs/user-guide.md, \"Your own model\")"));
    {
        auto* row = new QWidget(this);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(model_, 1);
        auto* browse = new QToolButton(row);
        browse->setObjectName(QStringLiteral("modelBrowse"));
        browse->setText(tr("ONNX file…"));
        h->addWidget(browse);
        connect(browse, &QToolButton::clicked, this, [this] {
            const QString file = QFileDialog::getOpenFileName(this, tr("Your FP network"), QString(),
                                                              tr("ONNX models (*.onnx)"));
            if (!file.isEmpty()) setModel(QDir::toNativeSeparators(file));
        });
        form->addRow(tr("&Model:"), row);
    }

    dataDir_ = new QLineEdit(this);
    dataDir_->setObjectName(QStringLiteral("dataDirEdit"));
    form->addRow(tr("&Data folder:"), withBrowse(dataDir_, this, tr("Data folder")));
    dataFormat_ = new QComboBox(this);
    dataFormat_->setObjectName(QStringLiteral("dataFormatCombo"));
    dataFormat_->addItem(tr("Detect (IDX, CIFAR-10 or image folder)"), int(DataFormat::Auto));
    dataFormat_->addItem(tr("IDX (MNIST, Fashion-MNIST)"), int(DataFormat::Idx));
    dataFormat_->addItem(tr("CIFAR-10 binary"), int(DataFormat::Cifar10));
    dataFormat_->addItem(tr("Image folder (train/<class>/*.png, *.jpg)"), int(DataFormat::Folder));
    dataFormat_->addItem(tr("Synthetic (for trying things out)"), int(DataFormat::Synthetic));
    form->addRow(tr("Data &format:"), dataFormat_);
    mean_ = new QLineEdit(this);
    mean_->setObjectName(QStringLiteral("meanEdit"));
    std_ = new QLineEdit(this);
    std_->setObjectName(QStringLiteral("stdEdit"));
    for (QLineEdit* e : {mean_, std_})
        e->setPlaceholderText(tr("the training images'"));
    mean_->setToolTip(tr("Subtracted from the pixels scaled to [0, 1]: one value, or one per channel "
                         "(0.485,0.456,0.406). An imported network needs the values it was trained with."));
    std_->setToolTip(tr("The pixels are divided by it after the mean: one value, or one per channel."));
    {
        auto* row = new QWidget(this);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(new QLabel(tr("mean"), row));
        h->addWidget(mean_, 1);
        h->addWidget(new QLabel(tr("std"), row));
        h->addWidget(std_, 1);
        form->addRow(tr("&Preprocessing:"), row);
    }
    trainImages_ = new QSpinBox(this);
    trainImages_->setRange(0, 10000000);
    trainImages_->setSpecialValueText(tr("all"));
    trainImages_->setSingleStep(5000);
    form->addRow(tr("Training &images:"), trainImages_);
    cropPadding_ = new QSpinBox(this);
    cropPadding_->setObjectName(QStringLiteral("cropPaddingSpin"));
    cropPadding_->setRange(0, 64);
    cropPadding_->setSpecialValueText(tr("no random crop"));
    cropPadding_->setSuffix(tr(" px padding"));
    cropPadding_->setToolTip(tr("Training augmentation: pad each training image by this many black pixels "
                                "and cut it back out at a random offset"));
    hflip_ = new QCheckBox(tr("Flip half the training images horizontally"), this);
    hflip_->setObjectName(QStringLiteral("hflipCheck"));
    {
        auto* row = new QWidget(this);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(cropPadding_);
        h->addWidget(hflip_, 1);
        form->addRow(tr("&Augmentation:"), row);
    }

    fpEpochs_ = new QSpinBox(this);
    fpEpochs_->setRange(0, 1000);
    fpEpochs_->setToolTip(tr("Stage 1: the full-precision network the supernet starts from"));
    form->addRow(tr("FP &epochs:"), fpEpochs_);
    epochs_ = new QSpinBox(this);
    epochs_->setObjectName(QStringLiteral("epochsSpin"));
    epochs_->setRange(1, 1000);
    form->addRow(tr("&Supernet epochs:"), epochs_);
    batch_ = new QSpinBox(this);
    batch_->setRange(1, 4096);
    form->addRow(tr("&Batch size:"), batch_);
    lr_ = new QDoubleSpinBox(this);
    lr_->setDecimals(5);
    lr_->setRange(1e-5, 1.0);
    lr_->setSingleStep(1e-4);
    form->addRow(tr("&Learning rate:"), lr_);
    guidance_ = new QComboBox(this);
    guidance_->addItem(tr("GPG: each subnet guided by the one before it"), int(Guidance::Gpg));
    guidance_->addItem(tr("Teacher: every subnet guided by the largest"), int(Guidance::Teacher));
    guidance_->addItem(tr("Labels only (no distillation)"), int(Guidance::Labels));
    form->addRow(tr("&Guidance:"), guidance_);
    wdr_ = new QCheckBox(tr("Weight distribution regularisation (WDR)"), this);
    wdr_->setObjectName(QStringLiteral("wdrCheck"));
    form->addRow(QString(), wdr_);
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1 << 30);
    form->addRow(tr("See&d:"), seed_);
    device_ = new QComboBox(this);
    device_->setObjectName(QStringLiteral("deviceCombo"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (cudaAvailable()) device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    device_->setToolTip(device_->count() > 1 ? tr("Where training computes")
                                             : tr("No CUDA device in this build or on this machine"));
    form->addRow(tr("De&vice:"), device_);

    location_ = new QLineEdit(this);
    location_->setObjectName(QStringLiteral("locationEdit"));
    form->addRow(tr("&Location:"), withBrowse(location_, this, tr("Where the run folder goes")));
    name_ = new QLineEdit(this);
    name_->setObjectName(QStringLiteral("nameEdit"));
    form->addRow(tr("Run &name:"), name_);

    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("problemLabel"));
    problem_->setWordWrap(true);
    setErrorStyle(problem_, true);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create and &train"));
    connect(buttons_, &QDialogButtonBox::accepted, this, &NewRunDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons_);

    QSettings settings;
    QString location = settings.value(QStringLiteral("newRun/location")).toString();
    if (location.isEmpty())
        location = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)).filePath(QStringLiteral("eqnet-runs"));
    location_->setText(QDir::toNativeSeparators(location));
    const QString preset = settings.value(QStringLiteral("newRun/preset"), QStringLiteral("quick")).toString();
    preset_->setCurrentIndex(qMax(0, preset_->findData(preset)));
    applyPreset();

    connect(preset_, &QComboBox::currentIndexChanged, this, &NewRunDialog::applyPreset);
    for (QLineEdit* e : {dataDir_, location_, name_}) connect(e, &QLineEdit::textChanged, this, &NewRunDialog::updateProblem);
    connect(dataFormat_, &QComboBox::currentIndexChanged, this, &NewRunDialog::updateProblem);
    connect(model_, &QComboBox::currentTextChanged, this, &NewRunDialog::modelChanged);
    for (QLineEdit* e : {mean_, std_}) connect(e, &QLineEdit::textChanged, this, &NewRunDialog::updateProblem);
    updateProblem();
}

void NewRunDialog::applyPreset() {
    const QString name = preset_->currentData().toString();
    base_ = pipelinePreset(name.toStdString()).train;
    const bool ownModel = isModelFile(model_->currentText().trimmed().toStdString());
    if (!ownModel) model_->setCurrentText(QString::fromStdString(base_.model)); // a chosen file stays
    dataDir_->setText(QDir::toNativeSeparators(QString::fromStdString(base_.data.dir)));
    dataFormat_->setCurrentIndex(qMax(0, dataFormat_->findData(int(base_.data.format))));
    trainImages_->setValue(int(base_.data.trainLimit));
    cropPadding_->setValue(int(base_.data.augment.cropPadding));
    hflip_->setChecked(base_.data.augment.horizontalFlip);
    fpEpochs_->setValue(ownModel ? 0 : base_.fpEpochs);
    epochs_->setValue(base_.epochs);
    batch_->setValue(int(base_.batchSize));
    lr_->setValue(base_.lr);
    guidance_->setCurrentIndex(qMax(0, guidance_->findData(int(base_.guidance))));
    wdr_->setChecked(base_.wdr);
    seed_->setValue(int(base_.seed));
    // A GPU when there is one.
    device_->setCurrentIndex(device_->count() - 1);
    // A fresh name that is not taken yet.
    const QDir parent(QDir::fromNativeSeparators(location_->text()));
    QString candidate = name;
    for (int i = 2; parent.exists(candidate); ++i) candidate = QStringLiteral("%1-%2").arg(name).arg(i);
    name_->setText(candidate);
}

void NewRunDialog::modelChanged() {
    // An imported network arrives trained: stage 1 would only fine-tune it.
    if (isModelFile(model_->currentText().trimmed().toStdString())) fpEpochs_->setValue(0);
    updateProblem();
}

void NewRunDialog::setModel(const QString& model) { model_->setCurrentText(model); }
void NewRunDialog::setPreprocessing(const QString& mean, const QString& std) {
    mean_->setText(mean);
    std_->setText(std);
}

namespace {
// "0.5" or "0.485, 0.456, 0.406" -> numbers; false when a part is not a number.
bool parseValues(const QString& text, std::vector<float>& out) {
    out.clear();
    if (text.trimmed().isEmpty()) return true;
    for (const QString& part : text.split(QLatin1Char(','))) {
        bool ok = false;
        const float v = part.trimmed().toFloat(&ok);
        if (!ok) return false;
        out.push_back(v);
    }
    return true;
}
} // namespace

void NewRunDialog::setPreset(const QString& name) {
    const int i = preset_->findData(name);
    if (i >= 0) preset_->setCurrentIndex(i);
}
void NewRunDialog::setLocation(const QString& parentFolder) { location_->setText(QDir::toNativeSeparators(parentFolder)); }
void NewRunDialog::setRunName(const QString& name) { name_->setText(name); }
void NewRunDialog::setDataFolder(const QString& folder) { dataDir_->setText(QDir::toNativeSeparators(folder)); }
void NewRunDialog::setDataFormat(DataFormat format) {
    dataFormat_->setCurrentIndex(qMax(0, dataFormat_->findData(int(format))));
}

TrainConfig NewRunDialog::config() const {
    TrainConfig c = base_;
    c.model = QDir::fromNativeSeparators(model_->currentText().trimmed()).toStdString();
    parseValues(mean_->text(), c.data.mean);
    parseValues(std_->text(), c.data.std);
    c.data.dir = QDir::fromNativeSeparators(dataDir_->text().trimmed()).toStdString();
    c.data.format = DataFormat(dataFormat_->currentData().toInt());
    c.data.trainLimit = trainImages_->value();
    c.data.augment.cropPadding = cropPadding_->value();
    c.data.augment.horizontalFlip = hflip_->isChecked();
    c.fpEpochs = fpEpochs_->value();
    c.epochs = epochs_->value();
    c.batchSize = batch_->value();
    c.lr = lr_->value();
    c.guidance = Guidance(guidance_->currentData().toInt());
    c.wdr = wdr_->isChecked();
    c.seed = uint64_t(seed_->value());
    c.device = device_->currentData().toString().toStdString();
    return c;
}

QString NewRunDialog::runFolder() const {
    return QDir::cleanPath(QDir(QDir::fromNativeSeparators(location_->text().trimmed())).filePath(name_->text().trimmed()));
}

QString NewRunDialog::problem() const {
    const QString name = name_->text().trimmed();
    if (name.isEmpty()) return tr("Give the run a name.");
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name == QLatin1String("..") ||
        name == QLatin1String("."))
        return tr("The run name \"%1\" is not a folder name.").arg(name);
    if (location_->text().trimmed().isEmpty()) return tr("Choose where the run folder goes.");
    const QString folder = runFolder();
    if (QFileInfo::exists(QString::fromStdString(runConfigPath(folder.toStdString()))))
        return tr("%1 already holds a run: open it instead, or choose another name.").arg(QDir::toNativeSeparators(folder));
    if (QFileInfo(folder).exists() && !QFileInfo(folder).isDir())
        return tr("%1 is a file, not a folder.").arg(QDir::toNativeSeparators(folder));
    const QString model = model_->currentText().trimmed();
    if (isModelFile(model.toStdString())) {
        if (!QFileInfo(QDir::fromNativeSeparators(model)).isFile())
            return tr("The model file %1 does not exist.").arg(model);
    } else if (model_->findText(model) < 0) {
        return tr("\"%1\" is neither a built-in network nor an .onnx file.").arg(model);
    }
    std::vector<float> values;
    for (auto [edit, what] : {std::pair<QLineEdit*, QString>{mean_, tr("mean")}, {std_, tr("std")}}) {
        if (!parseValues(edit->text(), values))
            return tr("The preprocessing %1 \"%2\" is not a number or a list of numbers.").arg(what, edit->text());
        if (edit == std_)
            for (float v : values)
                if (!(v > 0)) return tr("Every preprocessing std must be positive.");
    }
    const auto format = DataFormat(dataFormat_->currentData().toInt());
    const QString dataDir = QDir::fromNativeSeparators(dataDir_->text().trimmed());
    if (format != DataFormat::Synthetic && !QFileInfo(dataDir).isDir())
        return tr("The data folder %1 does not exist.").arg(dataDir_->text().trimmed());
    if (format == DataFormat::Folder && !QFileInfo(QDir(dataDir).filePath(QStringLiteral("train"))).isDir())
        return tr("The image folder %1 has no train/ folder (it needs train/<class>/*.png or *.jpg, and "
                  "optionally val/).")
            .arg(dataDir_->text().trimmed());
    return QString();
}

void NewRunDialog::updateProblem() {
    const QString p = problem();
    problem_->setText(p);
    problem_->setVisible(!p.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

void NewRunDialog::accept() {
    updateProblem();
    if (!problem().isEmpty()) return;
    QSettings settings;
    settings.setValue(QStringLiteral("newRun/location"), QDir::fromNativeSeparators(location_->text().trimmed()));
    settings.setValue(QStringLiteral("newRun/preset"), preset_->currentData().toString());
    QDialog::accept();
}

} // namespace ui
} // namespace eqnet
