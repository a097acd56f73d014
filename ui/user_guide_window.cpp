#include "user_guide_window.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace eqnet {
namespace ui {

QString UserGuideWindow::findGuide() {
    const QStringList candidates = {
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/doc/eqnet-studio/user-guide.md")),
        QStringLiteral(EQNET_SOURCE_DOCS "/user-guide.md"),
    };
    for (const QString& c : candidates)
        if (QFileInfo(c).isFile()) return QDir::cleanPath(QFileInfo(c).absoluteFilePath());
    return QString();
}

UserGuideWindow::UserGuideWindow(const QString& guidePath, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("userGuideWindow"));
    setWindowTitle(tr("EQ-Net Studio user guide"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    browser_ = new QTextBrowser(this);
    browser_->setObjectName(QStringLiteral("userGuideBrowser"));
    browser_->setOpenLinks(false); // decided below: guide pages here, the web in the browser
    connect(browser_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const bool page = url.isLocalFile() || url.isRelative();
        if (page && url.path().endsWith(QLatin1String(".md"))) {
            browser_->setSource(browser_->source().resolved(url), QTextDocument::MarkdownResource);
        } else if (page && url.path().isEmpty() && url.hasFragment()) {
            browser_->scrollToAnchor(url.fragment());
        } else {
            QDesktopServices::openUrl(browser_->source().resolved(url));
        }
    });
    layout->addWidget(browser_);
    if (QFileInfo(guidePath).isFile()) {
        browser_->setSource(QUrl::fromLocalFile(guidePath), QTextDocument::MarkdownResource);
    } else {
        browser_->setPlainText(tr("The user guide was not found next to the program. It is docs/user-guide.md "
                                  "in EQ-Net Studio's sources and in /usr/share/doc/eqnet-studio when installed."));
    }
    resize(900, 700);
}

} // namespace ui
} // namespace eqnet
