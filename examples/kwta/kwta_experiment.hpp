// kwta_experiment.hpp: the HTM-style k-WTA experiment shared by examples/kwta and its
// validation test (tests/validation/wta): random sparse inputs through random binary weights
// give each of 2048 columns an overlap (the HTM spatial pooler's, science.md sec. 6.5); the
// overlaps drive the excitatory cells of a hard k-WTA circuit (spindle/models/wta.hpp) as DC
// currents; the circuit's winners (cells that spike while the input is on) are compared with
// the ideal top-k of the same overlaps.
//
// Inputs: `active_bits` of `input_bits` positions are on, each with an amplitude uniform in
// [0.5, 1). HTM inputs are binary, but binary inputs give integer overlaps with many exact ties
// at the k-th value (about 2048 * pmf ~ 10-25 columns share it), where "the" top-k is
// undefined; graded amplitudes break the ties. Column i is connected to each input bit with
// probability p_connected = 0.5 (NuPIC's potentialPct default, all potential synapses taken as
// connected: a choice made here).
//
// Drive: z_i = (overlap_i - mu) / sigma with the ensemble mean and s.d. of an overlap (known in
// closed form, the same for every input: a fixed gain, not a per-input normalisation), then
// I_i = I_rheobase * (1 + gain * (z_i - z_threshold)), clipped at 0. Cells above z_threshold
// (about the top 4 %) would all fire; the race is stopped by the pool after about k.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/wta.hpp"
#include "spindle/random.hpp"
#include "spindle/simulation.hpp"

namespace kwta {

using namespace spindle::literals;

struct Setup {
  std::size_t columns = 2048, k = 40;
  std::size_t input_bits = 1000, active_bits = 50;
  double p_connected = 0.5;
  double z_threshold = 1.75, gain = 0.5;  ///< drive rule (see the file comment)
  double period_ms = 600.0;   ///< one input per period; the gap lets the pool's count decay
  double duration_ms = 80.0;  ///< input on; winners are the cells spiking in it (+ 2 ms)
  std::size_t batch = 100;    ///< inputs per Simulation (memory of the step-current schedule)
  spindle::models::WtaParams circuit() const {
    spindle::models::WtaParams p;
    p.name = "kwta";
    p.n_exc = columns;
    p.n_pool = 10;
    p.k = k;
    return p;
  }
};

/// One sparse input: active positions (ascending) and their amplitudes.
struct SparseInput {
  std::vector<std::uint32_t> bits;
  std::vector<double> amplitude;
};

/// The columns' random binary weights: for each column, the input bits it is connected to.
class Columns {
 public:
  Columns(const Setup& s, std::uint64_t seed) : bits_(s.input_bits), connected_(s.columns) {
    for (std::size_t c = 0; c < s.columns; ++c) {
      spindle::RandomStream rng(seed, c, spindle::Purpose::connectivity);
      connected_[c].resize(bits_);
      for (std::size_t j = 0; j < bits_; ++j)
        connected_[c][j] = rng.uniform() < s.p_connected ? 1 : 0;
    }
  }
  std::vector<double> overlaps(const SparseInput& in) const {
    std::vector<double> o(connected_.size(), 0.0);
    for (std::size_t c = 0; c < connected_.size(); ++c)
      for (std::size_t a = 0; a < in.bits.size(); ++a)
        o[c] += connected_[c][in.bits[a]] * in.amplitude[a];
    return o;
  }

