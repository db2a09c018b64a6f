// The cable cell's time stepper and resting state (see cable_cell.hpp).
#include "spindle/models/cable/cable_cell.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models::cable {

namespace {
constexpr double faraday = 96485.33;  // C/mol
// A density [mS/cm2] on `area_um2` gives this many uS (and uF/cm2 -> nF).
constexpr double per_cm2_to_abs = 1e-5;

std::vector<double> coupling_of(const CableTree& t) {
  std::vector<double> c(t.size(), 0.0);
  for (std::size_t i = 1; i < t.size(); ++i)
    c[i] = t.axial_uS(i);
  return c;
}
std::vector<std::size_t> parents_of(const CableTree& t) {
  std::vector<std::size_t> p(t.size(), 0);
  for (std::size_t i = 1; i < t.size(); ++i)
    p[i] = t.parent(i);
  return p;
}
}  // namespace

CableCell::CableCell(const CellGeometry& geometry, const CableParams& params, double max_segment_um,
                     double dt_ms)
    : tree_(geometry, max_segment_um, params.Ra_ohm_cm),
      params_(params),
      dt_ms_(dt_ms),
      solver_(parents_of(tree_), coupling_of(tree_)) {
  if (!(dt_ms > 0)) throw Error(fmt::format("cable time step must be > 0 ms (got {})", dt_ms));
  const std::size_t n = tree_.size();
  C_nF_.resize(n);
  gNa_uS_.resize(n);
  gK_uS_.resize(n);
  gCa_uS_.resize(n);
  gL_uS_.resize(n);
  ca_drive_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = tree_.area_um2(i) * per_cm2_to_abs;
    const bool soma = i == 0;
    C_nF_[i] = params.cm_uF_cm2 * a;
    gNa_uS_[i] = (soma ? params.gNa_soma_mS_cm2 : params.gNa_dend_mS_cm2) * a;
    gK_uS_[i] = (soma ? params.gK_soma_mS_cm2 : params.gK_dend_mS_cm2) * a;
    gCa_uS_[i] = params.gCa_mS_cm2 * a;
    gL_uS_[i] = params.g_leak_mS_cm2 * a;
    // Shell volume per membrane area of a cylinder: depth (1 - depth / d).
    const double d = tree_.diameter_um(i);
    const double depth = std::min(params.ca_shell_um, d / 2);
    const double vol_per_area_um = depth * (1.0 - depth / d);
    // -I [uA/cm2] * 1e-3 (mA) * 1e4 / (2 F depth[um]) -> mM/ms (NEURON cad.mod).
    ca_drive_[i] = 10.0 / (2.0 * faraday * vol_per_area_um * (1.0 + params.ca_buffer_kappa));
  }
  ca_q_ = ca_q10_factor(params.temperature_C);
  compute_rest();
}

void CableCell::compute_rest() {
  // Newton on the whole tree: axial currents + ionic currents with gates at steady state = 0.
  // The Jacobian is tree-structured, so every iteration is one Hines solve.
  const std::size_t n = size();
  const auto& p = params_;
  auto ionic = [&](std::size_t i, double V) {
    const double m = na_m(V, p.V_T_mV).inf, h = na_h(V, p.V_T_mV).inf, nk = k_n(V, p.V_T_mV).inf;
    const double mc = ca_m(V, ca_q_, p.ca_shift_mV).inf;
    return gNa_uS_[i] * m * m * m * h * (V - p.E_Na_mV) +
           gK_uS_[i] * nk * nk * nk * nk * (V - p.E_K_mV) + gCa_uS_[i] * mc * mc * (V - p.E_Ca_mV) +
           gL_uS_[i] * (V - p.E_leak_mV);
  };
  rest_V_.assign(n, p.E_leak_mV);
  std::vector<double> diag(n), rhs(n);
  for (int iter = 0; iter < 50; ++iter) {
    double worst = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      diag[i] = 0.0;
      rhs[i] = -ionic(i, rest_V_[i]);
    }
    for (std::size_t i = 1; i < n; ++i) {
      const std::size_t q = tree_.parent(i);
      const double c = tree_.axial_uS(i), I = c * (rest_V_[i] - rest_V_[q]);
      rhs[i] -= I;
      rhs[q] += I;
      diag[i] += c;
      diag[q] += c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double e = 1e-4;
      diag[i] += (ionic(i, rest_V_[i] + e) - ionic(i, rest_V_[i] - e)) / (2 * e);
    }
    solver_.solve(diag, rhs);
    for (std::size_t i = 0; i < n; ++i) {
      rest_V_[i] += rhs[i];
      worst = std::max(worst, std::abs(rhs[i]));
    }
    if (worst < 1e-10) return;
  }
  throw Error("cable cell: no resting state found (Newton did not converge); check densities");
}

