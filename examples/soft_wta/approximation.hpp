// approximation.hpp: Maass's (2000) approximation theorem on the spiking soft WTA (science.md
// sec. 4), as examples/soft_wta runs it: a function F on [0, 1] from one soft-WTA stage on
// positive linear gates of x and 1 - x, read out with positive weights.
//
// Gates: the tangents of the convex c(x) = (x - 1/2)^2 + 3/4 at centres x_i = i / (n - 1),
// L_i(x) = c(x) - (x - x_i)^2 = (1 - (1 - x_i)^2) x + (1 - x_i^2) (1 - x): both weights lie
// in [0, 1], and at every x the gates rank by |x - x_i| (nearest first), whatever c(x).
// Soft-WTA output: Maass defines it by the rank of a unit's input, scaled into [0, 1]; here
// the rank of each unit's spike count in the circuit (rank_output()), so unit i's output is a
// bump around x_i, the same at every x. (The raw counts are not: they carry the envelope c(x),
// which rises by 1/4 towards the ends, and the subtractive pool does not remove it; reading
// them out directly gave rms 0.07, max 0.24 with 64 units.) Readout: non-negative least
// squares on the outputs plus one always-on unit, fitted on a training grid and judged on
// held-out inputs drawn at random from their own stream (not on the training grid).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <vector>

#include "soft_wta_experiment.hpp"
#include "spindle/random.hpp"

namespace soft_wta {

/// min ||A w - b||^2 over w >= 0 by projected coordinate descent (the problem is convex; each
/// step minimises exactly along one coordinate and clips at 0). A is rows x cols.
inline std::vector<double> nnls(const std::vector<std::vector<double>>& A,
                                const std::vector<double>& b) {
  const std::size_t m = A.size(), n = A[0].size();
  std::vector<double> G(n * n, 0.0), h(n, 0.0), w(n, 0.0);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t i = 0; i < n; ++i) {
      h[i] += A[r][i] * b[r];
      for (std::size_t j = 0; j < n; ++j)
        G[i * n + j] += A[r][i] * A[r][j];
    }
  for (int sweep = 0; sweep < 20000; ++sweep)
    for (std::size_t i = 0; i < n; ++i) {
      if (G[i * n + i] <= 0.0) continue;
      double grad = -h[i];
      for (std::size_t j = 0; j < n; ++j)
        grad += G[i * n + j] * w[j];
      w[i] = std::max(0.0, w[i] - grad / G[i * n + i]);
    }
  return w;
}

/// Maass's soft-WTA output read off the spike counts: unit i's rank rho_i among the counts
/// (1 = most spikes; tied counts share their mean rank) scaled into [0, 1] as
/// max(0, 1 - (rho_i - 1) / width): 1 for the top unit, falling linearly to 0 over `width`
/// ranks.
inline std::vector<double> rank_output(const std::vector<double>& count, double width) {
  std::vector<double> out(count.size());
  for (std::size_t i = 0; i < count.size(); ++i) {
    double above = 0.0, tied = 0.0;
    for (std::size_t j = 0; j < count.size(); ++j) {
      above += count[j] > count[i] ? 1.0 : 0.0;
      tied += j != i && count[j] == count[i] ? 1.0 : 0.0;
    }
    const double rank = 1.0 + above + 0.5 * tied;
    out[i] = std::max(0.0, 1.0 - (rank - 1.0) / width);
  }
  return out;
}

struct ApproximationSetup {
  std::size_t units = 32;
  double bias = -2.0;  ///< drive = rheobase (bias + gain L_i(x))
  double gain = 4.0;
  /// > 0: each unit's feature is its scaled rank (soft_wta_rank_output()) with this width;
  /// 0: its raw spike count.
  double rank_width = 0.0;
  double window_ms = 2000.0;  ///< counting window of the circuit
  std::size_t train = 101;    ///< training grid points, evenly spaced on [0, 1]
  std::size_t test = 200;     ///< held-out inputs, uniform on [0, 1]
};

struct Approximation {
  std::vector<double> x, target, fit;  ///< training grid
  std::vector<std::vector<double>> features;
  std::vector<double> weights;  ///< one per unit, then the always-on unit's
  double max_error_train = 0, rms_error_train = 0;
  double max_error_test = 0, rms_error_test = 0;
};

