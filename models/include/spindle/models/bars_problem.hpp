// spindle/models/bars_problem.hpp: Földiák's (1990) bars problem and the measures of a learned
// code on it, shared by the rate and spiking sparse-coding networks (foldiak.hpp, sailnet.hpp),
// examples/sparse_coding and tests/validation/wta (science.md sec. 3.2).
//
// An 8 x 8 image holds any of 16 bars (bars 0-7: rows, 8-15: columns), each present
// independently with probability 1/8; overlapping pixels are 1 (logical OR).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "spindle/random.hpp"

namespace spindle::models::bars {

inline constexpr std::size_t side = 8, pixels = side * side, count = 2 * side;

/// The image of a set of bars (bit b of `mask` set: bar b present), as 64 values in {0, 1}.
std::vector<double> render(std::uint32_t mask);
/// A random set of bars: each present with probability p.
std::uint32_t random_mask(RandomStream& rng, double p = 1.0 / 8.0);
/// `n` random sets from the stream keyed (seed, id).
std::vector<std::uint32_t> random_masks(std::size_t n, std::uint64_t seed, std::uint64_t id);

/// A network's response to one image: the activity of each output unit (0/1 or spike counts).
using Response = std::function<std::vector<double>(const std::vector<double>& image)>;

/// Which unit codes which bar: each bar shown alone; unit_of_bar[b] is the one unit that
/// responds, -1 if none does, -2 if several do. one_to_one: every bar has one unit and no two
/// bars share a unit.
struct BarCode {
  std::vector<int> unit_of_bar;
  bool one_to_one = false;
};
BarCode bar_code(const Response& respond);

/// Mean |Pearson correlation| over the unit pairs whose activities vary on `masks` (pairs with
/// a silent or always-on unit are left out and counted), and the mean activity per unit.
struct OutputStatistics {
  double mean_abs_correlation = 0.0;
  double mean_activity = 0.0;
  std::size_t pairs = 0, constant_pairs = 0;
};
OutputStatistics output_statistics(const Response& respond,
                                   const std::vector<std::uint32_t>& masks);

}  // namespace spindle::models::bars
