#pragma once
// The one exception type the engine throws for bad input: the message names the file or the
// field at fault and what was expected, so a person can fix it without reading the source.
#include <stdexcept>
#include <string>

namespace eqnet {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace eqnet
