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
// Drive: z_i = (overlap_i - mu) / sigma with the mean and s.d. of that input's overlaps, then
// I_i = I_rheobase * (1 + gain * (z_i - z_threshold)), clipped at 0, where I_rheobase is the
// excitatory model's (wta_exc_membrane()). Cells above z_threshold (about the top 4 %) would
// all fire; the race is stopped by the pool after about k.
//
// Placement of the inhibition (perisomatic_circuit(), dendritic_circuit()): the same circuit
// with `pyramidal_dendritic` excitatory cells (a lif_cond soma with tau_m = 20 ms, as the
// lif_exp cells, and a dendritic tree), the pool's GABA_A synapses either on the soma or on the
// apical trunk at a path distance d, with the same peak conductance per synapse. On the trunk
// with gaba_to_soma = 1 (pyramidal_dendritic.hpp) each pool spike also reaches the soma as a
// shunt attenuated by exp(-d / lambda_epsp) and delayed by d epsp_delay_per_100um / 100 um;
// with gaba_to_soma = 0 it acts on bAP calcium only (no somatic reach: the limiting case). The
// latency race depends only on I / I_rheobase and tau_m, so the drive rule and the pool's
// trigger count carry over unchanged.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "spindle/models/builtin.hpp"
#include "spindle/models/pyramidal_dendritic.hpp"
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
  /// Placement comparison: pool -> E peak conductance per synapse [nS] (each pool spike; 10
  /// pool cells) and the dendritic contacts (apical trunk, path distance from the soma [um]).
  double g_pool_exc_nS = 10.0;
  std::vector<double> dendritic_contacts_um = {50.0, 150.0, 250.0};
  spindle::models::WtaParams circuit() const {
    spindle::models::WtaParams p;
    p.name = "kwta";
    p.n_exc = columns;
    p.n_pool = 10;
    p.k = k;
    return p;
  }
};

/// The circuit with pyramidal_dendritic cells and the pool's synapses on the soma.
inline spindle::models::WtaParams perisomatic_circuit(const Setup& s) {
  return spindle::models::with_pyramidal_dendritic(s.circuit(),
                                                   spindle::Nanosiemens{s.g_pool_exc_nS});
}

/// The point of the apical trunk at path distance `d_um` from the soma (on the trunk branch
/// that contains it; the trunk is the chain soma -> apical_trunk_leaf()).
inline spindle::LocationSpec apical_trunk_at(double d_um) {
  const spindle::Morphology m = spindle::models::pyramidal_dendritic_morphology();
  std::vector<std::size_t> chain;
  for (int b = static_cast<int>(spindle::models::apical_trunk_leaf(m)); b >= 0;
       b = m.branches[static_cast<std::size_t>(b)].parent)
    chain.push_back(static_cast<std::size_t>(b));
  for (auto b = chain.rbegin(); b != chain.rend(); ++b)
    if (d_um < m.start_um(*b) + m.branches[*b].length_um || std::next(b) == chain.rend())
      return spindle::locate::dendrite(m.branches[*b].name, spindle::Micrometres{d_um});
  return spindle::locate::soma();  // unreachable: the trunk has at least one branch
}

/// The circuit with the pool's synapses on the apical trunk at `contact_um`; `reaches_soma`
/// sets pyramidal_dendritic's gaba_to_soma (see the file comment).
inline spindle::models::WtaParams dendritic_circuit(const Setup& s, double contact_um,
                                                    bool reaches_soma) {
  spindle::models::WtaParams p = perisomatic_circuit(s);
  p.inhibition_location = apical_trunk_at(contact_um);
  p.exc_parameters["gaba_to_soma"] = reaches_soma ? 1.0 : 0.0;
  return p;
}

/// First-spike latency [ms] of a LIF cell starting at rest under a constant drive of
/// `rheobases` times its rheobase, without any inhibition: tau_m ln(r / (r - 1)), infinite for
/// r <= 1 (the membrane relaxes to E_L + r (V_th - E_L)).
inline double free_latency_ms(double rheobases, double tau_m_ms) {
  return rheobases > 1.0 ? tau_m_ms * std::log(rheobases / (rheobases - 1.0))
                         : std::numeric_limits<double>::infinity();
}

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

/// The columns whose cell, without any inhibition, fires its first spike while the input is on
/// (free_latency_ms() < duration; drive in rheobases): the active set that an inhibition which
/// never reaches the soma leaves.
inline std::vector<std::uint32_t> uninhibited_set(const Setup& s, const std::vector<double>& drive,
                                                  double tau_m_ms) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < drive.size(); ++i)
    if (free_latency_ms(drive[i], tau_m_ms) < s.duration_ms)
      out.push_back(static_cast<std::uint32_t>(i));
  return out;
}

/// DC drive of each column's cell in units of the cell's rheobase (rule in the file comment).
inline std::vector<double> drive_rheobases(const Setup& s, const std::vector<double>& overlap) {
  const double n = static_cast<double>(overlap.size());
  const double mu = std::accumulate(overlap.begin(), overlap.end(), 0.0) / n;
  double var = 0.0;
  for (double o : overlap)
    var += (o - mu) * (o - mu);
  const double sigma = std::sqrt(var / n);
  std::vector<double> r(overlap.size());
  for (std::size_t i = 0; i < overlap.size(); ++i)
    r[i] = std::max(0.0, 1.0 + s.gain * ((overlap[i] - mu) / sigma - s.z_threshold));
  return r;
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

/// Statistics of a run's winner sets against the ideal top-k sets of the same inputs.
struct Summary {
  double mean_active = 0, sd_active = 0, mean_overlap = 0, within = 0;
  double precision = 0;  ///< mean fraction of the active cells that are in the top-k
};

inline Summary summarize(const std::vector<std::vector<std::uint32_t>>& winners,
                         const std::vector<std::vector<std::uint32_t>>& ideal, std::size_t k) {
  Summary s;
  const auto n = static_cast<double>(winners.size());
  double sq = 0;
  for (std::size_t i = 0; i < winners.size(); ++i) {
    const auto a = static_cast<double>(winners[i].size());
    s.mean_active += a / n;
    sq += a * a / n;
    const auto both = static_cast<double>(intersection_size(winners[i], ideal[i]));
    s.mean_overlap += both / static_cast<double>(k) / n;
    s.precision += (a > 0 ? both / a : 0.0) / n;
    if (std::abs(a - static_cast<double>(k)) <= 4.0) s.within += 1.0 / n;
  }
  s.sd_active = std::sqrt(std::max(0.0, sq - s.mean_active * s.mean_active));
  return s;
}

/// Runs the spiking circuit on each drive vector (in rheobases, drive_rheobases()) and returns
/// each input's winners (columns that spiked while it was on), ascending. Inputs go through
/// one Simulation per `batch`.
inline std::vector<std::vector<std::uint32_t>> winners(
    const Setup& s, const spindle::models::WtaParams& circuit,
    const std::vector<std::vector<double>>& drives, std::uint64_t seed) {
  std::vector<std::vector<std::uint32_t>> out;
  const spindle::ModelRegistry registry = spindle::models::builtin_registry();
  const double rheobase = spindle::models::wta_exc_membrane(circuit).rheobase.value();  // [pA]
  for (std::size_t first = 0; first < drives.size(); first += s.batch) {
    const std::size_t n = std::min(s.batch, drives.size() - first);
    std::vector<std::vector<double>> part(drives.begin() + static_cast<std::ptrdiff_t>(first),
                                          drives.begin() + static_cast<std::ptrdiff_t>(first + n));
    for (auto& input : part)
      for (double& d : input)
        d *= rheobase;
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
