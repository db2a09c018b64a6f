// The cable solver: Hines elimination against a dense solve, the Gidon & Segev (2012) shunt-level
// identity in a passive tree at steady state (science.md §1.4), and convergence of the bAP Ca2+
// peak under halving dt and the segment length.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "spindle/models/cable/inhibition_map.hpp"

using namespace spindle::models::cable;

TEST_CASE("HinesSolver: tree elimination equals a dense Gaussian solve", "[cable]") {
  // A small tree: 0 <- 1 <- 2, 0 <- 3 <- 4, 1 <- 5.
  const std::vector<std::size_t> parent = {0, 0, 1, 0, 3, 1};
  const std::vector<double> c = {0.0, 1.5, 0.7, 2.0, 0.3, 1.1};
  std::vector<double> diag = {5.0, 4.0, 3.0, 6.0, 2.0, 2.5}, rhs = {1.0, -2.0, 0.5, 3.0, 1.0, -1.0};
  const std::size_t n = parent.size();
  std::vector<std::vector<double>> A(n, std::vector<double>(n + 1, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    A[i][i] = diag[i];
    A[i][n] = rhs[i];
    if (i > 0) A[i][parent[i]] = A[parent[i]][i] = -c[i];
  }
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t r = k + 1; r < n; ++r) {
      const double f = A[r][k] / A[k][k];
      for (std::size_t j = k; j <= n; ++j)
        A[r][j] -= f * A[k][j];
    }
  std::vector<double> x(n);
  for (std::size_t k = n; k-- > 0;) {
    double s = A[k][n];
    for (std::size_t j = k + 1; j < n; ++j)
      s -= A[k][j] * x[j];
    x[k] = s / A[k][k];
  }
  HinesSolver(parent, c).solve(diag, rhs);
  for (std::size_t i = 0; i < n; ++i)
    CHECK(rhs[i] == Approx(x[i]).epsilon(1e-12));
}

namespace {
/// Steady-state voltage deflections [mV] at `probes` for a current of 0.01 nA at node `inject`,
/// with an optional tonic shunt of g_nS at node `shunt`, by integrating the passive cell 400 ms
/// (20 membrane time constants: e^-20 of the transient is left).
std::vector<double> steady_response(const CableCell& cell, std::size_t inject,
                                    const std::vector<std::size_t>& probes, std::size_t shunt,
                                    double g_nS) {
  CableState s = cell.resting_state();
  const CableState rest = s;
  if (g_nS > 0)
    cell.activate(s, cell.add_synapse(s, {shunt, shunt, 0.0}, SynapseKind::tonic_shunt), g_nS);
  s.injected_nA[inject] = 0.01;
  cell.advance(s, 400.0);
  std::vector<double> out;
  for (auto p : probes)
    out.push_back(s.V[p] - rest.V[p]);
  return out;
}
}  // namespace

TEST_CASE("Passive tree: the Gidon-Segev shunt-level identity holds at steady state",
          "[cable][gidon_segev]") {
  CableParams p;
  p.gNa_soma_mS_cm2 = p.gNa_dend_mS_cm2 = p.gK_soma_mS_cm2 = p.gK_dend_mS_cm2 = p.gCa_mS_cm2 = 0;
  p.E_gaba_mV = p.E_leak_mV;  // a pure shunt
  // dt = 0.1 ms is enough: Crank-Nicolson's fixed point is the exact steady state.
  const CableCell cell(ca1_pyramidal_geometry(), p, 5.0, 0.1);
  const auto& tree = cell.tree();
  const auto& geo = tree.geometry();
  // Inhibitory site i on an oblique; d on the trunk (on-path), in the tuft and on a basal branch.
  const std::size_t i = tree.locate(geo.branch_index("oblique_2"), 220.0).a;
  const double g = 5.0;                                              // nS
  const double R_i = steady_response(cell, i, {i}, 0, 0)[0] / 0.01;  // MOhm
  const double SL_i = g * 1e-3 * R_i / (1 + g * 1e-3 * R_i);
  for (const char* where : {"apical_trunk_1", "apical_trunk_4", "tuft_1", "basal_3"}) {
    const std::size_t b = geo.branch_index(where);
    const std::size_t d = tree.locate(b, geo.start_um(b) + 40.0).a;
    const auto free = steady_response(cell, d, {d, i}, 0, 0);
    const double R_d = free[0] / 0.01, R_id = free[1] / 0.01;
    const double R_d_star = steady_response(cell, d, {d}, i, g)[0] / 0.01;
    const double SL_d = (R_d - R_d_star) / R_d;
    const double predicted = SL_i * (R_id / R_i) * (R_id / R_d);
    INFO(where << ": SL_i = " << SL_i << ", SL_d = " << SL_d << ", SL_i A_id A_di = " << predicted);
    CHECK(SL_d > 0);
    CHECK(std::abs(SL_d - predicted) < 1e-3 * SL_d);  // acceptance: within 1e-3 (relative)
  }
}

TEST_CASE("Cable solver converges: halving dt and segment length moves peak Ca by < 1%",
          "[cable][convergence]") {
  const CableParams p;
  const CableCell coarse(ca1_pyramidal_geometry(), p, 5.0, 0.025);
  const CableCell fine(ca1_pyramidal_geometry(), p, 2.5, 0.0125);
  BapProtocol pr;
  pr.record_um = {-150.0, -50.0, 0.0, 50.0, 150.0};
  for (double g : {0.0, 4.0}) {
    const BapRun a = run_bap(coarse, pr, g, 0.5), b = run_bap(fine, pr, g, 0.5);
    for (std::size_t k = 0; k < pr.record_um.size(); ++k) {
      const double rel = std::abs(a.ca_peak_mM[k] - b.ca_peak_mM[k]) / b.ca_peak_mM[k];
      INFO("g = " << g << " nS, x = " << pr.record_um[k] << " um: relative change " << rel);
      CHECK(rel < 0.01);
    }
  }
}