/// Each point's soft-WTA counts plus the always-on unit, for gates at inputs xs.
inline std::vector<std::vector<double>> gate_features(const Setup& circuit, std::size_t units,
                                                      const std::vector<double>& xs,
                                                      double rank_width, std::uint64_t seed) {
  std::vector<std::vector<double>> gates(xs.size(), std::vector<double>(units));
  for (std::size_t g = 0; g < xs.size(); ++g)
    for (std::size_t i = 0; i < units; ++i) {
      const double xi = static_cast<double>(i) / static_cast<double>(units - 1);
      gates[g][i] = (1.0 - (1.0 - xi) * (1.0 - xi)) * xs[g] + (1.0 - xi * xi) * (1.0 - xs[g]);
    }
  auto features = counts(circuit, gates, seed);
  for (auto& row : features) {
    if (rank_width > 0.0) row = rank_output(row, rank_width);
    row.push_back(1.0);
  }
  return features;
}

/// The setup examples/soft_wta uses for `units` units. Gain: near the top of the ranking the
/// gates of neighbouring units differ by about 4 gain / n^2 rheobases (two gates 1 / (n - 1)
/// apart, ~2 / n from x), and the circuit orders drives that differ by 0.02 rheobases (its
/// resolution, 0.01 in x at gain 2, soft_wta::Setup): so gain >= n^2 / 200; gain = n^2 / 64
/// (16 at 32 units) keeps a margin of 3 (with n^2 / 128, 32 units gave held-out rms 0.019,
/// max 0.092, from misranked top units; with n^2 / 64, 0.007 and 0.024). Bias: the top gate
/// at x = 1/2, where the gates' envelope c(x) is lowest (3/4), gets 2 rheobases. Rank width
/// 4: each unit's output is a bump about 4 / n wide in x, so the bumps narrow as n grows.
inline ApproximationSetup approximation_setup(std::size_t units) {
  ApproximationSetup a;
  a.units = units;
  a.gain = static_cast<double>(units * units) / 64.0;
  a.bias = 2.0 - 0.75 * a.gain;
  a.rank_width = 4.0;
  return a;
}

inline Approximation approximate(const Setup& base, const ApproximationSetup& a,
                                 const std::function<double(double)>& F, std::uint64_t seed) {
  Setup circuit = base;
  circuit.n = a.units;
  circuit.bias = a.bias;
  circuit.gain = a.gain;
  circuit.window_ms = a.window_ms;
  Approximation r;
  for (std::size_t g = 0; g < a.train; ++g)
    r.x.push_back(static_cast<double>(g) / static_cast<double>(a.train - 1));
  for (double v : r.x)
    r.target.push_back(F(v));
  r.features = gate_features(circuit, a.units, r.x, a.rank_width, seed);
  r.weights = nnls(r.features, r.target);
  const auto readout = [&](const std::vector<double>& f) {
    return std::inner_product(r.weights.begin(), r.weights.end(), f.begin(), 0.0);
  };
  for (std::size_t g = 0; g < a.train; ++g) {
    r.fit.push_back(readout(r.features[g]));
    const double e = std::abs(r.fit[g] - r.target[g]);
    r.max_error_train = std::max(r.max_error_train, e);
    r.rms_error_train += e * e / static_cast<double>(a.train);
  }
  r.rms_error_train = std::sqrt(r.rms_error_train);
  spindle::RandomStream rng(seed, 3, spindle::Purpose::stimulus);
  std::vector<double> xt(a.test);
  for (double& v : xt)
    v = rng.uniform();
  const auto test_features = gate_features(circuit, a.units, xt, a.rank_width, seed + 1);
  for (std::size_t g = 0; g < a.test; ++g) {
    const double e = std::abs(readout(test_features[g]) - F(xt[g]));
    r.max_error_test = std::max(r.max_error_test, e);
    r.rms_error_test += e * e / static_cast<double>(a.test);
  }
  r.rms_error_test = std::sqrt(r.rms_error_test);
  return r;
}

}  // namespace soft_wta
