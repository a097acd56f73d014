#pragma once
// The user guide (docs/user-guide.md) inside the studio: Help > User guide (F1) shows it
// rendered, with its pictures, in a window of its own; links to other pages of the guide's
// folder open in the same window, web links in the browser.
#include <QDialog>

class QTextBrowser;

namespace eqnet {
namespace ui {

class UserGuideWindow : public QDialog {
    Q_OBJECT
public:
    // `guidePath`: the Markdown file; "" or a missing file shows where to find the guide.
    explicit UserGuideWindow(const QString& guidePath, QWidget* parent = nullptr);

    QTextBrowser* browser() const { return browser_; }

    // docs/user-guide.md as installed beside the program (share/doc/eqnet-studio) or in the
    // source tree it was built from; "" when neither exists.
    static QString findGuide();

private:
    QTextBrowser* browser_;
};

} // namespace ui
} // namespace eqnet
