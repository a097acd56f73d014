#pragma once
// Whether this test program is built with a sanitizer (scripts/test --sanitize), and how much
// longer its waits for background work must then be: ASan and TSan run the engine several to
// fifteen times slower, and a test's own limit must not be what fails.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define EQ_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#ifndef EQ_SANITIZED
#define EQ_SANITIZED 1
#endif
#endif
#ifndef EQ_SANITIZED
#define EQ_SANITIZED 0
#endif

namespace eqtest {
// Multiplies every wait for a job in the studio's tests.
constexpr int kWaitScale = EQ_SANITIZED ? 20 : 1;
} // namespace eqtest
