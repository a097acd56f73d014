#pragma once
// What the studio shows while no run is open: the ways in (New run, Open run, the demo run)
// and the recent runs, each openable with a click, those gone from the disk marked so.
#include <QStringList>
#include <QWidget>

class QListWidget;
class QPushButton;

namespace eqnet {
namespace ui {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    // Lists `runs` (most recent first); a folder without run.json is shown as not found and
    // cannot be opened from here.
    void setRecentRuns(const QStringList& runs);
    QListWidget* recentList() const { return recent_; }

signals:
    void newRunRequested();
    void openRunRequested();
    void demoRunRequested();
    void recentRunChosen(const QString& folder);

private:
    QListWidget* recent_ = nullptr;
};

} // namespace ui
} // namespace eqnet
