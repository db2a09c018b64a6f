// progress.hpp: the progress line `spindle run` draws on a terminal while it simulates
// (bar, percent, simulated time, ETA, real-time factor). It is fed by Simulation::run's
// ProgressCallback, which fires every epoch (every 0.1 ms of simulated time in CUBA), so it
// redraws at most ~10 times a second and costs one clock read per call otherwise.
#pragma once

#include <chrono>
#include <cstdio>

#include "spindle/time.hpp"

namespace spindle::app {

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  /// A bar drawn on `out` when `enabled`; a disabled bar does nothing, so callers need no
  /// branches. `start` is the simulated time the run begins at.
  ProgressBar(std::FILE* out, bool enabled, Time start);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Called with the simulation's (now, end); redraws when ~0.1 s has passed since the last.
  void update(Time now, Time end);
  /// Erases the line (the summary follows on stdout). Safe to call more than once.
  void finish();

  /// True when `stream` is a terminal: the only place a redrawn line makes sense.
  static bool is_terminal(std::FILE* stream);

 private:
  void draw(Time now, Time end, Clock::time_point wall_now);
  int width() const;

  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  Time start_;
  Clock::time_point wall_start_;
  Clock::time_point last_draw_;
};

/// "1:05", "12:34", "1:02:03": a duration in whole seconds for the ETA.
void format_hms(char* buf, std::size_t size, double seconds);

}  // namespace spindle::app
