// Hines elimination (see hines_solver.hpp).
#include "spindle/models/cable/hines_solver.hpp"

#include "spindle/error.hpp"

namespace spindle::models::cable {

HinesSolver::HinesSolver(std::vector<std::size_t> parent, std::vector<double> coupling)
    : parent_(std::move(parent)), coupling_(std::move(coupling)) {
  SPINDLE_ASSERT(parent_.size() == coupling_.size());
  for (std::size_t i = 1; i < parent_.size(); ++i)
    SPINDLE_ASSERT(parent_[i] < i);
}

void HinesSolver::solve(std::vector<double>& diag, std::vector<double>& rhs) const noexcept {
  const std::size_t n = parent_.size();
  // Leaves to root: eliminate each node's coupling into its parent row.
  for (std::size_t i = n; i-- > 1;) {
    const std::size_t p = parent_[i];
    const double f = -coupling_[i] / diag[i];
    diag[p] += f * coupling_[i];  // a_pi = -c_i, a_ip = -c_i
    rhs[p] -= f * rhs[i];
  }
  rhs[0] /= diag[0];
  // Root to leaves.
  for (std::size_t i = 1; i < n; ++i)
    rhs[i] = (rhs[i] + coupling_[i] * rhs[parent_[i]]) / diag[i];
}

}  // namespace spindle::models::cable
