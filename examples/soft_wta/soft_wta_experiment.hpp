// soft_wta_experiment.hpp: the soft winner-take-all experiments of examples/soft_wta, shared
// with tests/validation/wta (Maass 2000, science.md sec. 4). A soft-WTA circuit
// (spindle/models/wta.hpp, soft mode) gets one DC drive per excitatory cell,
// I_i = I_rheobase * max(0, bias + gain * x_i) for inputs x_i (a drive cannot be negative);
// its output is each cell's spike count over `window_ms` (the rate a downstream cell can
// read), started `settle_ms` after the input's onset. A shared pool subtracts one current from
// every cell, so higher drive means an earlier first spike and every later spike earlier too: the
// counts are non-increasing down the input ranking, and two inputs are told apart when their rates
// differ by at least one spike per window. That is the circuit's resolution in x (measured by
// resolution()).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/wta.hpp"
#include "spindle/simulation.hpp"

namespace soft_wta {

struct Setup {
  std::size_t n = 8;          ///< excitatory cells (inputs)
  double bias = 0.9;          ///< drive at x = 0, in rheobases
  double gain = 2.0;          ///< drive per unit x, in rheobases
  double settle_ms = 0.0;     ///< onset transient left out of the count (0: count from onset)
  double window_ms = 2000.0;  ///< counting window
  double gap_ms = 200.0;      ///< input off between presentations (the circuit relaxes)
  std::size_t batch = 200;    ///< presentations per Simulation
  /// Stated resolution in x: inputs closer than this may get equal counts. One spike per
  /// window over the count's slope near the top of the ranking (about 200 spikes per unit x
  /// at the defaults, docs/examples.md), doubled for the phase of the last spike: 0.01.
  double resolution = 0.01;

  spindle::models::WtaParams circuit() const {
    spindle::models::WtaParams p;
    p.name = "soft";
    p.mode = spindle::models::WtaMode::soft;
    p.n_exc = n;
    p.n_pool = 10;
    return p;
  }
  double period_ms() const { return settle_ms + window_ms + gap_ms; }
};

/// Each presentation's spike count per excitatory cell, for inputs `x` (each of size s.n, in
/// [0, 1]).
inline std::vector<std::vector<double>> counts(const Setup& s,
                                               const std::vector<std::vector<double>>& x,
                                               std::uint64_t seed) {
  const double rheobase = spindle::models::wta_exc_membrane(s.circuit()).rheobase.value();  // [pA]
  const spindle::ModelRegistry registry = spindle::models::builtin_registry();
  std::vector<std::vector<double>> out;
  for (std::size_t first = 0; first < x.size(); first += s.batch) {
    const std::size_t m = std::min(s.batch, x.size() - first);
    std::vector<std::vector<double>> drive(m, std::vector<double>(s.n));
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t c = 0; c < s.n; ++c)
        drive[i][c] = rheobase * std::max(0.0, s.bias + s.gain * x[first + i][c]);  // >= 0
    spindle::NetworkSpec net;
    const auto circuit = spindle::models::add_wta(net, s.circuit());
    net.spike_recorder.populations = {circuit.excitatory};
    spindle::models::add_input_schedule(net, circuit.excitatory, s.n, drive,
                                        spindle::Milliseconds{s.period_ms()},
                                        spindle::Milliseconds{s.settle_ms + s.window_ms});
    spindle::Simulation sim(net, registry, {.seed = seed});
    sim.run(spindle::Time::from_ms(static_cast<double>(m) * s.period_ms()));
    std::vector<std::vector<double>> part(m, std::vector<double>(s.n, 0.0));
    const std::uint32_t exc_first = sim.populations()[0].first;
    for (const spindle::Spike& sp : sim.spikes()) {
      const double t = sp.time.to_ms();
      const auto i = static_cast<std::size_t>(t / s.period_ms());
      const double since = t - static_cast<double>(i) * s.period_ms();
      if (i < m && since >= s.settle_ms && since < s.settle_ms + s.window_ms)
        part[i][sp.cell - exc_first] += 1.0;
    }
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

/// Whether the output ranks the cells as the input does: for every pair with x_i > x_j the
/// count of i exceeds that of j, unless both are 0 (the soft WTA's saturation at the bottom).
inline bool same_rank_order(const std::vector<double>& x, const std::vector<double>& count) {
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j)
      if (x[i] > x[j] && !(count[i] > count[j] || (count[i] == 0.0 && count[j] == 0.0)))
        return false;
  return true;
}

/// The k-WTA definition (Maass 2000, science.md sec. 4.1) read off the output: the k cells with
/// the largest counts are the k largest inputs, and the k-th count exceeds the (k+1)-th.
inline bool is_kwta(const std::vector<double>& x, const std::vector<double>& count, std::size_t k) {
  std::vector<std::size_t> by_x(x.size());
  for (std::size_t i = 0; i < by_x.size(); ++i)
    by_x[i] = i;
  std::sort(by_x.begin(), by_x.end(), [&](auto a, auto b) { return x[a] > x[b]; });
  double lowest_winner = count[by_x[0]], highest_loser = 0.0;
  for (std::size_t r = 0; r < by_x.size(); ++r)
    (r < k ? lowest_winner : highest_loser) =
        r < k ? std::min(lowest_winner, count[by_x[r]]) : std::max(highest_loser, count[by_x[r]]);
  return lowest_winner > highest_loser;
}

/// Smallest gap between two entries of x.
inline double min_gap(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  double g = 1.0;
  for (std::size_t i = 1; i < x.size(); ++i)
    g = std::min(g, x[i] - x[i - 1]);
  return g;
}

}  // namespace soft_wta
