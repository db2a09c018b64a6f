// spindle/models/exp_sum_roots.hpp: the first upward zero crossing of a sum of decaying
// exponentials, f(t) = c0 + sum_k c_k exp(-t / tau_k). Current-based LIF models with
// exponential synapses (lif_exp) write V(t) - V_th in this form between events, so this is their
// exact threshold search.
//
// Guarantee: every zero crossing of f in [0, t_max] at which f rises above 0 by more than the
// rounding error of evaluating f (a few ulp of c0 + sum |c_k|) is found, and the first one is
// returned to within 1e-13 ms, never before it (the returned t has f(t) >= 0). The search cannot
// miss a crossing between sample points because it samples none: the Rolle/Descartes reduction
// below splits [0, horizon] into pieces on each of which f has at most one zero.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <span>

namespace spindle::models {

/// One term coeff * exp(-t / tau) [coeff in the unit of f, tau in ms, tau > 0].
struct ExpTerm {
  double coeff = 0.0;
  double tau = 1.0;
};

/// Most terms first_crossing accepts (after merging equal time constants).
inline constexpr std::size_t max_exp_terms = 8;

/// f(t) = c0 + sum_k terms[k].coeff * exp(-t / terms[k].tau).
double exp_sum_value(double c0, std::span<const ExpTerm> terms, double t) noexcept;

/// A time H >= 0 after which f keeps the sign of its limit (proof in the .cpp): for c0 < 0,
/// f(t) <= c0 / 2 < 0 for all t >= H, so no crossing happens after H; for c0 > 0, f(t) >= c0 / 2
/// for t >= H, so a crossing from below has happened by H. For c0 == 0 the slowest term plays
/// the role of c0. 0 when no term has the sign opposite to the limit.
double exp_sum_horizon(double c0, std::span<const ExpTerm> terms);

/// The time constants of sums that differ only in their coefficients (a model's threshold
/// search), prepared once: their order, rates and whole-multiple base, which first_crossing()
/// would otherwise work out again on every call. Results are those of first_crossing(c0, terms)
/// with the same time constants in the same order.
class ExpSumShape {
 public:
  /// `taus` [ms]: at most max_exp_terms, each finite and > 0 (InternalError otherwise).
  explicit ExpSumShape(std::span<const double> taus);
  std::size_t size() const noexcept { return n_; }

 private:
  friend double first_crossing(double c0, std::span<const double> coeffs, const ExpSumShape& shape,
                               double t_max);
  std::size_t n_ = 0;
  std::array<double, max_exp_terms> tau_{};  ///< as given
  /// Prepared only when the time constants are distinct (else every call takes the plain path):
  bool distinct_ = false;
  std::array<std::size_t, max_exp_terms> slot_{};  ///< place of term i in the sum, slowest first
  std::array<double, max_exp_terms> rate_{};       ///< 1 / tau, slowest first
  std::array<unsigned, max_exp_terms> mult_{};     ///< whole multiples of base_rate_, or all 0
  double base_rate_ = 0.0;
  /// The same for the sum without its slowest term (the first reduction's rates).
  std::array<unsigned, max_exp_terms> reduced_mult_{};
  double reduced_base_rate_ = 0.0;
};

/// first_crossing(c0, terms) with terms[k] = {coeffs[k], taus[k]} of `shape`.
double first_crossing(double c0, std::span<const double> coeffs, const ExpSumShape& shape,
                      double t_max = std::numeric_limits<double>::infinity());

/// The first t in [0, t_max] with f(t) >= 0 [ms], reached from below, or +inf if there is none.
/// Returns 0 when f(0) >= 0. Time constants equal to within a relative 1e-12 are merged into one
/// term. At most max_exp_terms distinct time constants; every tau must be finite and > 0 and
/// every coefficient finite (InternalError otherwise: a model bug, not a user error).
double first_crossing(double c0, std::span<const ExpTerm> terms,
                      double t_max = std::numeric_limits<double>::infinity());

}  // namespace spindle::models
