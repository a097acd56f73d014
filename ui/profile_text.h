#pragma once
// A hardware profile's description in the UI's language. The shipped profiles'
// descriptions (resources/profiles) are translated like any other UI text; a user's own
// profile is shown as written.
#include <QString>

#include <string>

namespace eqnet {
namespace ui {

QString profileDescriptionText(const std::string& description);
// The shipped descriptions lupdate extracts (tests check each shipped profile's is here).
QStringList shippedProfileDescriptions();

} // namespace ui
} // namespace eqnet
