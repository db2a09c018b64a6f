// Spike-train statistics; see spindle/analysis.hpp for the conventions (window, population,
// divide-by-n variances, NaN for undefined values).
#include "spindle/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool in_population(const Spike& s, const PopulationInfo& pop) noexcept {
  // Unsigned subtraction folds "below first" into "too large": one comparison.
  return s.cell - pop.first < pop.size;
}

bool in_window(const Spike& s, Time t0, Time t1) noexcept {
  return t0 <= s.time && s.time < t1;
}

void check_window(Time t0, Time t1, const char* what) {
  if (!(t0 < t1)) {
    throw Error(
        fmt::format("{}: the window [t0, t1) must have t1 > t0 (got t0 = {} ms, t1 = {} ms)", what,
                    t0.to_ms(), t1.to_ms()));
  }
}

void check_bin(Time bin, const char* what) {
  if (bin <= Time::zero()) {
    throw Error(fmt::format("{}: the bin width must be > 0 (got {} ms)", what, bin.to_ms()));
  }
}

/// Spike times of each cell of `pop` inside the window, grouped by cell (compressed rows:
/// cell i's times are ticks[offset[i] .. offset[i + 1]), ascending). Sorting each row makes the
/// statistics independent of the order the caller's spikes come in.
struct CellTrains {
  std::vector<std::size_t> offset;
  std::vector<std::int64_t> ticks;

  std::size_t count(std::size_t cell) const noexcept { return offset[cell + 1] - offset[cell]; }
};

CellTrains group_by_cell(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                         Time t1) {
  CellTrains trains;
  trains.offset.assign(static_cast<std::size_t>(pop.size) + 1, 0);
  for (const Spike& s : spikes) {
    if (in_population(s, pop) && in_window(s, t0, t1)) ++trains.offset[s.cell - pop.first + 1];
  }
  std::partial_sum(trains.offset.begin(), trains.offset.end(), trains.offset.begin());
  trains.ticks.resize(trains.offset.back());
  std::vector<std::size_t> cursor(trains.offset.begin(), trains.offset.end() - 1);
  for (const Spike& s : spikes) {
    if (in_population(s, pop) && in_window(s, t0, t1)) {
      trains.ticks[cursor[s.cell - pop.first]++] = s.time.ticks();
    }
  }
  for (std::size_t c = 0; c < pop.size; ++c) {
    const auto first = trains.ticks.begin() + static_cast<std::ptrdiff_t>(trains.offset[c]);
    const auto last = trains.ticks.begin() + static_cast<std::ptrdiff_t>(trains.offset[c + 1]);
    if (!std::is_sorted(first, last)) std::sort(first, last);
  }
  return trains;
}

/// sd / mean of the intervals of one ascending train of n >= 2 spikes.
double train_cv(const std::int64_t* t, std::size_t n) noexcept {
  const std::size_t m = n - 1;  // intervals
  // The mean interval telescopes; integer ticks keep it exact up to the final division.
  const double mean = static_cast<double>(t[n - 1] - t[0]) / static_cast<double>(m);
  if (mean == 0.0) return nan;  // every spike at one tick: the CV is undefined
  double ss = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double d = static_cast<double>(t[i + 1] - t[i]) - mean;
    ss += d * d;
  }
  return std::sqrt(ss / static_cast<double>(m)) / mean;
}

struct CvResult {
  double cv = nan;
  std::uint32_t cells = 0;
};

CvResult trains_cv(const CellTrains& trains, std::size_t cells, std::size_t min_spikes) {
  double sum = 0.0;
  std::uint32_t used = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    const std::size_t n = trains.count(c);
    if (n < min_spikes) continue;
    const double cv = train_cv(trains.ticks.data() + trains.offset[c], n);
    if (std::isnan(cv)) continue;
    sum += cv;
    ++used;
  }
  return {used > 0 ? sum / used : nan, used};
}

void check_min_spikes(std::size_t min_spikes) {
  if (min_spikes < 3) {
    throw Error(fmt::format(
        "cv_isi: min_spikes must be >= 3 (two spikes give one interval, whose CV is always 0); "
        "got {}",
        min_spikes));
  }
}

double seconds(Time t0, Time t1) noexcept {
  return (t1 - t0).to_ms() * 1e-3;
}

}  // namespace

std::uint64_t spike_count(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                          Time t1) {
  return static_cast<std::uint64_t>(
      std::count_if(spikes.begin(), spikes.end(),
                    [&](const Spike& s) { return in_population(s, pop) && in_window(s, t0, t1); }));
}

double mean_rate_hz(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1) {
  check_window(t0, t1, "mean_rate_hz");
  if (pop.size == 0) {
    throw Error(fmt::format("mean_rate_hz: population '{}' has no cells", pop.name));
  }
  return static_cast<double>(spike_count(spikes, pop, t0, t1)) /
         (static_cast<double>(pop.size) * seconds(t0, t1));
}

double cv_isi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
              std::size_t min_spikes) {
  check_window(t0, t1, "cv_isi");
  check_min_spikes(min_spikes);
  return trains_cv(group_by_cell(spikes, pop, t0, t1), pop.size, min_spikes).cv;
}

std::uint32_t cells_with_isi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                             Time t1, std::size_t min_spikes) {
  check_window(t0, t1, "cells_with_isi");
  check_min_spikes(min_spikes);
  return trains_cv(group_by_cell(spikes, pop, t0, t1), pop.size, min_spikes).cells;
}

