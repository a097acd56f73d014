#pragma once
// EQ_ERROR(statement, fragments...): the statement throws eqnet::Error whose message holds
// every fragment (a file name, the field, the fault), the check every bad-input test makes.
#include "eqtest.h"

#include "eqnet/error.h"

#include <exception>
#include <functional>
#include <initializer_list>
#include <string>

namespace eqtest {

// "" when `fn` throws eqnet::Error whose message holds every fragment; else what went wrong.
inline std::string errorLacks(const std::function<void()>& fn, std::initializer_list<std::string> fragments) {
    try {
        fn();
    } catch (const eqnet::Error& e) {
        const std::string what = e.what();
        for (const std::string& f : fragments)
            if (what.find(f) == std::string::npos) return "message \"" + what + "\" lacks \"" + f + "\"";
        return "";
    } catch (const std::exception& e) {
        return std::string("threw a non-eqnet exception: ") + e.what();
    }
    return "did not throw";
}

} // namespace eqtest

#define EQ_ERROR(statement, ...)                                                                   \
    do {                                                                                           \
        const std::string eq_err_ = ::eqtest::errorLacks([&] { statement; }, {__VA_ARGS__});       \
        EQ_VERIFY2(eq_err_.empty(), eq_err_);                                                      \
    } while (0)
