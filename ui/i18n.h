#pragma once
// Translations: the studio's own strings come from translations/eqnet_<lang>.ts, compiled to
// .qm and embedded under :/i18n/; Qt's own strings (standard dialog buttons, ...) come from
// the system's Qt translations (qtbase_<lang>.qm) when installed.
#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;
class QTranslator;

namespace eqnet {
namespace ui {

// QSettings key of the language override: "" = follow the system locale, "en", "zh_CN", ...
inline constexpr char kLanguageKey[] = "language";
// Where the embedded .qm files live, and their base name (eqnet_zh_CN.qm).
inline constexpr char kTranslationsDir[] = ":/i18n";
inline constexpr char kTranslationPrefix[] = "eqnet";

// The override stored in QSettings ("" when unset).
QString configuredLanguage();
void setConfiguredLanguage(const QString& language);

// "" -> QLocale::system(), "en" -> English (the source language), otherwise QLocale(language).
QLocale localeForLanguage(const QString& language);

// The languages the studio speaks: "en" plus one per embedded .qm file, e.g. {"en", "zh_CN"}.
QStringList availableLanguages();

// Loads the embedded studio translation for `locale` into `translator`; false when there is
// none (English needs none: it is the source language).
bool loadTranslation(QTranslator& translator, const QLocale& locale);

// Installs the studio's and Qt's translators for `language` ("" = system locale) on `app`,
// replacing any installed by an earlier call, and makes the locale the default QLocale.
// Returns the locale used.
QLocale installTranslations(QCoreApplication& app, const QString& language);
// Removes the translators installTranslations() put in place.
void removeTranslations(QCoreApplication& app);

} // namespace ui
} // namespace eqnet
