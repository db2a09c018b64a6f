// Siegert rate and Brunel's self-consistent rate (models/mean_field.hpp) against hand-derived
// limits and an independent high-precision evaluation.
//
// Reference values marked [mpmath] were computed with mpmath 1.3.0 at 40 significant digits,
// straight from the textbook forms (erfcx(x) = exp(x^2) erfc(x); the Siegert integrand
// exp(u^2) (1 + erf u) with no rewriting; mp.findroot for the fixed point), so they share no
// code or numerical trick with the implementation under test.
#include <cmath>
#include <numbers>

#include "spindle/error.hpp"
#include "spindle/models/mean_field.hpp"
#include "support/catch.hpp"

using namespace spindle;
using namespace spindle::models;
using Catch::Matchers::WithinRel;

TEST_CASE("erfcx: matches a 40-digit reference on both branches and across the switch at 8",
          "[mean_field][validation]") {
  // [mpmath]. 4e-15 relative is about 20 ulp: the product of two correctly rounded libm
  // results plus the exact split of x^2. The naive exp(x^2) * erfc(x) gives inf * 0 = NaN at
  // x = 100 and loses all digits beyond x = 26.6, so the large-x values test the series branch.
  const std::pair<double, double> ref[] = {
      {-5.0, 144009798674.66104},    {-1.0, 5.0089800807622835},  {0.0, 1.0},
      {0.5, 0.61569034419292587},    {3.0, 0.17900115118138995},  {7.9, 0.070857477367397131},
      {8.0, 0.069985166200880928},   {8.1, 0.069133920177343152}, {20.0, 0.028174348741051319},
      {100.0, 0.0056416137829894329}};
  for (auto [x, expected] : ref) {
    CAPTURE(x);
    CHECK_THAT(erfcx(x), WithinRel(expected, 4e-15));
  }
}

TEST_CASE("Siegert rate: noise-free limit, Kramers limit, reference values and errors",
          "[mean_field][validation]") {
  const LifRateNeuron n;  // tau 20 ms, t_ref 2 ms, theta 20 mV, V_r 10 mV (Brunel 2000)

  SECTION(
      "sigma -> 0 above threshold: the deterministic period t_ref + tau ln((mu-V_r)/(mu-theta))") {
    // With mu = 30 mV: 1/(2 ms + 20 ms ln 2) = 63.0400022 Hz. The first noise correction is of
    // order (sigma/(mu - theta))^2: 1e-6 at sigma = 0.01 mV, 1e-8 at 0.001 mV (measured:
    // 2.4e-7 and 2.4e-9). Assert 1e-5 and 1e-7; the integration runs over u in [-2e4, -1e4],
    // where the naive integrand has lost every digit.
    const double deterministic = 1e3 / (n.t_ref + n.tau_m * std::log(20.0 / 10.0));
    CHECK_THAT(siegert_rate_hz(30.0, 0.01, n), WithinRel(deterministic, 1e-5));
    CHECK_THAT(siegert_rate_hz(30.0, 0.001, n), WithinRel(deterministic, 1e-7));
  }

  SECTION(
      "far below threshold: the escape rate y e^{-y^2} / (tau sqrt(pi) (1 + 1/2y^2 + 3/4y^4))") {
    // mu = 0, sigma = 2 mV: y_theta = 10, y_r = 5. The integral is 2 e^{y^2} D(y) (Dawson's
    // function) up to terms e^{-75} smaller; D's asymptotic series is used to third order, so
    // the next term, 15/(8 y^6) = 1.9e-6, bounds the difference (measured: 1.93e-6).
    const double y = 10.0, tau_s = n.tau_m * 1e-3;
    const double escape = y * std::exp(-y * y) /
                          (tau_s * std::sqrt(std::numbers::pi) *
                           (1.0 + 1.0 / (2 * y * y) + 3.0 / (4 * y * y * y * y)));
    CHECK_THAT(siegert_rate_hz(0.0, 2.0, n), WithinRel(escape, 3e-6));
    // Far enough below that the rate underflows: reported as exactly 0.
    CHECK(siegert_rate_hz(-50.0, 2.0, n) == 0.0);
  }

  SECTION("reference values [mpmath] over sub- and suprathreshold drive") {
    // Quadrature tolerance is 1e-13; 1e-10 leaves room for the conditioning of 1/(...).
    CHECK_THAT(siegert_rate_hz(10.0, 2.0, n), WithinRel(1.91792829925472e-9, 1e-10));
    CHECK_THAT(siegert_rate_hz(15.0, 5.0, n), WithinRel(9.46079980575913, 1e-10));
    CHECK_THAT(siegert_rate_hz(25.0, 3.0, n), WithinRel(44.0705917736289, 1e-10));
    CHECK_THAT(siegert_rate_hz(0.0, 3.0, n), WithinRel(9.27460228576236e-18, 1e-10));
  }

  SECTION("bounded by 1/t_ref and increasing in mu") {
    double previous = 0.0;
    for (double mu = -10.0; mu <= 200.0; mu += 5.0) {
      const double r = siegert_rate_hz(mu, 5.0, n);
      CAPTURE(mu, r);
      CHECK(r > previous);
      CHECK(r < 1e3 / n.t_ref);
      previous = r;
    }
  }

  SECTION("bad arguments are errors") {
    CHECK_THROWS_AS(siegert_rate_hz(10.0, 0.0, n), Error);
    CHECK_THROWS_AS(siegert_rate_hz(std::nan(""), 1.0, n), Error);
    CHECK_THROWS_AS(siegert_rate_hz(10.0, 1.0, LifRateNeuron{20.0, 2.0, 10.0, 10.0}), Error);
  }
}

