#include "constraints_dock.h"

#include "bitops_axis.h"
#include "profile_text.h"
#include "run_document.h"
#include "text_format.h"

#include "eqnet/cost_model.h"
#include "eqnet/search.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <sstream>

namespace eqnet {
namespace ui {

namespace {
constexpr int kNameRole = Qt::UserRole;
constexpr int kBaseTextRole = Qt::UserRole + 1;

QString bitsLabel(const SubnetConfig& cfg) {
    // "W2A4" for the searchable layers of a cheapest/uniform-like subnet (first and last 8/8).
    for (size_t i = 0; i < cfg.layers.size(); ++i) {
        if (i == 0 || i + 1 == cfg.layers.size()) continue;
        return QStringLiteral("W%1A%2").arg(cfg.layers[i].w).arg(cfg.layers[i].a);
    }
    return QStringLiteral("W8A8");
}
} // namespace

ConstraintsDock::ConstraintsDock(RunDocument* doc, QWidget* parent) : QDockWidget(parent), doc_(doc) {
    setObjectName(QStringLiteral("constraintsDock"));
    setWindowTitle(tr("Hardware constraints"));

    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);

    picker_ = new QComboBox;
    picker_->setObjectName(QStringLiteral("profileCombo"));
    picker_->setToolTip(tr("Hardware profiles: shipped presets and your own"));
    layout->addWidget(picker_);

    description_ = new QLabel;
    description_->setObjectName(QStringLiteral("profileDescription"));
    description_->setWordWrap(true);
    layout->addWidget(description_);

    auto* bitsBox = new QGroupBox(tr("Bit-widths"));
    auto* grid = new QGridLayout(bitsBox);
    grid->addWidget(new QLabel(tr("Weights")), 0, 0);
    grid->addWidget(new QLabel(tr("Activations")), 1, 0);
    for (int i = 0; i < kNumBitSlots; ++i) {
        const int bits = kMinBits + i;
        wBits_[i] = new QCheckBox(QString::number(bits));
        wBits_[i]->setObjectName(QStringLiteral("weightBits%1").arg(bits));
        wBits_[i]->setToolTip(tr("Allow %1-bit weights on the searchable layers").arg(bits));
        aBits_[i] = new QCheckBox(QString::number(bits));
        aBits_[i]->setObjectName(QStringLiteral("actBits%1").arg(bits));
        aBits_[i]->setToolTip(tr("Allow %1-bit activations on the searchable layers").arg(bits));
        grid->addWidget(wBits_[i], 0, i + 1);
        grid->addWidget(aBits_[i], 1, i + 1);
        connect(wBits_[i], &QCheckBox::toggled, this, &ConstraintsDock::onEdited);
        connect(aBits_[i], &QCheckBox::toggled, this, &ConstraintsDock::onEdited);
    }
    layout->addWidget(bitsBox);

    auto* formBox = new QGroupBox(tr("Quantization form"));
    auto* form = new QFormLayout(formBox);
    granularity_ = new QComboBox;
    granularity_->setObjectName(QStringLiteral("granularityCombo"));
    granularity_->addItem(tr("per-tensor"), int(Granularity::PerTensor));
    granularity_->addItem(tr("per-channel"), int(Granularity::PerChannel));
    weightSym_ = new QComboBox;
    weightSym_->setObjectName(QStringLiteral("weightSymmetryCombo"));
    weightSym_->addItem(tr("symmetric"), true);
    weightSym_->addItem(tr("asymmetric"), false);
    actSym_ = new QComboBox;
    actSym_->setObjectName(QStringLiteral("actSymmetryCombo"));
    actSym_->addItem(tr("symmetric"), true);
    actSym_->addItem(tr("asymmetric"), false);
    form->addRow(tr("Weight scales:"), granularity_);
    form->addRow(tr("Weights:"), weightSym_);
    form->addRow(tr("Activations:"), actSym_);
    for (QComboBox* c : {granularity_, weightSym_, actSym_})
        connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &ConstraintsDock::onEdited);
    layout->addWidget(formBox);

