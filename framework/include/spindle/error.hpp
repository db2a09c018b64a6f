// spindle/error.hpp: the one exception type for user mistakes (bad parameters, files,
// command lines). Its message names the item, what was wrong and what is allowed; the
// program prints it and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace spindle {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// A bug inside Spindle (a broken invariant), never a user mistake.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& what) : std::logic_error(what) {}
};

}  // namespace spindle

#define SPINDLE_STRINGIFY2(x) #x
#define SPINDLE_STRINGIFY(x) SPINDLE_STRINGIFY2(x)
/// Internal invariant check; on in debug and sanitizer builds, free in release builds.
#ifdef NDEBUG
#define SPINDLE_ASSERT(cond) ((void)0)
#else
#define SPINDLE_ASSERT(cond)                                  \
  ((cond) ? (void)0                                           \
          : throw ::spindle::InternalError(                   \
                __FILE__ ":" SPINDLE_STRINGIFY(__LINE__) ": " \
                                                         "assertion failed: " #cond))
#endif
