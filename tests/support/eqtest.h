#pragma once
// The core test suites are written once against these macros and run two ways:
//  - with Qt present, under Qt Test: every EQ_TEST is a data row of one data-driven test
//    function (tests/support/qt_runner.cpp), so CTest output, -o, -xml and row selection
//    (`tst_quant cases:name`) work as in any Qt Test suite;
//  - in a headless build without Qt (-DEQNET_GUI=OFF on a GPU server), under a plain runner
//    (tests/support/plain_runner.cpp) that prints "N passed, N failed, N skipped".
// Test files never include Qt, so they may include LibTorch freely.
#include <cmath>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace eqtest {

struct Case {
    const char* name;
    void (*fn)();
};

inline std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

struct Registrar {
    Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

// Implemented by the runner: records the failure of the current case.
void fail(const std::string& message, const char* file, int line);
// Implemented by the runner: marks the current case skipped (prints "SKIP   : ..."; CTest
// reports a suite as skipped where its SKIP_REGULAR_EXPRESSION matches that).
void skip(const std::string& message, const char* file, int line);
// Implemented by the runner: where a test may write scratch files (removed afterwards).
std::string scratchDir();

template <typename T, typename = void>
struct Streamable : std::false_type {};
template <typename T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};

// Printable text of a compared value: streamed where possible, vectors element-wise.
template <typename T>
std::string toText(const T& v) {
    if constexpr (Streamable<T>::value) {
        std::ostringstream os;
        os << v;
        return os.str();
    } else {
        return "(value without a printed form)";
    }
}
template <typename T>
std::string toText(const std::vector<T>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + toText(v[i]);
    return s + "]";
}

template <typename A, typename B>
std::string compareMessage(const char* ea, const char* eb, const A& a, const B& b) {
    return std::string("Compared values are not the same\n   Actual   (") + ea + "): " + toText(a) +
           "\n   Expected (" + eb + "): " + toText(b);
}

} // namespace eqtest

#define EQ_TEST(name)                                                                         \
    static void eqtest_case_##name();                                                         \
    static const ::eqtest::Registrar eqtest_reg_##name(#name, &eqtest_case_##name);          \
    static void eqtest_case_##name()

#define EQ_FAIL(msg)                                                                          \
    do {                                                                                      \
        ::eqtest::fail((msg), __FILE__, __LINE__);                                            \
        return;                                                                               \
    } while (0)

// Ends the case as skipped (a prerequisite outside the project is missing), not failed.
#define EQ_SKIP(msg)                                                                          \
    do {                                                                                      \
        ::eqtest::skip((msg), __FILE__, __LINE__);                                            \
        return;                                                                               \
    } while (0)

#define EQ_VERIFY2(cond, msg)                                                                 \
    do {                                                                                      \
        if (!(cond)) EQ_FAIL(std::string("'" #cond "' returned FALSE. (") + (msg) + ")");     \
    } while (0)

#define EQ_VERIFY(cond) EQ_VERIFY2(cond, "")

#define EQ_COMPARE(actual, expected)                                                          \
    do {                                                                                      \
        const auto eq_a_ = (actual); /* copies: `actual` may refer into a temporary */       \
        const auto eq_e_ = (expected);                                                        \
        if (!(eq_a_ == eq_e_))                                                                \
            EQ_FAIL(::eqtest::compareMessage(#actual, #expected, eq_a_, eq_e_));              \
    } while (0)

// |actual - expected| <= tol
#define EQ_NEAR(actual, expected, tol)                                                        \
    do {                                                                                      \
        const double eq_a_ = double(actual);                                                  \
        const double eq_e_ = double(expected);                                                \
        if (!(std::abs(eq_a_ - eq_e_) <= double(tol)))                                        \
            EQ_FAIL(::eqtest::compareMessage(#actual, #expected, eq_a_, eq_e_) +              \
                    "\n   Tolerance: " + std::to_string(double(tol)));                        \
    } while (0)

// The statement throws ExceptionType whose what() contains `fragment`.
#define EQ_THROWS(statement, ExceptionType, fragment)                                         \
    do {                                                                                      \
        bool eq_thrown_ = false;                                                              \
        try {                                                                                 \
            statement;                                                                        \
        } catch (const ExceptionType& eq_ex_) {                                               \
            eq_thrown_ = true;                                                                \
            const std::string eq_what_ = eq_ex_.what();                                       \
            if (eq_what_.find(fragment) == std::string::npos)                                 \
                EQ_FAIL("exception message \"" + eq_what_ + "\" lacks \"" +                   \
                        std::string(fragment) + "\"");                                        \
        }                                                                                     \
        if (!eq_thrown_) EQ_FAIL("'" #statement "' did not throw " #ExceptionType);           \
    } while (0)
