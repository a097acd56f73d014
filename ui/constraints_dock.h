#pragma once
// Hardware constraints dock: picks a hardware profile (shipped or the user's), edits its
// bit-widths, form and budgets, says whether the open run can meet it, and tells the Pareto
// tab (profileChanged, debounced) so it searches again. Saves edited profiles to the user's
// profile folder.
#include "eqnet/profile.h"

#include <QDockWidget>
#include <QString>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTimer;

namespace eqnet {
namespace ui {

class RunDocument;

class ConstraintsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ConstraintsDock(RunDocument* doc, QWidget* parent = nullptr);

    // The profile as edited: the picked file's profile exactly while unmodified; with edits,
    // the same name and description, the editors' settings and no source file.
    HardwareProfile profile() const;
    bool isModified() const { return modified_; }
    // At least one weight and one activation bit-width allowed (budgets are always > 0).
    bool isValid() const;
    // Picks a listed profile by name (discarding edits); false when there is none readable.
    bool selectProfile(const QString& name);
    // The line under the editors: feasibility for the open run, the space, the cheapest subnet.
    QString feasibilityText() const;
    // True when the feasibility line shows a problem (invalid or infeasible profile).
    bool hasProblem() const { return problem_; }
    // The picked profile's name (without "(modified)").
    QString profileName() const;

    // Saves profile() as <userProfileDir()>/<name>.json (overwriting), lists it and picks it.
    // False with the reason in *error for an empty name, one with '/', or a failed write.
    bool saveUserProfile(const QString& name, QString* error = nullptr);
    // Lists the profile files again (keeps the current pick and its edits when possible).
    void refreshProfiles();
    // Discards the edits: the picked profile as its file has it (the Reset button, enabled
    // while there are edits). False when there is nothing to reset.
    bool resetEdits();

    // The editors, for tests (also reachable by objectName).
    QComboBox* profileCombo() const { return picker_; }
    QCheckBox* weightBitBox(int bits) const;
    QCheckBox* actBitBox(int bits) const;
    QComboBox* granularityCombo() const { return granularity_; }
    QComboBox* weightSymmetryCombo() const { return weightSym_; }
    QComboBox* actSymmetryCombo() const { return actSym_; }
    QCheckBox* bitopsBudgetCheck() const { return bitopsEnable_; }
    QDoubleSpinBox* bitopsBudgetSpin() const { return bitopsSpin_; }
    QCheckBox* sizeBudgetCheck() const { return sizeEnable_; }
    QDoubleSpinBox* sizeBudgetSpin() const { return sizeSpin_; }

signals:
    // A new valid profile: at once for a pick, ~150 ms after the last edit for edits.
    void profileChanged(const eqnet::HardwareProfile& profile);

private:
    void onPicked(int index);
    void onEdited();
    // The picked profile, unedited, in the editors; announced (profileChanged).
    void showBase();
    void showProfile(const HardwareProfile& p);
    void updatePickerText();
    void updateStatus();
    void onRunOpened();
    void saveInteractive();
    HardwareProfile editorProfile() const;

    RunDocument* doc_ = nullptr;
    QComboBox* picker_ = nullptr;
    QLabel* description_ = nullptr;
    QCheckBox* wBits_[kNumBitSlots] = {};
    QCheckBox* aBits_[kNumBitSlots] = {};
    QComboBox* granularity_ = nullptr;
    QComboBox* weightSym_ = nullptr;
    QComboBox* actSym_ = nullptr;
    QCheckBox* bitopsEnable_ = nullptr;
    QDoubleSpinBox* bitopsSpin_ = nullptr;
    QCheckBox* sizeEnable_ = nullptr;
    QDoubleSpinBox* sizeSpin_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* saveButton_ = nullptr;
    QPushButton* resetButton_ = nullptr;
    QTimer* debounce_ = nullptr;

    std::vector<ProfileEntry> entries_;
    HardwareProfile base_; // the picked file's profile
    bool hasBase_ = false;
    bool modified_ = false;
    bool updating_ = false;
    bool problem_ = false;
};

} // namespace ui
} // namespace eqnet
