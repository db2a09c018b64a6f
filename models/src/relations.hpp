// relations.hpp (private): parameter relations that several models share, one message each.
#pragma once

#include <string>

#include <fmt/format.h>

#include "spindle/time.hpp"

namespace spindle::models {

/// "" when V_reset < V_th, else why not.
inline std::string reset_below_threshold(double V_reset, double V_th) {
  if (V_reset < V_th) return {};
  return fmt::format(
      "V_reset = {} mV must be below V_th = {} mV: a cell reset at or above threshold would "
      "fire again at once",
      V_reset, V_th);
}

/// "" when the reset potential (parameter `name`) lies below the spike cut-off V_peak, else why
/// not (models that integrate the upswing to a peak: adex, izhikevich).
inline std::string reset_below_peak(const char* name, double reset, double V_peak) {
  if (reset < V_peak) return {};
  return fmt::format(
      "{} = {} mV must be below V_peak = {} mV: a cell reset at or above the spike cut-off "
      "would fire again at once",
      name, reset, V_peak);
}

/// "" when the refractory period fits in a simulation, else why not.
inline std::string refractory_fits(double t_ref) {
  if (t_ref <= max_time_ms) return {};
  return fmt::format("t_ref = {} ms is longer than the longest simulation ({} ms)", t_ref,
                     max_time_ms);
}

}  // namespace spindle::models
