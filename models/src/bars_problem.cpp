// The bars problem: images and the measures of a code on it.
#include "spindle/models/bars_problem.hpp"

#include <cmath>

namespace spindle::models::bars {

std::vector<double> render(std::uint32_t mask) {
  std::vector<double> x(pixels, 0.0);
  for (std::size_t b = 0; b < count; ++b) {
    if ((mask >> b & 1u) == 0) continue;
    for (std::size_t k = 0; k < side; ++k)
      x[b < side ? b * side + k : k * side + (b - side)] = 1.0;
  }
  return x;
}

std::uint32_t random_mask(RandomStream& rng, double p) {
  std::uint32_t mask = 0;
  for (std::size_t b = 0; b < count; ++b)
    if (rng.uniform() < p) mask |= 1u << b;
  return mask;
}

std::vector<std::uint32_t> random_masks(std::size_t n, std::uint64_t seed, std::uint64_t id) {
  RandomStream rng(seed, id, Purpose::stimulus);
  std::vector<std::uint32_t> masks(n);
  for (auto& m : masks)
    m = random_mask(rng);
  return masks;
}

BarCode bar_code(const Response& respond) {
  BarCode code;
  std::vector<bool> taken;
  code.one_to_one = true;
  for (std::size_t b = 0; b < count; ++b) {
    const std::vector<double> y = respond(render(1u << b));
    if (taken.empty()) taken.assign(y.size(), false);
    int unit = -1;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] > 0.0) unit = unit == -1 ? static_cast<int>(i) : -2;
    code.unit_of_bar.push_back(unit);
    if (unit < 0 || taken[static_cast<std::size_t>(unit)])
      code.one_to_one = false;
    else
      taken[static_cast<std::size_t>(unit)] = true;
  }
  return code;
}

OutputStatistics output_statistics(const Response& respond,
                                   const std::vector<std::uint32_t>& masks) {
  std::vector<std::vector<double>> ys;
  for (std::uint32_t m : masks)
    ys.push_back(respond(render(m)));
  OutputStatistics s;
  if (ys.empty()) return s;
  const std::size_t n = ys.front().size();
  const auto samples = static_cast<double>(ys.size());
  std::vector<double> mean(n, 0.0), sd(n, 0.0);
  for (const auto& y : ys)
    for (std::size_t i = 0; i < n; ++i)
      mean[i] += y[i] / samples;
  for (const auto& y : ys)
    for (std::size_t i = 0; i < n; ++i)
      sd[i] += (y[i] - mean[i]) * (y[i] - mean[i]) / samples;
  for (std::size_t i = 0; i < n; ++i) {
    sd[i] = std::sqrt(sd[i]);
    s.mean_activity += mean[i] / static_cast<double>(n);
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      if (sd[i] == 0.0 || sd[j] == 0.0) {
        ++s.constant_pairs;
        continue;
      }
      double c = 0.0;
      for (const auto& y : ys)
        c += (y[i] - mean[i]) * (y[j] - mean[j]) / samples;
      sum += std::abs(c / (sd[i] * sd[j]));
      ++s.pairs;
    }
  s.mean_abs_correlation = s.pairs > 0 ? sum / static_cast<double>(s.pairs) : 0.0;
  return s;
}

}  // namespace spindle::models::bars