    auto* budgetBox = new QGroupBox(tr("Budgets"));
    auto* budgets = new QGridLayout(budgetBox);
    bitopsEnable_ = new QCheckBox(tr("BitOps at most"));
    bitopsEnable_->setObjectName(QStringLiteral("bitopsBudgetCheck"));
    bitopsSpin_ = new QDoubleSpinBox;
    bitopsSpin_->setObjectName(QStringLiteral("bitopsBudgetSpin"));
    bitopsSpin_->setRange(0.001, 1e7);
    bitopsSpin_->setDecimals(3);
    bitopsSpin_->setValue(100);
    bitopsSpin_->setSuffix(tr(" MBitOps"));
    bitopsSpin_->setEnabled(false);
    sizeEnable_ = new QCheckBox(tr("Size at most"));
    sizeEnable_->setObjectName(QStringLiteral("sizeBudgetCheck"));
    sizeSpin_ = new QDoubleSpinBox;
    sizeSpin_->setObjectName(QStringLiteral("sizeBudgetSpin"));
    sizeSpin_->setRange(0.01, 1e8);
    sizeSpin_->setDecimals(2);
    sizeSpin_->setValue(100);
    sizeSpin_->setSuffix(tr(" KiB"));
    sizeSpin_->setEnabled(false);
    budgets->addWidget(bitopsEnable_, 0, 0);
    budgets->addWidget(bitopsSpin_, 0, 1);
    budgets->addWidget(sizeEnable_, 1, 0);
    budgets->addWidget(sizeSpin_, 1, 1);
    connect(bitopsEnable_, &QCheckBox::toggled, bitopsSpin_, &QWidget::setEnabled);
    connect(sizeEnable_, &QCheckBox::toggled, sizeSpin_, &QWidget::setEnabled);
    connect(bitopsEnable_, &QCheckBox::toggled, this, &ConstraintsDock::onEdited);
    connect(sizeEnable_, &QCheckBox::toggled, this, &ConstraintsDock::onEdited);
    connect(bitopsSpin_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &ConstraintsDock::onEdited);
    connect(sizeSpin_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &ConstraintsDock::onEdited);
    layout->addWidget(budgetBox);

    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("feasibilityLabel"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);

