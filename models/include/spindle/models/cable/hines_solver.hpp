// spindle/models/cable/hines_solver.hpp: direct solution of the linear system of an implicit
// cable step on a tree (Hines 1984, Int J Biomed Comput 15:69). With compartments numbered so
// that every parent comes before its children, the matrix is tridiagonal-on-a-tree and Gaussian
// elimination from the leaves to the root followed by back substitution costs O(n) with no
// fill-in.
#pragma once

#include <cstddef>
#include <vector>

namespace spindle::models::cable {

class HinesSolver {
 public:
  /// `parent[i] < i` for i > 0; `coupling[i]` is the (symmetric) off-diagonal conductance
  /// between i and parent[i] (the matrix entry is -coupling[i]).
  HinesSolver(std::vector<std::size_t> parent, std::vector<double> coupling);

  std::size_t size() const noexcept { return parent_.size(); }

  /// Solves A x = rhs where A has diagonal `diag` and the off-diagonals above. `diag` and `rhs`
  /// are overwritten; the solution is left in `rhs`.
  void solve(std::vector<double>& diag, std::vector<double>& rhs) const noexcept;

 private:
  std::vector<std::size_t> parent_;
  std::vector<double> coupling_;
};

}  // namespace spindle::models::cable