CableState CableCell::resting_state(double t_ms) const {
  const std::size_t n = size();
  const auto& p = params_;
  CableState s;
  s.t_ms = t_ms;
  s.V = rest_V_;
  s.m.resize(n);
  s.h.resize(n);
  s.n.resize(n);
  s.m_ca.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.m[i] = na_m(rest_V_[i], p.V_T_mV).inf;
    s.h[i] = na_h(rest_V_[i], p.V_T_mV).inf;
    s.n[i] = k_n(rest_V_[i], p.V_T_mV).inf;
    s.m_ca[i] = ca_m(rest_V_[i], ca_q_, p.ca_shift_mV).inf;
  }
  // The pool's steady state includes the resting Ca current's influx.
  s.ca.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double I = p.gCa_mS_cm2 * s.m_ca[i] * s.m_ca[i] * (rest_V_[i] - p.E_Ca_mV);
    s.ca[i] = p.ca_rest_mM + std::max(0.0, -I * ca_drive_[i]) * p.ca_tau_ms;
  }
  s.injected_nA.assign(n, 0.0);
  return s;
}

std::size_t CableCell::add_synapse(CableState& s, TreePoint at, SynapseKind kind) const {
  SPINDLE_ASSERT(at.a < size() && at.b < size());
  s.synapses.push_back({at, kind, 0.0, 0.0});
  return s.synapses.size() - 1;
}

void CableCell::activate(CableState& s, std::size_t k, double weight_nS) const {
  auto& syn = s.synapses.at(k);
  if (syn.kind == SynapseKind::tonic_shunt)
    syn.s1 = weight_nS;
  else
    syn.s1 += weight_nS;
}

void CableCell::advance(CableState& s, double t_ms,
                        const std::function<void(const CableState&)>& after_step) const {
  // Steps shorter than 1e-9 ms are skipped: the clock then lands on t_ms exactly.
  while (t_ms - s.t_ms > 1e-9) {
    step(s, std::min(dt_ms_, t_ms - s.t_ms));
    if (after_step) after_step(s);
  }
  s.t_ms = std::max(s.t_ms, t_ms);
}

namespace {
/// Conductance [nS] of a synapse now, and its state advanced by h (exact).
double synapse_g(const SynapseState& s, const CableParams& p) noexcept {
  switch (s.kind) {
    case SynapseKind::gaba_alpha:
      return std::numbers::e * s.s2;
    case SynapseKind::ampa_exp:
    case SynapseKind::tonic_shunt:
      return s.s1;
  }
  (void)p;
  return 0.0;
}
void propagate(SynapseState& s, const CableParams& p, double h) noexcept {
  switch (s.kind) {
    case SynapseKind::gaba_alpha: {
      // s1' = -s1/tau, s2' = (s1 - s2)/tau: s2(h) = (s2 + s1 h/tau) e^{-h/tau}.
      const double tau = p.gaba_tau_ms, e = std::exp(-h / tau);
      s.s2 = (s.s2 + s.s1 * h / tau) * e;
      s.s1 *= e;
      break;
    }
    case SynapseKind::ampa_exp:
      s.s1 *= std::exp(-h / p.ampa_tau_ms);
      break;
    case SynapseKind::tonic_shunt:
      break;
  }
}
double synapse_E(const SynapseState& s, const CableParams& p) noexcept {
  return s.kind == SynapseKind::ampa_exp ? p.E_ampa_mV : p.E_gaba_mV;
}
}  // namespace

