#include "i18n.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace eqnet {
namespace ui {

namespace {
// Marks the translators installTranslations() owns, so a later call can replace them.
const char* const kTranslatorTag = "eqnet-studio-translator";
} // namespace

QString configuredLanguage() {
    return QSettings().value(QLatin1String(kLanguageKey)).toString();
}

void setConfiguredLanguage(const QString& language) {
    QSettings().setValue(QLatin1String(kLanguageKey), language);
}

QLocale localeForLanguage(const QString& language) {
    if (language.isEmpty()) return QLocale::system();
    if (language == QLatin1String("en")) return QLocale(QLocale::English, QLocale::UnitedStates);
    return QLocale(language);
}

QStringList availableLanguages() {
    QStringList languages{QStringLiteral("en")};
    const QString prefix = QLatin1String(kTranslationPrefix) + QLatin1Char('_');
    const QStringList files = QDir(QLatin1String(kTranslationsDir))
                                  .entryList({prefix + QStringLiteral("*.qm")}, QDir::Files,
                                             QDir::Name);
    for (const QString& file : files)
        languages << file.mid(prefix.size(), file.size() - prefix.size() - 3);
    return languages;
}

bool loadTranslation(QTranslator& translator, const QLocale& locale) {
    return translator.load(locale, QLatin1String(kTranslationPrefix), QStringLiteral("_"),
                           QLatin1String(kTranslationsDir));
}

void removeTranslations(QCoreApplication& app) {
    const auto translators = app.findChildren<QTranslator*>(QString(), Qt::FindDirectChildrenOnly);
    for (QTranslator* translator : translators)
        if (translator->objectName() == QLatin1String(kTranslatorTag))
            delete translator; // ~QTranslator removes it from the application
}

QLocale installTranslations(QCoreApplication& app, const QString& language) {
    removeTranslations(app);
    const QLocale locale = localeForLanguage(language);
    QLocale::setDefault(locale);

    auto* studio = new QTranslator(&app);
    studio->setObjectName(QLatin1String(kTranslatorTag));
    if (loadTranslation(*studio, locale)) {
        QCoreApplication::installTranslator(studio);
        // Qt's own strings (OK/Cancel, file dialogs) only where the studio speaks the language
        // too, so a window never mixes two languages.
        auto* qt = new QTranslator(&app);
        qt->setObjectName(QLatin1String(kTranslatorTag));
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(qt);
        else
            delete qt;
    } else {
        delete studio;
    }
    return locale;
}

} // namespace ui
} // namespace eqnet