TEST_CASE("Brunel mean field: input moments, self-consistent rates of Fig. 8 and multiplicity",
          "[mean_field][validation]") {
  BrunelParams p;  // published sizes, g = 5, eta = 2

  SECTION("input at nu = 0 is the external drive alone: mu = eta theta, sigma^2 = J eta theta") {
    // nu_ext = eta theta / (J C_E tau), so mu = C_E J tau nu_ext = eta theta exactly, and
    // sigma^2 = J^2 C_E tau nu_ext = J eta theta (hand algebra).
    const BrunelInput in = brunel_input(p, 0.0);
    CHECK_THAT(p.nu_thr_hz(), WithinRel(10.0, 1e-14));
    CHECK_THAT(in.mu, WithinRel(p.eta * p.theta, 1e-14));
    CHECK_THAT(in.sigma, WithinRel(std::sqrt(p.J * p.eta * p.theta), 1e-14));
  }

  SECTION("nu_0 of panels B, C, D [mpmath], each a fixed point of the Siegert map") {
    // Root tolerance is 2^-40 relative (~1e-12); quadrature 1e-13. Assert 1e-9.
    const struct {
      double g, eta, nu0;
    } panels[] = {{6.0, 4.0, 55.8412623762}, {5.0, 2.0, 37.9496970858}, {4.5, 0.9, 6.51670226842}};
    for (const auto& panel : panels) {
      p.g = panel.g;
      p.eta = panel.eta;
      CAPTURE(p.g, p.eta);
      const double nu0 = brunel_rate_hz(p);
      CHECK_THAT(nu0, WithinRel(panel.nu0, 1e-9));
      const BrunelInput in = brunel_input(p, nu0);
      CHECK_THAT(siegert_rate_hz(in.mu, in.sigma, {p.tau_m, p.t_ref, p.theta, p.V_r}),
                 WithinRel(nu0, 1e-9));
    }
  }

  SECTION("nu_0 does not depend on N; reduced() keeps J C_E, hence mu(nu) and nu_thr") {
    const double nu0 = brunel_rate_hz(p);
    CHECK(brunel_rate_hz(p.reduced(0.4, 1.0)) == nu0);  // sizes enter nowhere
    const BrunelParams r = p.reduced(1.0, 0.5);
    CHECK(r.C_E == 500);
    CHECK(r.C_I == 125);
    CHECK_THAT(r.J * static_cast<double>(r.C_E),
               WithinRel(p.J * static_cast<double>(p.C_E), 1e-15));
    CHECK_THAT(brunel_input(r, 20.0).mu, WithinRel(brunel_input(p, 20.0).mu, 1e-14));
    // sigma^2 grows as 1/c_scale, which raises nu_0 (measured 41.25 Hz vs 37.95 Hz).
    CHECK_THAT(brunel_input(r, 20.0).sigma,
               WithinRel(brunel_input(p, 20.0).sigma * std::sqrt(2.0), 1e-14));
    CHECK(brunel_rate_hz(r) > nu0);
  }

  SECTION("excitation-dominated weak drive: quiescent, unstable and saturated rates") {
    // g = 0, eta = 0.5: the external drive alone has mu = 10, sigma = 1 mV (y_theta = 10), so
    // the lowest root is that escape rate, 1.0441e-41 Hz (the Kramers value checked above);
    // the highest lies just below 1/t_ref = 500 Hz. brunel_rate_hz refuses to pick one.
    p.g = 0.0;
    p.eta = 0.5;
    const auto roots = brunel_fixed_points_hz(p);
    REQUIRE(roots.size() == 3);
    CHECK_THAT(roots[0], WithinRel(1.04411315408e-41, 1e-9));
    CHECK(roots[1] > 1.0);
    CHECK(roots[1] < 10.0);
    CHECK(roots[2] > 400.0);
    CHECK(roots[2] < 500.0);
    CHECK_THROWS_AS(brunel_rate_hz(p), Error);
    p.t_ref = 0.0;
    CHECK_THROWS_AS(brunel_fixed_points_hz(p), Error);
  }
}
