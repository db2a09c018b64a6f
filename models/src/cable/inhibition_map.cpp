// Müllner et al.'s (2015) protocol and analysis on the cable cell (see inhibition_map.hpp).
#include "spindle/models/cable/inhibition_map.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models::cable {

std::vector<double> mullner_record_offsets_um() {
  std::vector<double> out = {0.0};
  double x = 0.0;
  for (double step : {5.0, 10.0, 20.0, 20.0, 20.0, 20.0, 50.0, 50.0}) {
    x += step;
    out.push_back(x);
    out.push_back(-x);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<double> mullner_offsets_ms() {
  std::vector<double> out;
  for (int j = 0; j <= 12; ++j)
    out.push_back(-3.0 + 0.5 * j);
  for (int j = 0; j <= 20; ++j)
    out.push_back(-20.0 + 2.0 * j);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end(),
                        [](double a, double b) { return std::abs(a - b) < 1e-9; }),
            out.end());
  return out;
}

std::vector<double> mullner_conductances_nS() {
  std::vector<double> out;
  for (int j = 0; j < 7; ++j)
    out.push_back(1.0 + 3.0 * j);
  return out;
}

double BapProtocol::run_after_ms() const {
  if (record_after_ms > 0) return record_after_ms;
  double latest = 0.0;
  for (double o : offsets_ms)
    latest = std::max(latest, o);
  return std::max(15.0, latest + 5.0);
}

BapRun run_bap(const CableCell& cell, const BapProtocol& pr, double g_nS, double offset_ms) {
  const auto& tree = cell.tree();
  const double t_stim = pr.t_stimulus_ms, t_on = t_stim + offset_ms;
  const double t_end = t_stim + pr.run_after_ms();
  if (!(t_on >= 0 && t_on < t_end))
    throw Error(fmt::format("offset {} ms puts the GABA onset outside the run [0, {}] ms",
                            offset_ms, t_end));
  const double t0 = g_nS > 0 ? std::min(t_stim, t_on) : t_stim;
  CableState s = cell.resting_state(t0);
  const CableState rest = s;
  std::vector<TreePoint> sites;
  for (double x : pr.record_um)
    sites.push_back(tree.locate_on_trunk(pr.gaba_site_um + x));
  std::size_t syn = 0;
  if (g_nS > 0)
    syn = cell.add_synapse(s, tree.locate_on_trunk(pr.gaba_site_um), SynapseKind::gaba_alpha);

  BapRun r;
  const std::size_t ns = sites.size();
  r.ca_peak_mM.assign(ns, 0.0);
  r.v_peak_mV.assign(ns, -std::numeric_limits<double>::infinity());
  r.t_v_peak_ms.assign(ns, 0.0);
  std::vector<double> ca0(ns);
  for (std::size_t k = 0; k < ns; ++k)
    ca0[k] = CableCell::at(rest.ca, sites[k]);
  auto observe = [&](const CableState& st) {
    for (std::size_t k = 0; k < ns; ++k) {
      r.ca_peak_mM[k] = std::max(r.ca_peak_mM[k], CableCell::at(st.ca, sites[k]) - ca0[k]);
      const double V = CableCell::at(st.V, sites[k]);
      if (V > r.v_peak_mV[k]) {
        r.v_peak_mV[k] = V;
        r.t_v_peak_ms[k] = st.t_ms - t_stim;
      }
    }
  };
  // Breakpoints in time order: GABA onset, pulse on, pulse off.
  struct Action {
    double t;
    int what;  // 0: GABA event, 1: pulse on, 2: pulse off
  };
  std::vector<Action> actions = {{t_stim, 1}, {t_stim + pr.stimulus_ms, 2}};
  if (g_nS > 0) actions.push_back({t_on, 0});
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.t < b.t; });
  const std::clock_t c0 = std::clock();
  for (const auto& a : actions) {
    cell.advance(s, a.t, observe);
    if (a.what == 0) cell.activate(s, syn, g_nS);
    if (a.what == 1) s.injected_nA[0] = pr.stimulus_nA;
    if (a.what == 2) s.injected_nA[0] = 0.0;
  }
  cell.advance(s, t_end, observe);
  r.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  r.simulated_ms = t_end - t0;
  return r;
}