 private:
  std::size_t bits_;
  std::vector<std::vector<std::uint8_t>> connected_;
};

/// `active_bits` distinct positions, amplitudes uniform in [0.5, 1).
inline SparseInput random_input(const Setup& s, spindle::RandomStream& rng) {
  std::vector<std::uint32_t> all(s.input_bits);
  std::iota(all.begin(), all.end(), 0u);
  SparseInput in;
  for (std::size_t a = 0; a < s.active_bits; ++a) {  // partial Fisher-Yates
    std::swap(all[a], all[a + rng.below(s.input_bits - a)]);
    in.bits.push_back(all[a]);
    in.amplitude.push_back(rng.uniform(0.5, 1.0));
  }
  return in;
}

/// Input noise: each active bit moves, with probability `fraction`, to a position that is
/// inactive in the clean input (keeping its amplitude); the active count stays.
inline SparseInput noisy(const Setup& s, const SparseInput& clean, double fraction,
                         spindle::RandomStream& rng) {
  std::vector<std::uint8_t> used(s.input_bits, 0);
  for (auto b : clean.bits)
    used[b] = 1;
  SparseInput out = clean;
  for (auto& b : out.bits) {
    if (rng.uniform() >= fraction) continue;
    std::uint32_t to = 0;
    do {
      to = static_cast<std::uint32_t>(rng.below(s.input_bits));
    } while (used[to]);
    used[to] = 1;
    b = to;
  }
  return out;
}

/// DC drive [pA] of each column's cell (rule in the file comment).
inline std::vector<double> drive_pA(const Setup& s, const std::vector<double>& overlap) {
  const double n = static_cast<double>(overlap.size());
  const double mu = std::accumulate(overlap.begin(), overlap.end(), 0.0) / n;
  double var = 0.0;
  for (double o : overlap)
    var += (o - mu) * (o - mu);
  const double sigma = std::sqrt(var / n);
  const spindle::ParameterSet e = spindle::models::wta_exc_defaults();
  const double rheobase =
      (e.at("V_th").value - e.at("E_L").value) * e.at("C_m").value / e.at("tau_m").value;  // [pA]
  std::vector<double> I(overlap.size());
  for (std::size_t i = 0; i < overlap.size(); ++i)
    I[i] = std::max(0.0, rheobase * (1.0 + s.gain * ((overlap[i] - mu) / sigma - s.z_threshold)));
  return I;
}

/// Indices of the k largest values, ascending (ties to the lower index).
inline std::vector<std::uint32_t> top_k(const std::vector<double>& v, std::size_t k) {
  std::vector<std::uint32_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                    [&](auto a, auto b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

/// |a ∩ b| for ascending index lists.
inline std::size_t intersection_size(const std::vector<std::uint32_t>& a,
                                     const std::vector<std::uint32_t>& b) {
  std::vector<std::uint32_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both.size();
}

/// Runs the spiking circuit on each drive vector and returns each input's winners (columns that
/// spiked while it was on), ascending. Inputs go through one Simulation per `batch`.
inline std::vector<std::vector<std::uint32_t>> winners(
    const Setup& s, const spindle::models::WtaParams& circuit,
    const std::vector<std::vector<double>>& drives, std::uint64_t seed) {
  std::vector<std::vector<std::uint32_t>> out;
  const spindle::ModelRegistry registry = spindle::models::builtin_registry();
  for (std::size_t first = 0; first < drives.size(); first += s.batch) {
    const std::size_t n = std::min(s.batch, drives.size() - first);
    const std::vector<std::vector<double>> part(
        drives.begin() + static_cast<std::ptrdiff_t>(first),
        drives.begin() + static_cast<std::ptrdiff_t>(first + n));
    spindle::NetworkSpec net;
    const auto c = spindle::models::add_wta(net, circuit);
    net.spike_recorder.populations = {c.excitatory};
    spindle::models::add_input_schedule(net, c.excitatory, s.columns, part,
                                        spindle::Milliseconds{s.period_ms},
                                        spindle::Milliseconds{s.duration_ms});
    spindle::Simulation sim(net, registry, {.seed = seed + first});
    sim.run(spindle::Time::from_ms(static_cast<double>(n) * s.period_ms));
    const std::uint32_t exc_first = sim.populations()[0].first;
    std::vector<std::vector<std::uint32_t>> sets(n);
    for (const spindle::Spike& sp : sim.spikes()) {
      const double t = sp.time.to_ms();
      const auto i = static_cast<std::size_t>(t / s.period_ms);
      if (i < n && t - static_cast<double>(i) * s.period_ms < s.duration_ms + 2.0)
        sets[i].push_back(sp.cell - exc_first);
    }
    for (auto& w : sets) {
      std::sort(w.begin(), w.end());
      w.erase(std::unique(w.begin(), w.end()), w.end());
      out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace kwta
