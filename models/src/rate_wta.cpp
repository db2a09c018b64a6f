// Kriener, Chaudhuri & Fiete rate-model WTA: one trial, trial batches, and the T(N) fit.
#include "spindle/models/rate_wta.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>

#include "spindle/error.hpp"
#include "spindle/random.hpp"

namespace spindle::models::rate_wta {
namespace {

void check(const Params& p, std::size_t n) {
  const bool ok = n >= 2 && p.tau > 0 && p.tau_eta > 0 && p.dt > 0 && p.dt <= p.tau &&
                  p.sigma >= 0 && p.alpha < 1 && p.decision_fraction > 0 && p.check_every > 0 &&
                  p.t_max > 0;
  if (!ok)
    throw Error(
        "rate_wta: need n >= 2, tau, tau_eta, dt > 0 with dt <= tau, sigma >= 0, alpha < 1, "
        "decision_fraction > 0, check_every > 0 and t_max > 0");
}

std::int64_t steps_of(double t, double dt) {
  return std::llround(t / dt);
}

/// The gate g(x) through which a unit inhibits the others.
template <Inhibition kind>
inline double gate(double x, double theta) {
  if constexpr (kind == Inhibition::nonlinear)
    return x >= theta ? x : 0.0;
  else
    return x;
}

template <Inhibition kind>
Trial simulate(const Params& p, std::size_t n, std::uint64_t seed, std::uint64_t trial) {
  RandomStream rng(seed, trial, Purpose::stimulus, n);
  std::vector<double> x(n, 0.0), eta(n, 0.0), z(n), b(n, 1.0 - p.delta);
  b[0] = 1.0;
  const double b_max = std::max(b[0], b[1]);
  const double level = p.decision_fraction * b_max / (1.0 - p.alpha);
  // Exact OU step: eta <- a eta + sigma sqrt(2 tau_eta) sqrt((1 - a^2) / (2 tau_eta)) N(0, 1).
  const double a = std::exp(-p.dt / p.tau_eta);
  const double kick =
      p.sigma * std::sqrt(2.0 * p.tau_eta) * std::sqrt((1.0 - a * a) / (2.0 * p.tau_eta));
  const double k = p.dt / p.tau;
  const std::int64_t first_check = steps_of(p.first_check, p.dt);
  const std::int64_t check_every = std::max<std::int64_t>(1, steps_of(p.check_every, p.dt));
  const std::int64_t last = std::max<std::int64_t>(1, steps_of(p.t_max, p.dt));
  const auto argmax = [&] { return std::max_element(x.begin(), x.end()) - x.begin(); };

  double inhibition = 0.0;  // sum_j g(x_j), all units
  for (std::int64_t step = 1;; ++step) {
    if (p.sigma > 0)
      for (double& zi : z)
        zi = rng.normal();
    else
      std::fill(z.begin(), z.end(), 0.0);
    // Element-wise (the compiler vectorises it), then the two reductions in four fixed lanes:
    // the same sums whatever the machine, and still vectorisable without reassociating.
    const double total = inhibition;
    for (std::size_t i = 0; i < n; ++i) {
      eta[i] = a * eta[i] + kick * z[i];
      const double drive =
          b[i] + p.alpha * x[i] - p.beta * (total - gate<kind>(x[i], p.theta)) + eta[i];
      x[i] += k * (std::max(drive, 0.0) - x[i]);
    }
    std::array<double, 4> sums{}, tops{};
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4)
      for (std::size_t l = 0; l < 4; ++l) {
        sums[l] += gate<kind>(x[j + l], p.theta);
        tops[l] = std::max(tops[l], x[j + l]);
      }
    for (; j < n; ++j) {
      sums[0] += gate<kind>(x[j], p.theta);
      tops[0] = std::max(tops[0], x[j]);
    }
    inhibition = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    const double top = std::max(std::max(tops[0], tops[1]), std::max(tops[2], tops[3]));
    const double t = static_cast<double>(step) * p.dt;
    if (top >= level) return {Outcome::decided, t, argmax() == 0};
    if (step >= first_check && (step - first_check) % check_every == 0) {
      const auto w = argmax();
      double second = 0.0;
      for (std::size_t u = 0; u < n; ++u)
        if (static_cast<std::ptrdiff_t>(u) != w) second = std::max(second, x[u]);
      if (second > p.abort_ratio * x[static_cast<std::size_t>(w)])
        return {Outcome::no_winner, t, w == 0};
    }
    if (step >= last) return {Outcome::timed_out, t, argmax() == 0};
  }
}

}  // namespace

Trial run_trial(const Params& p, std::size_t n, std::uint64_t seed, std::uint64_t trial) {
  check(p, n);
  return p.inhibition == Inhibition::nonlinear
             ? simulate<Inhibition::nonlinear>(p, n, seed, trial)
             : simulate<Inhibition::conventional>(p, n, seed, trial);
}

Summary run_trials(const Params& p, std::size_t n, std::size_t trials, std::uint64_t seed) {
  check(p, n);
  std::vector<Trial> results(trials);
  tbb::parallel_for(std::size_t{0}, trials,
                    [&](std::size_t i) { results[i] = run_trial(p, n, seed, i); });
  Summary s;
  s.n = n;
  s.trials = trials;
  std::vector<double> times;
  for (const Trial& r : results) {
    if (r.outcome == Outcome::decided) {
      ++s.decided;
      s.correct += r.correct ? 1 : 0;
      times.push_back(r.time);
    } else if (r.outcome == Outcome::no_winner) {
      ++s.no_winner;
    } else {
      ++s.timed_out;
    }
  }
  const MeanSe t = mean_se(times);
  s.mean_decision_time = t.mean;
  s.se_decision_time = t.se;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const auto all = static_cast<double>(trials);
  s.accuracy = trials > 0 ? static_cast<double>(s.correct) / all : nan;
  s.se_accuracy = trials > 0 ? std::sqrt(s.accuracy * (1.0 - s.accuracy) / all) : nan;
  s.no_winner_fraction = trials > 0 ? static_cast<double>(s.no_winner) / all : nan;
  s.timed_out_fraction = trials > 0 ? static_cast<double>(s.timed_out) / all : nan;
  return s;
}

MeanSe mean_se(const std::vector<double>& values) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const auto m = static_cast<double>(values.size());
  MeanSe r;
  r.mean = values.empty() ? nan : std::accumulate(values.begin(), values.end(), 0.0) / m;
  double sum_sq = 0.0;
  for (double v : values)
    sum_sq += (v - r.mean) * (v - r.mean);
  r.se = values.size() > 1 ? std::sqrt(sum_sq / (m - 1.0) / m) : nan;
  return r;
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    throw Error("fit_line: need two or more points and as many x as y values");
  const auto m = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / m;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / m;
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0.0) throw Error("fit_line: all x values are equal");
  LineFit f;
  f.c = sxy / sxx;
  f.a = my - f.c * mx;
  f.r2 = syy > 0.0 ? sxy * sxy / (sxx * syy) : 1.0;
  return f;
}

}  // namespace spindle::models::rate_wta