double InhibitionMap::max_inhibition(std::size_t gi) const {
  double m = -std::numeric_limits<double>::infinity();
  for (const auto& row : inh.at(gi))
    for (double v : row)
      m = std::max(m, v);
  return m;
}

std::size_t InhibitionMap::choose_g(double limit) const {
  std::size_t best = 0;
  for (std::size_t gi = 0; gi < g_nS.size(); ++gi)
    if (max_inhibition(gi) <= limit && g_nS[gi] >= g_nS[best]) best = gi;
  return best;
}

InhibitionMap inhibition_map(const CableCell& cell, const BapProtocol& pr) {
  InhibitionMap map;
  map.g_nS = pr.g_gaba_nS;
  map.record_um = pr.record_um;
  map.offsets_ms = pr.offsets_ms;
  const BapRun control = run_bap(cell, pr, 0.0, 0.0);
  map.control_ca_peak_mM = control.ca_peak_mM;
  map.bap_latency_ms = control.t_v_peak_ms;
  map.bap_peak_mV = control.v_peak_mV;
  double cpu = control.cpu_s, simulated = control.simulated_ms;
  for (double g : pr.g_gaba_nS) {
    std::vector<std::vector<double>> per_site(pr.record_um.size(),
                                              std::vector<double>(pr.offsets_ms.size()));
    for (std::size_t ti = 0; ti < pr.offsets_ms.size(); ++ti) {
      const BapRun r = run_bap(cell, pr, g, pr.offsets_ms[ti]);
      cpu += r.cpu_s;
      simulated += r.simulated_ms;
      for (std::size_t xi = 0; xi < pr.record_um.size(); ++xi)
        per_site[xi][ti] = 1.0 - r.ca_peak_mM[xi] / control.ca_peak_mM[xi];
    }
    map.inh.push_back(std::move(per_site));
  }
  map.cpu_s_per_bap = cpu / simulated * 20.0;
  return map;
}

double fit_exp_decay(const std::vector<double>& x, const std::vector<double>& y) {
  SPINDLE_ASSERT(x.size() == y.size());
  auto cost = [&](double log_lambda) {
    const double lambda = std::exp(log_lambda);
    double c = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double e = y[k] - std::exp(-x[k] / lambda);
      c += e * e;
    }
    return c;
  };
  double lo = std::log(0.01), hi = std::log(1e4);
  const double phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = cost(a), fb = cost(b);
  for (int it = 0; it < 200 && hi - lo > 1e-10; ++it) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = cost(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = cost(b);
    }
  }
  return std::exp((lo + hi) / 2);
}

namespace {
/// Position of the maximum of inh[gi] over (site, offset).
std::pair<std::size_t, std::size_t> argmax(const InhibitionMap& map, std::size_t gi) {
  std::pair<std::size_t, std::size_t> best{0, 0};
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t xi = 0; xi < map.record_um.size(); ++xi)
    for (std::size_t ti = 0; ti < map.offsets_ms.size(); ++ti)
      if (map.inh[gi][xi][ti] > m) {
        m = map.inh[gi][xi][ti];
        best = {xi, ti};
      }
  return best;
}

/// Linear interpolation of (xs ascending, ys) at x.
double interpolate(const std::vector<double>& xs, const std::vector<double>& ys, double x) {
  if (x <= xs.front()) return ys.front();
  if (x >= xs.back()) return ys.back();
  const auto k = static_cast<std::size_t>(std::upper_bound(xs.begin(), xs.end(), x) - xs.begin());
  const double f = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
  return ys[k - 1] + f * (ys[k] - ys[k - 1]);
}

