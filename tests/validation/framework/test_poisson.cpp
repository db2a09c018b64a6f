// Poisson generator: exact exponential intervals, an independent stream per target.
// Rate and CV within 3 standard errors over 1e5 spikes; KS test of the intervals.
#include <algorithm>
#include <cmath>
#include <memory>

#include "spindle/simulation.hpp"
#include "support/catch.hpp"
#include "support/test_models.hpp"

using namespace spindle;
using namespace spindle::literals;
using namespace spindle::test;

namespace {
struct PoissonRun {
  std::vector<std::vector<Received>> per_cell;
};

PoissonRun run_poisson(double rate_hz, std::size_t cells, double duration_ms, std::uint64_t seed) {
  auto log = std::make_shared<ListenerLog>();
  NetworkSpec net;
  net.add_population("sink", "listener", cells);
  net.add_poisson("sink", Hertz{rate_hz}, "exc", 1.0_pA);
  Simulation sim(net, test_registry(log), {.seed = seed});
  sim.run(Time::from_ms(duration_ms));
  return {log->per_cell};
}
}  // namespace

TEST_CASE("Poisson generator: rate and CV within 3 standard errors over 1e5 spikes",
          "[poisson][validation]") {
  // 10 targets x 2e3 s at 5 Hz: about 1e5 events. For a Poisson count N with mean lambda*T,
  // SE(rate) = sqrt(lambda*T)/T. For exponential ISIs the sample CV has SE ~ 1/sqrt(n)
  // (delta method: Var(CV^2) = 4/n at CV = 1). With a fixed seed the test is deterministic;
  // 3 SE would fail by chance for 0.3% of seeds.
  const double rate = 5.0, duration = 2e6;
  const auto run = run_poisson(rate, 10, duration, 11);
  std::vector<double> isi;
  std::size_t n = 0;
  for (const auto& cell : run.per_cell) {
    n += cell.size();
    for (std::size_t i = 1; i < cell.size(); ++i)
      isi.push_back((cell[i].t - cell[i - 1].t).to_ms());
  }
  REQUIRE(n >= 100'000 * 0.95);
  const double total_time_s = 10 * duration * 1e-3;
  const double measured_rate = static_cast<double>(n) / total_time_s;
  const double se_rate = std::sqrt(rate * total_time_s) / total_time_s;
  CHECK(std::abs(measured_rate - rate) < 3 * se_rate);

  double mean = 0, var = 0;
  for (double x : isi) mean += x;
  mean /= static_cast<double>(isi.size());
  for (double x : isi) var += (x - mean) * (x - mean);
  var /= static_cast<double>(isi.size() - 1);
  const double cv = std::sqrt(var) / mean;
  CHECK(std::abs(cv - 1.0) < 3.0 / std::sqrt(static_cast<double>(isi.size())));

  // One-sample Kolmogorov-Smirnov test against Exp(rate). The critical value at alpha = 0.01
  // is 1.628 / sqrt(n) for large n (Smirnov's asymptotic distribution).
  std::sort(isi.begin(), isi.end());
  const double m = static_cast<double>(isi.size());
  double d = 0;
  for (std::size_t i = 0; i < isi.size(); ++i) {
    const double f = 1.0 - std::exp(-isi[i] * rate * 1e-3);
    d = std::max({d, f - static_cast<double>(i) / m, static_cast<double>(i + 1) / m - f});
  }
  CHECK(d < 1.628 / std::sqrt(m));
  // The same statistic rejects a wrong rate: the test has power.
  double d_wrong = 0;
  for (std::size_t i = 0; i < isi.size(); ++i) {
    const double f = 1.0 - std::exp(-isi[i] * rate * 1.02e-3);
    d_wrong = std::max({d_wrong, f - static_cast<double>(i) / m, static_cast<double>(i + 1) / m - f});
  }
  CHECK(d_wrong > 1.628 / std::sqrt(m));
}

TEST_CASE("Poisson generator: targets get independent trains", "[poisson][validation]") {
  // Spike counts of two targets in 100 ms bins: Pearson correlation ~ N(0, 1/sqrt(bins)).
  const auto run = run_poisson(50.0, 2, 1e5, 5);
  const std::size_t bins = 1000;
  std::vector<double> a(bins, 0), b(bins, 0);
  for (const auto& r : run.per_cell[0]) a[std::min(bins - 1, std::size_t(r.t.to_ms() / 100))] += 1;
  for (const auto& r : run.per_cell[1]) b[std::min(bins - 1, std::size_t(r.t.to_ms() / 100))] += 1;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < bins; ++i) ma += a[i], mb += b[i];
  ma /= bins, mb /= bins;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < bins; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  CHECK(std::abs(sab / std::sqrt(saa * sbb)) < 4.0 / std::sqrt(double(bins)));
  CHECK(run.per_cell[0].front().t != run.per_cell[1].front().t);
}

TEST_CASE("Poisson generator: start and stop bound the train", "[poisson][validation]") {
  auto log = std::make_shared<ListenerLog>();
  NetworkSpec net;
  net.add_population("sink", "listener", 3);
  auto& st = net.add_poisson("sink", 1000.0_Hz, "exc", 1.0_pA);
  st.start_ms = 100.0;
  st.stop_ms = 200.0;
  Simulation sim(net, test_registry(log));
  sim.run(Time::from_ms(500));
  for (const auto& cell : log->per_cell) {
    REQUIRE(cell.size() > 50);  // 100 expected in the 100 ms window
    CHECK(cell.front().t >= Time::from_ms(100));
    CHECK(cell.back().t < Time::from_ms(200));
  }
}