    saveButton_ = new QPushButton(tr("Save as user profile…"));
    saveButton_->setObjectName(QStringLiteral("saveProfileButton"));
    connect(saveButton_, &QPushButton::clicked, this, &ConstraintsDock::saveInteractive);
    resetButton_ = new QPushButton(tr("Reset to the profile"));
    resetButton_->setObjectName(QStringLiteral("resetProfileButton"));
    resetButton_->setToolTip(tr("Discard the edits: the picked profile as its file has it"));
    resetButton_->setEnabled(false);
    connect(resetButton_, &QPushButton::clicked, this, [this] { resetEdits(); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(resetButton_);
    buttons->addWidget(saveButton_);
    layout->addLayout(buttons);
    layout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(body);
    // Scroll vertically only: the dock is never narrower than its editors (the seven
    // bit-width boxes of a row stay visible), whatever width a saved layout asks for.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    picker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    picker_->setMinimumContentsLength(18);
    scroll->setMinimumWidth(body->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
    setWidget(scroll);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(150);
    connect(debounce_, &QTimer::timeout, this, [this] {
        if (isValid()) emit profileChanged(profile());
    });

    connect(picker_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ConstraintsDock::onPicked);
    if (doc_) {
        connect(doc_, &RunDocument::opened, this, &ConstraintsDock::onRunOpened);
        connect(doc_, &RunDocument::loaded, this, &ConstraintsDock::updateStatus);
        connect(doc_, &RunDocument::closed, this, &ConstraintsDock::updateStatus);
    }

    refreshProfiles(); // picks the first readable profile
    selectProfile(QStringLiteral("flex-2to8-pt"));
    updateStatus();
}

QCheckBox* ConstraintsDock::weightBitBox(int bits) const {
    return bits >= kMinBits && bits <= kMaxBits ? wBits_[bits - kMinBits] : nullptr;
}

QCheckBox* ConstraintsDock::actBitBox(int bits) const {
    return bits >= kMinBits && bits <= kMaxBits ? aBits_[bits - kMinBits] : nullptr;
}

QString ConstraintsDock::profileName() const { return QString::fromStdString(base_.name); }

void ConstraintsDock::refreshProfiles() {
    const QString current = picker_->currentData(kNameRole).toString();
    entries_ = listProfiles();
    {
        const QSignalBlocker block(picker_);
        picker_->clear();
        auto* model = qobject_cast<QStandardItemModel*>(picker_->model());
        for (const ProfileEntry& e : entries_) {
            const QString name = QString::fromStdString(e.name);
            QString text;
            if (!e.error.empty())
                text = tr("%1 (unreadable)").arg(name);
            else if (e.shipped)
                text = tr("%1 (shipped)").arg(name);
            else
                text = tr("%1 (user)").arg(name);
            picker_->addItem(text, name);
            const int row = picker_->count() - 1;
            picker_->setItemData(row, text, kBaseTextRole);
            if (!e.error.empty()) {
                picker_->setItemData(row, QString::fromStdString(e.error), Qt::ToolTipRole);
                if (model && model->item(row)) model->item(row)->setEnabled(false);
            } else {
                QString tip = QString::fromStdString(e.path);
                if (!e.description.empty()) tip = profileDescriptionText(e.description) + QLatin1Char('\n') + tip;
                picker_->setItemData(row, tip, Qt::ToolTipRole);
            }
        }
        const int idx = picker_->findData(current, kNameRole);
        picker_->setCurrentIndex(idx);
    }
    if (picker_->currentIndex() >= 0) {
        updatePickerText(); // the pick and its edits stay
        return;
    }
    for (int i = 0; i < picker_->count(); ++i) { // the picked file went away: the first readable one
        if (picker_->model()->flags(picker_->model()->index(i, 0)) & Qt::ItemIsEnabled) {
            picker_->setCurrentIndex(i);
            break;
        }
    }
}

bool ConstraintsDock::selectProfile(const QString& name) {
    const int idx = picker_->findData(name, kNameRole);
    if (idx < 0) return false;
    if (!(picker_->model()->flags(picker_->model()->index(idx, 0)) & Qt::ItemIsEnabled)) return false;
    if (idx == picker_->currentIndex())
        onPicked(idx); // discard edits / reload the file
    else
        picker_->setCurrentIndex(idx);
    return hasBase_ && QString::fromStdString(base_.name) == name;
}

void ConstraintsDock::onPicked(int index) {
    if (index < 0) return;
    const QString name = picker_->itemData(index, kNameRole).toString();
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const ProfileEntry& e) { return QString::fromStdString(e.name) == name; });
    if (it == entries_.end()) return;
    HardwareProfile p;
    try {
        p = readProfileFile(it->path);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
        setErrorStyle(status_, true);
        problem_ = true;
        return;
    }
    base_ = p;
    hasBase_ = true;
    showBase();
}

void ConstraintsDock::showBase() {
    modified_ = false;
    debounce_->stop();
    showProfile(base_);
    updatePickerText();
    updateStatus();
    emit profileChanged(profile());
}

void ConstraintsDock::showProfile(const HardwareProfile& p) {
    updating_ = true;
    description_->setText(profileDescriptionText(p.description));
    for (int i = 0; i < kNumBitSlots; ++i) {
        const int bits = kMinBits + i;
        wBits_[i]->setChecked(std::find(p.weightBits.begin(), p.weightBits.end(), bits) != p.weightBits.end());
        aBits_[i]->setChecked(std::find(p.actBits.begin(), p.actBits.end(), bits) != p.actBits.end());
    }
    granularity_->setCurrentIndex(granularity_->findData(int(p.form.granularity)));
    weightSym_->setCurrentIndex(weightSym_->findData(p.form.weightSymmetric));
    actSym_->setCurrentIndex(actSym_->findData(p.form.actSymmetric));
    bitopsEnable_->setChecked(p.bitopsBudget.has_value());
    if (p.bitopsBudget) bitopsSpin_->setValue(*p.bitopsBudget / kBitopsPerMega);
    sizeEnable_->setChecked(p.sizeBudgetBits.has_value());
    if (p.sizeBudgetBits) sizeSpin_->setValue(*p.sizeBudgetBits / kBitsPerKiB);
    updating_ = false;
}

bool ConstraintsDock::resetEdits() {
    if (!hasBase_ || !modified_) return false;
    showBase();
    return true;
}

void ConstraintsDock::updatePickerText() {
    resetButton_->setEnabled(hasBase_ && modified_);
    const int idx = picker_->currentIndex();
    if (idx < 0) return;
    for (int i = 0; i < picker_->count(); ++i) // only the current one carries "(modified)"
        picker_->setItemText(i, picker_->itemData(i, kBaseTextRole).toString());
    if (modified_)
        picker_->setItemText(idx, tr("%1 (modified)").arg(picker_->itemData(idx, kNameRole).toString()));
}

void ConstraintsDock::onEdited() {
    if (updating_) return;
    modified_ = true;
    updatePickerText();
    updateStatus();
    if (isValid())
        debounce_->start();
    else
        debounce_->stop();
}

HardwareProfile ConstraintsDock::editorProfile() const {
    HardwareProfile p;
    p.name = base_.name;
    p.description = base_.description;
    for (int i = 0; i < kNumBitSlots; ++i) {
        if (wBits_[i]->isChecked()) p.weightBits.push_back(kMinBits + i);
        if (aBits_[i]->isChecked()) p.actBits.push_back(kMinBits + i);
    }
    p.form.granularity = Granularity(granularity_->currentData().toInt());
    p.form.weightSymmetric = weightSym_->currentData().toBool();
    p.form.actSymmetric = actSym_->currentData().toBool();
    if (bitopsEnable_->isChecked()) p.bitopsBudget = bitopsSpin_->value() * kBitopsPerMega;
    if (sizeEnable_->isChecked()) p.sizeBudgetBits = sizeSpin_->value() * kBitsPerKiB;
    return p;
}

HardwareProfile ConstraintsDock::profile() const {
    if (hasBase_ && !modified_) return base_;
    return editorProfile();
}

bool ConstraintsDock::isValid() const {
    bool w = false, a = false;
    for (int i = 0; i < kNumBitSlots; ++i) {
        w = w || wBits_[i]->isChecked();
        a = a || aBits_[i]->isChecked();
    }
    return w && a;
}

QString ConstraintsDock::feasibilityText() const { return status_->text(); }

void ConstraintsDock::updateStatus() {
    QString text;
    bool problem = false;
    bool w = false, a = false;
    for (int i = 0; i < kNumBitSlots; ++i) {
        w = w || wBits_[i]->isChecked();
        a = a || aBits_[i]->isChecked();
    }
    const HardwareProfile p = profile();
    if (!w || !a) {
        problem = true;
        text = !w ? tr("Invalid profile: allow at least one weight bit-width.")
                  : tr("Invalid profile: allow at least one activation bit-width.");
    } else if (!doc_ || !doc_->isOpen()) {
        text = tr("Open a run to check this profile against its layers.");
    } else if (!doc_->isLoaded()) {
        text = tr("Reading the run's layers…");
    } else if (doc_->layers().empty()) {
        // An open run without a checkpoint: one being trained (or about to be).
        text = doc_->loadError().isEmpty()
                   ? tr("This run has no checkpoint yet: the profile is checked against its layers once "
                        "training writes one.")
                   : tr("The run's layers could not be read: %1").arg(doc_->loadError());
    } else {
        const std::vector<LayerInfo>& layers = doc_->layers();
        const SubnetConfig cheapest = cheapestSubnet(p, layers);
        const SubnetCost cost = subnetCost(layers, cheapest);
        const QString cheapestText = tr("cheapest subnet %1 at %2, %3")
                                         .arg(QString::fromStdString(formatBitops(cost.bitops)), bitsLabel(cheapest),
                                              QString::fromStdString(formatSizeBits(cost.sizeBits)));
        try {
            checkFeasible(p, layers);
            // An int64 count saturates at 9.2·10^18, far below mbv2-28's 2..8-bit space.
            text = tr("Feasible for %1: %2 subnets; %3.")
                       .arg(doc_->modelName(), formatCountLog10(spaceSizeLog10(layers, p)), cheapestText);
        } catch (const std::exception& e) {
            problem = true;
            text = tr("Infeasible: %1 (%2)").arg(QString::fromStdString(e.what()), cheapestText);
        }
    }
    problem_ = problem;
    status_->setText(text);
    setErrorStyle(status_, problem);
}

void ConstraintsDock::onRunOpened() {
    if (!doc_) return;
    if (!modified_) {
        const auto& fronts = doc_->summary().fronts;
        const std::string current = base_.name;
        if (!fronts.empty() && std::find(fronts.begin(), fronts.end(), current) == fronts.end()) {
            for (const std::string& f : fronts)
                if (selectProfile(QString::fromStdString(f))) break;
        }
    }
    updateStatus();
}

bool ConstraintsDock::saveUserProfile(const QString& name, QString* error) {
    const auto fail = [error](const QString& why) {
        if (error) *error = why;
        return false;
    };
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) return fail(tr("Give the profile a name."));
    if (trimmed.contains(QLatin1Char('/')) || trimmed.contains(QLatin1Char('\\')))
        return fail(tr("A profile name cannot contain '/'."));
    if (!isValid()) return fail(tr("The profile is invalid: allow at least one bit-width each."));
    const QString dir = QString::fromStdString(userProfileDir());
    if (dir.isEmpty()) return fail(tr("There is no user profile folder (no home folder)."));
    HardwareProfile p = profile();
    p.name = trimmed.toStdString();
    p.source.clear();
    const QString path = QDir(dir).filePath(trimmed + QStringLiteral(".json"));
    try {
        validateProfile(p);
        if (!QDir().mkpath(dir)) return fail(tr("Could not create %1").arg(dir));
        writeProfileFile(path.toStdString(), p);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    modified_ = false;
    refreshProfiles();
    if (!selectProfile(trimmed))
        return fail(tr("Saved %1, but another profile folder has a profile of the same name that comes first.")
                        .arg(path));
    return true;
}

void ConstraintsDock::saveInteractive() {
    bool ok = false;
    const QString suggestion =
        modified_ ? QString::fromStdString(base_.name) + QStringLiteral("-custom") : QString::fromStdString(base_.name);
    const QString name = QInputDialog::getText(this, tr("Save profile"), tr("Profile name:"), QLineEdit::Normal,
                                               suggestion, &ok);
    if (!ok) return;
    const QString dir = QString::fromStdString(userProfileDir());
    const QString path = QDir(dir).filePath(name.trimmed() + QStringLiteral(".json"));
    if (!name.trimmed().isEmpty() && !name.contains(QLatin1Char('/')) && QFileInfo::exists(path) &&
        QMessageBox::question(this, tr("Save profile"), tr("%1 exists. Replace it?").arg(path)) != QMessageBox::Yes)
        return;
    QString error;
    if (!saveUserProfile(name, &error)) QMessageBox::warning(this, tr("Save profile"), error);
}

} // namespace ui
} // namespace eqnet
