// A tiny stand-in for the event kernel that drives one cell of a CellGroup through the contract
// of cell_model.hpp, so model tests need no network: it keeps the cell's prediction, delivers
// inputs and current changes in time order, calls check() when time reaches the prediction, and
// takes probe samples. It also enforces the contract (returned predictions are >= now, check()
// moves time forward) and throws std::logic_error on a violation.
//
// Defaults follow framework/src/simulation.cpp: at equal times inputs come before the threshold
// check and probes last, and a returned bound later than the stored one leaves the stored one in
// place. Both choices can be flipped to show that a model does not depend on them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/location.hpp"

namespace spindle::test {

struct EmuEvent {
  enum class Kind { input, current };
  Time t;
  Kind kind = Kind::input;
  double value = 0.0;            ///< weight (receptor's unit) or injected current [pA]
  std::size_t receptor = 0;      ///< for inputs
  std::optional<Location> at{};  ///< for inputs: delivered with receive_at() when set
};

inline EmuEvent emu_input(Time t, std::size_t receptor, double weight) {
  return {t, EmuEvent::Kind::input, weight, receptor};
}
inline EmuEvent emu_input_at(Time t, std::size_t receptor, double weight, Location where) {
  return {t, EmuEvent::Kind::input, weight, receptor, where};
}
inline EmuEvent emu_current(Time t, double current) {
  return {t, EmuEvent::Kind::current, current, 0};
}

struct EmuOptions {
  Time start = Time::zero();
  Time end = Time::from_ticks(std::int64_t{1} << 50);  ///< exclusive
  bool checks_before_inputs = false;  ///< tie order; the kernel delivers inputs first
  bool replace_predictions = false;   ///< the kernel keeps the earlier of stored and returned
  std::size_t probe_var = 0;
  std::vector<Time> probe_times;  ///< ascending
  std::size_t max_checks = 10'000'000;
};

struct EmuResult {
  std::vector<Time> spikes;
  std::vector<double> samples;  ///< one per probe time
  std::size_t checks = 0;       ///< check() calls
  std::size_t calls = 0;        ///< receive() and set_current() calls
};

/// Runs cell `cell` of `g` over [opt.start, opt.end) with `events` (ascending in time).
inline EmuResult emulate_cell(CellGroup& g, std::size_t cell, std::span<const EmuEvent> events,
                              const EmuOptions& opt = {}) {
  EmuResult out;
  const auto fail = [&](const std::string& what, Time t) {
    throw std::logic_error("kernel emulator, cell " + std::to_string(cell) + " at tick " +
                           std::to_string(t.ticks()) + ": " + what);
  };
  Time pred = g.predict(cell, opt.start);
  if (pred == keep_prediction) pred = Time::never();
  if (!pred.is_never() && pred < opt.start) fail("predict() returned a time in the past", pred);
  std::size_t i = 0, k = 0;
  for (;;) {
    const Time t_in = i < events.size() ? events[i].t : Time::never();
    const Time t_pr = k < opt.probe_times.size() ? opt.probe_times[k] : Time::never();
    const Time t_ck = pred;
    const Time now = std::min({t_in, t_pr, t_ck});
    if (now.is_never() || now >= opt.end) break;
    const bool take_check = t_ck == now && (t_in != now || opt.checks_before_inputs);
    if (take_check) {
      if (++out.checks > opt.max_checks) fail("too many checks: no progress", now);
      Time next = Time::never();
      if (g.check(cell, now, next)) out.spikes.push_back(now);
      if (next == keep_prediction) next = Time::never();  // the kernel erases the entry
      if (!next.is_never() && next <= now) fail("check() returned a time not after now", next);
      pred = next;
    } else if (t_in == now) {
      const EmuEvent& e = events[i++];
      ++out.calls;
      const Time r = e.kind == EmuEvent::Kind::current ? g.set_current(cell, now, e.value)
                     : e.at ? g.receive_at(cell, now, e.value, e.receptor, *e.at)
                            : g.receive(cell, now, e.value, e.receptor);
      if (r == keep_prediction) continue;
      if (r.is_never()) {
        pred = Time::never();
        continue;
      }
      if (r < now) fail("receive()/set_current() returned a time in the past", r);
      pred = opt.replace_predictions ? r : std::min(pred, r);
    } else {
      out.samples.push_back(g.probe(cell, opt.probe_var, now));
      ++k;
    }
  }
  return out;
}

}  // namespace spindle::test