/// λ of one side: |x| and the normalised profile there, resampled every 5 um from 0.
double side_lambda(std::vector<double> ax, std::vector<double> ys) {
  std::vector<std::size_t> order(ax.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return ax[a] < ax[b]; });
  std::vector<double> xs, vs;
  for (auto k : order) {
    xs.push_back(ax[k]);
    vs.push_back(ys[k]);
  }
  std::vector<double> gx, gy;
  for (double x = 0.0; x <= xs.back() + 1e-9; x += 5.0) {
    gx.push_back(x);
    gy.push_back(interpolate(xs, vs, x));
  }
  return fit_exp_decay(gx, gy);
}
}  // namespace

SpatialFit fit_spatial(const InhibitionMap& map, std::size_t gi) {
  const auto [xm, tm] = argmax(map, gi);
  const double peak = map.inh[gi][xm][tm];
  if (!(peak > 0)) throw Error("inhibition map has no positive inhibition to fit");
  std::vector<double> px, py, dx, dy;
  for (std::size_t xi = 0; xi < map.record_um.size(); ++xi) {
    const double x = map.record_um[xi], y = map.inh[gi][xi][tm] / peak;
    if (x <= 0) {
      px.push_back(-x);
      py.push_back(y);
    }
    if (x >= 0) {
      dx.push_back(x);
      dy.push_back(y);
    }
  }
  if (px.size() < 2 || dx.size() < 2)
    throw Error("the spatial fit needs the contact and at least one site on each side");
  return {side_lambda(px, py), side_lambda(dx, dy)};
}

LengthConstants mullner_length_constants(const CableCell& cell, const BapProtocol& protocol,
                                         double limit) {
  std::vector<double> sweep = protocol.g_gaba_nS;
  std::sort(sweep.begin(), sweep.end());
  if (sweep.empty() || !(sweep.front() > 0))
    throw Error("the conductance sweep needs at least one conductance > 0 nS");
  BapProtocol one = protocol;
  LengthConstants out;
  for (double g : sweep) {
    one.g_gaba_nS = {g};
    const InhibitionMap map = inhibition_map(cell, one);
    const double peak = map.max_inhibition(0);
    // The smallest g is used even above the limit, as choose_g() does.
    if (peak > limit && g != sweep.front()) break;
    const SpatialFit fit = fit_spatial(map, 0);
    const std::size_t tm = argmax(map, 0).second;
    const auto contact = static_cast<std::size_t>(
        std::find(map.record_um.begin(), map.record_um.end(), 0.0) - map.record_um.begin());
    if (contact == map.record_um.size())
      throw Error("the recording sites must include the contact (0 um)");
    out = {g,
           peak,
           fit.lambda_proximal_um,
           fit.lambda_distal_um,
           map.offsets_ms[tm],
           map.bap_peak_mV[contact]};
    if (peak > limit) break;
  }
  return out;
}

BapProtocol diameter_scaling_protocol() {
  BapProtocol pr;
  pr.stimulus_nA = 8.0;
  return pr;
}

std::vector<DiameterScalingPoint> diameter_scaling(const CellGeometry& geometry,
                                                   const CableParams& params,
                                                   const BapProtocol& protocol,
                                                   const std::vector<double>& scales,
                                                   double limit) {
  auto at_scale = [&](double k) {
    if (!(k > 0)) throw Error(fmt::format("diameter scale must be > 0 (got {})", k));
    CellGeometry scaled = geometry;
    for (auto& b : scaled.branches)
      b.diameter_um *= k;
    const CableCell cell(scaled, params, protocol.seg_um, protocol.dt_ms);
    return mullner_length_constants(cell, protocol, limit);
  };
  const LengthConstants one = at_scale(1.0);
  std::vector<DiameterScalingPoint> out;
  for (double k : scales) {
    DiameterScalingPoint p;
    p.k = k;
    p.lambda = k == 1.0 ? one : at_scale(k);
    p.ratio_proximal = p.lambda.lambda_proximal_um / one.lambda_proximal_um;
    p.ratio_distal = p.lambda.lambda_distal_um / one.lambda_distal_um;
    out.push_back(p);
  }
  return out;
}

