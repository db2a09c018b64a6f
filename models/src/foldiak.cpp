// Földiák (1990): the settling of the rate network; learning is local_sparse_coding.hpp's.
#include "spindle/models/foldiak.hpp"

#include <cmath>

#include "spindle/error.hpp"

namespace spindle::models::foldiak {

namespace {
const Params& checked(const Params& p) {
  if (p.inputs == 0 || p.outputs < 2 || !(p.p > 0 && p.p < 1) || !(p.settle_dt > 0) ||
      p.settle_steps == 0)
    throw Error(
        "foldiak: need inputs > 0, outputs >= 2, 0 < p < 1, settle_dt > 0, settle_steps > 0");
  return p;
}
}  // namespace

Network::Network(const Params& p, std::uint64_t seed)
    : Learner(checked(p), seed, 0, 0.0, no_floor) {}

std::vector<double> Network::respond(const std::vector<double>& x) const {
  if (x.size() != p_.inputs) throw Error("foldiak: image size differs from the number of inputs");
  const std::size_t n = p_.outputs;
  std::vector<double> feed(n), y(n, 0.0), next(n);
  for (std::size_t i = 0; i < n; ++i)
    feed[i] = drive(i, x) - thresholds()[i];
  for (std::size_t step = 0; step < p_.settle_steps; ++step) {
    for (std::size_t i = 0; i < n; ++i) {
      double u = feed[i];
      for (std::size_t j = 0; j < n; ++j)
        u -= inhibition(i, j) * y[j];
      const double f = 1.0 / (1.0 + std::exp(-p_.lambda * u));
      next[i] = y[i] + p_.settle_dt * (f - y[i]);
    }
    y.swap(next);
  }
  for (double& v : y)
    v = v > 0.5 ? 1.0 : 0.0;
  return y;
}

}  // namespace spindle::models::foldiak