void CableCell::step(CableState& s, double h) const {
  const std::size_t n = size();
  const auto& p = params_;
  // Gates: exponential Euler from their half-step position using V(t).
  for (std::size_t i = 0; i < n; ++i) {
    const double V = s.V[i];
    auto relax = [h](double& x, GateRates r) { x = r.inf + (x - r.inf) * std::exp(-h / r.tau); };
    if (gNa_uS_[i] > 0) {
      relax(s.m[i], na_m(V, p.V_T_mV));
      relax(s.h[i], na_h(V, p.V_T_mV));
    }
    if (gK_uS_[i] > 0) relax(s.n[i], k_n(V, p.V_T_mV));
    // Branch-point nodes have no membrane, but their pool is read out like a patch there.
    if (gCa_uS_[i] > 0 || C_nF_[i] == 0) relax(s.m_ca[i], ca_m(V, ca_q_, p.ca_shift_mV));
  }
  // Linear system of the backward-Euler half step: (C/(h/2) + g) V* - axial = C/(h/2) V + g E + I.
  thread_local std::vector<double> diag, rhs;
  diag.resize(n);
  rhs.resize(n);
  const double half = h / 2;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = s.m[i], nk = s.n[i], mc = s.m_ca[i];
    const double gna = gNa_uS_[i] * m * m * m * s.h[i], gk = gK_uS_[i] * nk * nk * nk * nk,
                 gca = gCa_uS_[i] * mc * mc;
    const double c = C_nF_[i] / half;
    diag[i] = c + gna + gk + gca + gL_uS_[i];
    rhs[i] = c * s.V[i] + gna * p.E_Na_mV + gk * p.E_K_mV + gca * p.E_Ca_mV +
             gL_uS_[i] * p.E_leak_mV + s.injected_nA[i];
  }
  for (std::size_t i = 1; i < n; ++i) {
    const double c = tree_.axial_uS(i);
    diag[i] += c;
    diag[tree_.parent(i)] += c;
  }
  for (auto& syn : s.synapses) {
    SynapseState mid = syn;
    propagate(mid, p, half);
    const double g_uS = synapse_g(mid, p) * 1e-3, E = synapse_E(syn, p);
    const double ga = g_uS * (1.0 - syn.at.weight_b), gb = g_uS * syn.at.weight_b;
    diag[syn.at.a] += ga;
    rhs[syn.at.a] += ga * E;
    diag[syn.at.b] += gb;
    rhs[syn.at.b] += gb * E;
    propagate(syn, p, h);
  }
  solver_.solve(diag, rhs);  // rhs = V(t + h/2)
  // Ca pool: exact for the midpoint influx.
  const double decay = std::exp(-h / p.ca_tau_ms);
  for (std::size_t i = 0; i < n; ++i) {
    const double mc = s.m_ca[i];
    const double I = p.gCa_mS_cm2 * mc * mc * (rhs[i] - p.E_Ca_mV);  // uA/cm2
    const double influx = std::max(0.0, -I * ca_drive_[i]);
    s.ca[i] = p.ca_rest_mM + influx * p.ca_tau_ms +
              (s.ca[i] - p.ca_rest_mM - influx * p.ca_tau_ms) * decay;
    s.V[i] = 2.0 * rhs[i] - s.V[i];
  }
  s.t_ms += h;
}

bool CableCell::quiescent(const CableState& s, double tol_mV) const noexcept {
  for (double I : s.injected_nA)
    if (I != 0.0) return false;
  for (const auto& syn : s.synapses)
    if (std::abs(syn.s1) > 1e-9 || std::abs(syn.s2) > 1e-9) return false;
  const auto& p = params_;
  for (std::size_t i = 0; i < size(); ++i) {
    const double V = rest_V_[i];
    if (std::abs(s.V[i] - V) > tol_mV) return false;
    constexpr double gate_tol = 1e-3;
    if (std::abs(s.m[i] - na_m(V, p.V_T_mV).inf) > gate_tol ||
        std::abs(s.h[i] - na_h(V, p.V_T_mV).inf) > gate_tol ||
        std::abs(s.n[i] - k_n(V, p.V_T_mV).inf) > gate_tol ||
        std::abs(s.m_ca[i] - ca_m(V, ca_q_, p.ca_shift_mV).inf) > gate_tol)
      return false;
  }
  return true;
}

void CableCell::relax_to_rest(CableState& s, double t_ms) const {
  if (t_ms <= s.t_ms) return;
  const CableState rest = resting_state(t_ms);
  const double decay = std::exp(-(t_ms - s.t_ms) / params_.ca_tau_ms);
  for (std::size_t i = 0; i < size(); ++i)
    s.ca[i] = rest.ca[i] + (s.ca[i] - rest.ca[i]) * decay;
  s.V = rest.V;
  s.m = rest.m;
  s.h = rest.h;
  s.n = rest.n;
  s.m_ca = rest.m_ca;
  for (auto& syn : s.synapses)
    syn.s1 = syn.s2 = 0.0;
  s.t_ms = t_ms;
}

}  // namespace spindle::models::cable