TemporalFit fit_temporal(const InhibitionMap& map, std::size_t gi) {
  TemporalFit f;
  const auto [xm, tm] = argmax(map, gi);
  f.site = xm;
  const auto& t = map.offsets_ms;
  const double peak = map.inh[gi][xm][tm];
  if (!(peak > 0)) throw Error("inhibition map has no positive inhibition to fit");
  for (double v : map.inh[gi][xm])
    f.profile.push_back(v / peak);
  const auto& y = f.profile;
  const std::size_t k = tm, n = t.size();
  f.peak_offset_ms = t[k];
  if (k > 0 && k + 1 < n) {
    // Vertex of the parabola through the three points around the maximum.
    const double x0 = t[k - 1], x1 = t[k], x2 = t[k + 1];
    const double d1 = (y[k] - y[k - 1]) / (x1 - x0), d2 = (y[k + 1] - y[k]) / (x2 - x1);
    const double a = (d2 - d1) / (x2 - x0);
    if (a < 0) f.peak_offset_ms = std::clamp((x0 + x1) / 2 - d1 / (2 * a), x0, x2);
  }
  auto crossing = [&](std::size_t from, int dir) {
    std::size_t j = from;
    while (true) {
      if ((dir < 0 && j == 0) || (dir > 0 && j + 1 == n)) return t[j];
      const std::size_t nb = dir < 0 ? j - 1 : j + 1;
      if (y[nb] < 0.5) return t[j] + (t[nb] - t[j]) * (y[j] - 0.5) / (y[j] - y[nb]);
      j = nb;
    }
  };
  f.fwhm_ms = crossing(k, +1) - crossing(k, -1);
  f.unimodal = true;
  for (std::size_t j = 0; j + 1 <= k; ++j)
    if (y[j + 1] < y[j] - 0.02) f.unimodal = false;
  for (std::size_t j = k + 1; j < n; ++j)
    if (y[j] > y[j - 1] + 0.02) f.unimodal = false;
  std::vector<double> bx, by, ax, ay;
  for (std::size_t j = 0; j < n; ++j) {
    if (j <= k) {
      bx.push_back(t[k] - t[j]);
      by.push_back(y[j]);
    }
    if (j >= k) {
      ax.push_back(t[j] - t[k]);
      ay.push_back(y[j]);
    }
  }
  f.tau_before_ms = bx.size() > 1 ? fit_exp_decay(bx, by) : 0.0;
  f.tau_after_ms = ax.size() > 1 ? fit_exp_decay(ax, ay) : 0.0;
  return f;
}

double block_threshold_nS(const CableCell& cell, const BapProtocol& protocol, double g_max_nS,
                          double tol_nS) {
  BapProtocol pr = protocol;
  pr.record_um = {0.0, 100.0};
  const BapRun control = run_bap(cell, pr, 0.0, 0.0);
  const double rest =
      CableCell::at(cell.resting_state().V, cell.tree().locate_on_trunk(pr.gaba_site_um + 100.0));
  const double offset = control.t_v_peak_ms[0] - cell.params().gaba_tau_ms;
  const double control_amp = control.v_peak_mV[1] - rest;
  auto blocked = [&](double g) {
    return run_bap(cell, pr, g, offset).v_peak_mV[1] - rest < 0.5 * control_amp;
  };
  if (!blocked(g_max_nS)) return 2 * g_max_nS;
  double lo = 0.0, hi = g_max_nS;
  while (hi - lo > tol_nS) {
    const double mid = (lo + hi) / 2;
    (blocked(mid) ? hi : lo) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace spindle::models::cable