std::vector<std::uint64_t> binned_counts(const std::vector<Spike>& spikes,
                                         const PopulationInfo& pop, Time t0, Time t1, Time bin) {
  check_window(t0, t1, "binned_counts");
  check_bin(bin, "binned_counts");
  const std::int64_t nbins = (t1 - t0).ticks() / bin.ticks();
  if (nbins == 0) {
    throw Error(fmt::format(
        "binned_counts: the window of {} ms holds no whole bin of {} ms; use a smaller bin",
        (t1 - t0).to_ms(), bin.to_ms()));
  }
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(nbins), 0);
  const Time end = t0 + Time::from_ticks(nbins * bin.ticks());  // drops the partial tail
  for (const Spike& s : spikes) {
    if (in_population(s, pop) && in_window(s, t0, end)) {
      ++counts[static_cast<std::size_t>((s.time - t0).ticks() / bin.ticks())];
    }
  }
  return counts;
}

double fano_factor(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
                   Time bin) {
  const std::vector<std::uint64_t> counts = binned_counts(spikes, pop, t0, t1, bin);
  const double n = static_cast<double>(counts.size());
  double sum = 0.0;
  for (const std::uint64_t c : counts)
    sum += static_cast<double>(c);
  const double mean = sum / n;
  if (mean == 0.0) return nan;
  double ss = 0.0;
  for (const std::uint64_t c : counts) {
    const double d = static_cast<double>(c) - mean;
    ss += d * d;
  }
  return (ss / n) / mean;
}

double synchrony_chi(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0, Time t1,
                     Time bin) {
  const std::size_t bins = binned_counts(spikes, pop, t0, t1, bin).size();  // validates too
  std::vector<std::uint32_t> counts(static_cast<std::size_t>(pop.size) * bins, 0);
  for (const Spike& s : spikes) {
    if (!in_population(s, pop) || !in_window(s, t0, t1)) continue;
    const auto b = static_cast<std::size_t>((s.time - t0).ticks() / bin.ticks());
    if (b < bins) ++counts[(s.cell - pop.first) * bins + b];
  }
  std::vector<double> pop_mean(bins, 0.0);
  double cell_var_sum = 0.0;
  for (std::size_t c = 0; c < pop.size; ++c) {
    double sum = 0.0, ss = 0.0;
    for (std::size_t b = 0; b < bins; ++b) {
      const double n = counts[c * bins + b];
      sum += n, ss += n * n;
      pop_mean[b] += n / pop.size;
    }
    const double mean = sum / static_cast<double>(bins);
    cell_var_sum += ss / static_cast<double>(bins) - mean * mean;
  }
  if (cell_var_sum <= 0.0) return nan;
  double m = 0.0, ss = 0.0;
  for (double v : pop_mean)
    m += v, ss += v * v;
  m /= static_cast<double>(bins);
  const double pop_var = ss / static_cast<double>(bins) - m * m;
  return std::sqrt(std::max(0.0, pop_var) / (cell_var_sum / pop.size));
}

RateHistogram population_rate(const std::vector<Spike>& spikes, const PopulationInfo& pop, Time t0,
                              Time t1, Time bin) {
  check_window(t0, t1, "population_rate");
  check_bin(bin, "population_rate");
  if (pop.size == 0) {
    throw Error(fmt::format("population_rate: population '{}' has no cells", pop.name));
  }
  const std::int64_t span = (t1 - t0).ticks();
  const std::int64_t nbins = (span + bin.ticks() - 1) / bin.ticks();  // last one may be partial
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(nbins), 0);
  for (const Spike& s : spikes) {
    if (in_population(s, pop) && in_window(s, t0, t1)) {
      ++counts[static_cast<std::size_t>((s.time - t0).ticks() / bin.ticks())];
    }
  }
  RateHistogram h;
  h.edges_ms.reserve(counts.size() + 1);
  h.rate_hz.reserve(counts.size());
  for (std::int64_t i = 0; i <= nbins; ++i) {
    const Time edge = i == nbins ? t1 : t0 + Time::from_ticks(i * bin.ticks());
    h.edges_ms.push_back(edge.to_ms());
  }
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double width_s = (h.edges_ms[i + 1] - h.edges_ms[i]) * 1e-3;
    h.rate_hz.push_back(static_cast<double>(counts[i]) / (static_cast<double>(pop.size) * width_s));
  }
  return h;
}

std::vector<PopulationSummary> summarize(const std::vector<Spike>& spikes,
                                         const std::vector<PopulationInfo>& populations, Time t0,
                                         Time t1) {
  check_window(t0, t1, "summarize");
  std::vector<PopulationSummary> out;
  out.reserve(populations.size());
  for (const PopulationInfo& pop : populations) {
    const CellTrains trains = group_by_cell(spikes, pop, t0, t1);
    const CvResult cv = trains_cv(trains, pop.size, 3);
    PopulationSummary s;
    s.name = pop.name;
    s.cells = pop.size;
    s.spikes = trains.ticks.size();
    s.rate_hz = pop.size == 0 ? nan
                              : static_cast<double>(s.spikes) /
                                    (static_cast<double>(pop.size) * seconds(t0, t1));
    s.cv_isi = cv.cv;
    s.cells_with_isi = cv.cells;
    out.push_back(std::move(s));
  }
  return out;
}

PopulationInfo all_cells(const std::vector<PopulationInfo>& populations, std::string name) {
  std::vector<PopulationInfo> sorted = populations;
  std::sort(sorted.begin(), sorted.end(),
            [](const PopulationInfo& a, const PopulationInfo& b) { return a.first < b.first; });
  std::uint32_t next = 0;
  for (const PopulationInfo& p : sorted) {
    if (p.first != next) {
      throw Error(
          fmt::format("all_cells: populations must cover cell ids 0..N-1 without gaps or overlaps; "
                      "'{}' starts at {}, expected {}",
                      p.name, p.first, next));
    }
    next = p.first + p.size;
  }
  return PopulationInfo{std::move(name), "", 0, next};
}

}  // namespace spindle::analysis
