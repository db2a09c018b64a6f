// cli_values.hpp: strict parsing of command-line values. CLI11 hands us the text; these turn it
// into numbers and throw spindle::Error naming the option, what was given and what is allowed,
// so every bad value gets the same kind of message and exit status 2.
#pragma once

#include <cstdint>
#include <string>

namespace spindle::app {

/// A duration in ms: finite, > 0, at least one tick (1 ns), at most spindle::max_time_ms.
double parse_duration_ms(const std::string& option, const std::string& text);

/// A whole number in [lo, hi].
std::uint64_t parse_integer(const std::string& option, const std::string& text, std::uint64_t lo,
                            std::uint64_t hi);

/// A fraction in (0, 1], such as --scale.
double parse_fraction(const std::string& option, const std::string& text);

/// A random seed: any whole number in [0, 2^64 - 1].
std::uint64_t parse_seed(const std::string& option, const std::string& text);

}  // namespace spindle::app
