#include "welcome_page.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace eqnet {
namespace ui {

namespace {
constexpr int kFolderRole = Qt::UserRole;
}

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
    auto* title = new QLabel(tr("<h2>EQ-Net Studio</h2>"
                                "<p>Train one quantization supernet, then pick a mixed-precision subnet "
                                "for each piece of hardware.</p>"),
                             this);
    title->setWordWrap(true);
    auto* newRun = new QPushButton(tr("New run…"), this);
    newRun->setObjectName(QStringLiteral("welcomeNewRun"));
    newRun->setToolTip(tr("Create a run folder and train a supernet in it (Ctrl+N)"));
    auto* open = new QPushButton(tr("Open run…"), this);
    open->setObjectName(QStringLiteral("welcomeOpenRun"));
    open->setToolTip(tr("Open the folder of a training run (Ctrl+O)"));
    auto* demo = new QPushButton(tr("Open the demo run"), this);
    demo->setObjectName(QStringLiteral("welcomeDemoRun"));
    demo->setToolTip(tr("A small finished run that ships with the studio: every tab filled"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(newRun);
    buttons->addWidget(open);
    buttons->addWidget(demo);
    buttons->addStretch(1);

    recent_ = new QListWidget(this);
    recent_->setObjectName(QStringLiteral("welcomeRecentRuns"));
    auto* recentLabel = new QLabel(tr("Recent runs (double-click or Enter to open):"), this);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addLayout(buttons);
    column->addSpacing(12);
    column->addWidget(recentLabel);
    column->addWidget(recent_, 1);
    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);

    connect(newRun, &QPushButton::clicked, this, &WelcomePage::newRunRequested);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openRunRequested);
    connect(demo, &QPushButton::clicked, this, &WelcomePage::demoRunRequested);
    connect(recent_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QString folder = item->data(kFolderRole).toString();
        if (!folder.isEmpty()) emit recentRunChosen(folder);
    });
}

void WelcomePage::setRecentRuns(const QStringList& runs) {
    recent_->clear();
    for (const QString& run : runs) {
        const bool exists = QFileInfo::exists(QDir(run).filePath(QStringLiteral("run.json")));
        auto* item = new QListWidgetItem(
            exists ? QStringLiteral("%1   %2").arg(QFileInfo(run).fileName(), QDir::toNativeSeparators(run))
                   : tr("%1 (not found)").arg(QDir::toNativeSeparators(run)),
            recent_);
        if (exists)
            item->setData(kFolderRole, run);
        else
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    if (runs.isEmpty()) {
        auto* none = new QListWidgetItem(tr("No recent runs yet"), recent_);
        none->setFlags(none->flags() & ~Qt::ItemIsEnabled);
    }
}

} // namespace ui
} // namespace eqnet
