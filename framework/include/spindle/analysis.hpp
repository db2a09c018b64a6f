// spindle/analysis.hpp: spike-train statistics shared by the `spindle` program, the examples and
// the tests: per-population firing rate, CV of inter-spike intervals, Fano factor of the
// population spike count, and a population-rate histogram. Pure functions over the spikes a
// Simulation returns and its PopulationInfo; nothing here touches a running simulation.
//
// Conventions (the same in every function, so numbers from the program, examples and tests
// agree):
// - A window [t0, t1) selects spikes with t0 <= time < t1; spikes outside it are ignored.
// - A population is the global cell ids [first, first + size); other spikes are ignored.
// - Standard deviations and variances divide by n (population formulas, as numpy's default
//   and elephant's cv/fanofactor do), not n - 1.
// - A statistic that is undefined (no qualifying cell, zero mean count) is NaN; callers decide
//   how to show it (summary.json writes null).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spindle/simulation.hpp"
#include "spindle/time.hpp"

namespace spindle::analysis {

/// Number of spikes of population `pop` with t0 <= time < t1.
std::uint64_t spike_count(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                          Time t1);

/// Mean firing rate [Hz] of the population over [t0, t1): count / (size * (t1 - t0)).
/// Throws spindle::Error when t1 <= t0 or the population is empty.
double mean_rate_hz(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1);

/// CV of inter-spike intervals: for every cell with at least `min_spikes` spikes in [t0, t1)
/// (so at least min_spikes - 1 intervals), sd / mean of its intervals; the result is the mean
/// of those per-cell values. NaN when no cell qualifies. `min_spikes` must be >= 3: with two
/// spikes (one interval) the CV is always 0 and would bias the mean.
double cv_isi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
              std::size_t min_spikes = 3);

/// Number of cells that enter cv_isi (at least `min_spikes` spikes in [t0, t1)).
std::uint32_t cells_with_isi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                             Time t1, std::size_t min_spikes = 3);

/// Spike counts of the whole population in consecutive bins of width `bin` from t0. Only whole
/// bins are counted: a trailing part of [t0, t1) shorter than `bin` is dropped, since its
/// expected count is smaller and would distort a variance. Throws spindle::Error when
/// bin <= 0, t1 <= t0 or the window holds no whole bin.
std::vector<std::uint64_t> binned_counts(const std::vector<Spike>& spikes,
                                         const PopulationInfo& pop, Time t0, Time t1, Time bin);

/// Fano factor (variance / mean) of binned_counts(...). NaN when the mean count is 0.
double fano_factor(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
                   Time bin);

/// Golomb's synchrony measure chi (Golomb 2007, Scholarpedia 2:1347): the standard deviation of
/// the population-averaged spike count over the mean standard deviation of single cells' counts,
/// in whole bins of width `bin`: chi^2 = Var_t(mean_i n_i(t)) / mean_i Var_t(n_i(t)). About
/// 1/sqrt(N) for independent cells, 1 for perfect synchrony. NaN when no cell fires.
double synchrony_chi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
                     Time bin);

/// Population rate over time: bin i covers [edges_ms[i], edges_ms[i + 1]) and rate_hz[i] is the
/// spike count in it / (size * bin width). Unlike binned_counts the last bin may be shorter
/// than `bin` (it ends at t1) and is normalised by its own width, so the histogram covers the
/// whole window.
struct RateHistogram {
  std::vector<double> edges_ms;  ///< size() == rate_hz.size() + 1
  std::vector<double> rate_hz;
};
RateHistogram population_rate(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                              Time t1, Time bin);

/// The per-population line of a run summary.
struct PopulationSummary {
  std::string name;
  std::uint32_t cells = 0;
  std::uint64_t spikes = 0;
  double rate_hz = 0.0;
  double cv_isi = 0.0;               ///< NaN when no cell has >= 3 spikes
  std::uint32_t cells_with_isi = 0;  ///< cells that entered cv_isi
};

/// One PopulationSummary per population, in order, over [t0, t1); one pass over the spikes.
std::vector<PopulationSummary> summarize(const std::vector<Spike>& spikes,
                                         const std::vector<PopulationInfo>& populations, Time t0,
                                         Time t1);

/// A population made of every cell in `populations` (which must tile [0, N) without gaps, as a
/// Simulation's do), named `name`: the "all cells" line of a summary.
PopulationInfo all_cells(const std::vector<PopulationInfo>& populations, std::string name = "all");

}  // namespace spindle::analysis
