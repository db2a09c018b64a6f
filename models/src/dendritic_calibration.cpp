// Müllner's protocol on pyramidal_dendritic and its calibration against the cable cell (see
// the header).
#include "spindle/models/dendritic_calibration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

/// Drives one cell through the CellGroup contract like the kernel: inputs before checks at
/// equal times. Events are (time, action); returns when `end` is reached.
struct ProtocolEvent {
  Time t;
  std::function<Time()> apply;
};

void run_events(CellGroup& g, std::vector<ProtocolEvent> events, Time end) {
  std::stable_sort(events.begin(), events.end(),
                   [](const ProtocolEvent& a, const ProtocolEvent& b) { return a.t < b.t; });
  Time pred = g.predict(0, Time::zero());
  if (pred == keep_prediction) pred = Time::never();
  std::size_t i = 0;
  for (;;) {
    const Time t_in = i < events.size() ? events[i].t : Time::never();
    const Time now = std::min(t_in, pred);
    if (now.is_never() || now >= end) break;
    if (t_in == now) {
      const Time r = events[i++].apply();
      if (r != keep_prediction) pred = std::min(pred, r);
    } else {
      Time next = Time::never();
      g.check(0, now, next);
      pred = next == keep_prediction ? Time::never() : next;
    }
  }
}

cable::InhibitionMap empty_map(const cable::BapProtocol& pr) {
  cable::InhibitionMap m;
  m.g_nS = pr.g_gaba_nS;
  m.record_um = pr.record_um;
  m.offsets_ms = pr.offsets_ms;
  m.inh.assign(pr.g_gaba_nS.size(),
               std::vector<std::vector<double>>(pr.record_um.size(),
                                                std::vector<double>(pr.offsets_ms.size(), 0.0)));
  return m;
}

std::vector<Location> record_sites(const PyramidalDendriticGroup& cell,
                                   const cable::BapProtocol& pr) {
  const std::size_t leaf = apical_trunk_leaf(cell.tree().morphology());
  std::vector<Location> out;
  for (double x : pr.record_um)
    out.push_back(cell.tree().on_path(leaf, pr.gaba_site_um + x));
  return out;
}

/// Inhibition at every site for one run, from the closed form (the calibration's forward model;
/// the cell computes the same through bap_factor).
double predicted_inhibition(const DendriticKernelParams& d, double spike_latency, double site_um,
                            double x_um, double offset_ms, double g_nS) {
  const double a = spike_latency + d.bap_delay(site_um) - offset_ms;
  const double s = d.shunt(g_nS, a, {std::abs(x_um), x_um > 0.0});
  return s / (1.0 + s);
}

/// Nelder-Mead minimisation of f over R^n from x0 with initial steps `step`.
template <std::size_t N>
std::array<double, N> nelder_mead(const std::function<double(const std::array<double, N>&)>& f,
                                  std::array<double, N> x0, const std::array<double, N>& step,
                                  std::size_t max_evals, std::size_t& evals) {
  std::array<std::array<double, N>, N + 1> x;
  std::array<double, N + 1> fx;
  x[0] = x0;
  for (std::size_t i = 0; i < N; ++i) {
    x[i + 1] = x0;
    x[i + 1][i] += step[i];
  }
  for (std::size_t i = 0; i <= N; ++i)
    fx[i] = f(x[i]);
  evals += N + 1;
  std::size_t used = N + 1;
  while (used < max_evals) {
    std::array<std::size_t, N + 1> idx;
    for (std::size_t i = 0; i <= N; ++i)
      idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
    const std::size_t best = idx[0], worst = idx[N], second = idx[N - 1];
    if (std::abs(fx[worst] - fx[best]) <= 1e-15 * (1.0 + std::abs(fx[best]))) break;
    std::array<double, N> c{};
    for (std::size_t i = 0; i <= N; ++i)
      if (i != worst)
        for (std::size_t j = 0; j < N; ++j)
          c[j] += x[i][j] / static_cast<double>(N);
    const auto along = [&](double k) {
      std::array<double, N> y;
      for (std::size_t j = 0; j < N; ++j)
        y[j] = c[j] + k * (x[worst][j] - c[j]);
      return y;
    };
    const std::array<double, N> xr = along(-1.0);
    const double fr = f(xr);
    ++used;
    if (fr < fx[best]) {
      const std::array<double, N> xe = along(-2.0);
      const double fe = f(xe);
      ++used;
      if (fe < fr) {
        x[worst] = xe;
        fx[worst] = fe;
      } else {
        x[worst] = xr;
        fx[worst] = fr;
      }
    } else if (fr < fx[second]) {
      x[worst] = xr;
      fx[worst] = fr;
    } else {
      const std::array<double, N> xc = fr < fx[worst] ? along(-0.5) : along(0.5);
      const double fc = f(xc);
      ++used;
      if (fc < std::min(fr, fx[worst])) {
        x[worst] = xc;
        fx[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= N; ++i) {
          if (i == best) continue;
          for (std::size_t j = 0; j < N; ++j)
            x[i][j] = x[best][j] + 0.5 * (x[i][j] - x[best][j]);
          fx[i] = f(x[i]);
          ++used;
        }
      }
    }
  }
  evals += used - (N + 1);
  std::size_t best = 0;
  for (std::size_t i = 1; i <= N; ++i)
    if (fx[i] < fx[best]) best = i;
  return x[best];
}

}  // namespace

double somatic_spike_latency(const PyramidalDendriticParams& params, const cable::BapProtocol& pr) {
  PyramidalDendriticGroup cell(params, 1);
  const Time t_on = Time::from_ms(pr.t_stimulus_ms);
  std::vector<ProtocolEvent> ev{
      {t_on, [&] { return cell.set_current(0, t_on, 1e3 * pr.stimulus_nA); }},
      {t_on + Time::from_ms(pr.stimulus_ms),
       [&] { return cell.set_current(0, t_on + Time::from_ms(pr.stimulus_ms), 0.0); }}};
  run_events(cell, ev, t_on + Time::from_ms(pr.run_after_ms()));
  if (cell.spikes(0).empty())
    throw Error(fmt::format("pyramidal_dendritic: a {} nA, {} ms somatic pulse evokes no spike",
                            pr.stimulus_nA, pr.stimulus_ms));
  return (cell.spikes(0).front() - t_on).to_ms();
}

cable::InhibitionMap inhibition_map(const PyramidalDendriticParams& params,
                                    const cable::BapProtocol& pr) {
  cable::InhibitionMap map = empty_map(pr);
  const Time t_stim = Time::from_ms(pr.t_stimulus_ms);
  const Time t_off = t_stim + Time::from_ms(pr.stimulus_ms);
  const Time end = t_stim + Time::from_ms(pr.run_after_ms());
  const PyramidalDendriticGroup probe_cell(params, 1);
  const std::vector<Location> sites = record_sites(probe_cell, pr);
  const Location contact =
      probe_cell.tree().on_path(apical_trunk_leaf(probe_cell.tree().morphology()), pr.gaba_site_um);
  double cpu = 0.0;
  std::size_t runs = 0;
  // One run: returns the bAP calcium peak at every site (0 where no bAP arrived).
  const auto run = [&](double g, double offset) {
    PyramidalDendriticGroup cell(params, 1);
    const std::clock_t c0 = std::clock();
    const Time t_g = t_stim + Time::from_ms(offset);
    std::vector<ProtocolEvent> ev{
        {t_stim, [&] { return cell.set_current(0, t_stim, 1e3 * pr.stimulus_nA); }},
        {t_off, [&] { return cell.set_current(0, t_off, 0.0); }}};
    if (g > 0.0)
      ev.push_back({t_g, [&] {
                      return cell.receive_at(0, t_g, g, PyramidalDendriticGroup::GABA_A, contact);
                    }});
    run_events(cell, ev, end);
    std::vector<double> peak(sites.size(), 0.0);
    if (!cell.spikes(0).empty()) {
      const Time t_s = cell.spikes(0).front();
      for (std::size_t k = 0; k < sites.size(); ++k) {
        const Time t_a = t_s + Time::from_ms(params.dend.bap_delay(sites[k].distance_um));
        peak[k] = params.dend.ca_bap * cell.bap_factor(0, sites[k], t_a, end);
      }
    }
    cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    ++runs;
    return peak;
  };
  const std::vector<double> control = run(0.0, 0.0);
  map.control_ca_peak_mM = control;
  const double latency = somatic_spike_latency(params, pr);
  for (const Location& s : sites) {
    map.bap_latency_ms.push_back(latency + params.dend.bap_delay(s.distance_um));
    map.bap_peak_mV.push_back(std::numeric_limits<double>::quiet_NaN());
  }
  for (std::size_t gi = 0; gi < pr.g_gaba_nS.size(); ++gi)
    for (std::size_t ti = 0; ti < pr.offsets_ms.size(); ++ti) {
      const std::vector<double> peak = run(pr.g_gaba_nS[gi], pr.offsets_ms[ti]);
      for (std::size_t xi = 0; xi < sites.size(); ++xi)
        map.inh[gi][xi][ti] = control[xi] > 0.0 ? 1.0 - peak[xi] / control[xi] : 0.0;
    }
  map.cpu_s_per_bap = cpu / static_cast<double>(runs);
  return map;
}

double relative_rms_error(const cable::InhibitionMap& a, const cable::InhibitionMap& reference,
                          std::size_t gi) {
  double ss = 0.0;
  std::size_t n = 0;
  for (std::size_t xi = 0; xi < reference.record_um.size(); ++xi)
    for (std::size_t ti = 0; ti < reference.offsets_ms.size(); ++ti) {
      const double e = a.inh.at(gi).at(xi).at(ti) - reference.inh[gi][xi][ti];
      ss += e * e;
      ++n;
    }
  const double max_inh = reference.max_inhibition(gi);
  return std::sqrt(ss / static_cast<double>(n)) / max_inh;
}

std::string DendriticCalibration::json() const {
  const DendriticKernelParams& d = params.dend;
  return fmt::format(
      "{{\n  \"command\": \"spindle calibrate-dendrite\",\n  \"g_used_nS\": {},\n"
      "  \"rms_map_error\": {},\n  \"reference_max_inhibition\": {},\n  \"evaluations\": {},\n"
      "  \"defaults\": {{\n    \"bap_latency\": {},\n    \"bap_delay_per_100um\": {},\n"
      "    \"lambda_proximal\": {},\n    \"lambda_distal\": {},\n    \"g_half\": {},\n"
      "    \"tau_window\": {}\n  }}\n}}\n",
      g_nS, rms_error, reference_max_inhibition, evaluations, d.bap_latency, d.bap_delay_per_100um,
      d.lambda_proximal, d.lambda_distal, d.g_half, d.tau_window);
}

DendriticCalibration calibrate_dendritic(const cable::InhibitionMap& ref,
                                         const cable::BapProtocol& pr,
                                         const PyramidalDendriticParams& start) {
  if (ref.inh.empty() || ref.record_um != pr.record_um || ref.offsets_ms != pr.offsets_ms)
    throw Error("calibrate_dendritic: the reference map was not computed with this protocol");
  DendriticCalibration out;
  out.params = start;
  out.g_index = ref.choose_g();
  out.g_nS = ref.g_nS[out.g_index];
  out.reference_max_inhibition = ref.max_inhibition(out.g_index);
  const double latency = somatic_spike_latency(start, pr);

  // Start: straight line through the cable's bAP latency vs site distance.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(pr.record_um.size());
  for (std::size_t k = 0; k < pr.record_um.size(); ++k) {
    const double x = pr.gaba_site_um + pr.record_um[k];
    const double y = ref.bap_latency_ms.at(k);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double intercept = (sy - slope * sx) / n;

  DendriticKernelParams d = start.dend;
  const auto unpack = [&](const std::array<double, 6>& v) {
    DendriticKernelParams k = d;
    k.bap_latency = std::abs(v[0]);
    k.bap_delay_per_100um = std::abs(v[1]);
    k.lambda_proximal = std::exp(v[2]);
    k.lambda_distal = std::exp(v[3]);
    k.g_half = std::exp(v[4]);
    k.tau_window = std::exp(v[5]);
    return k;
  };
  const double g = out.g_nS;
  const auto objective = [&](const std::array<double, 6>& v) {
    const DendriticKernelParams k = unpack(v);
    double ss = 0.0;
    for (std::size_t xi = 0; xi < pr.record_um.size(); ++xi)
      for (std::size_t ti = 0; ti < pr.offsets_ms.size(); ++ti) {
        const double x = pr.record_um[xi];
        const double e =
            predicted_inhibition(k, latency, pr.gaba_site_um + x, x, pr.offsets_ms[ti], g) -
            ref.inh[out.g_index][xi][ti];
        ss += e * e;
      }
    return ss;
  };
  const double m = std::clamp(out.reference_max_inhibition, 1e-3, 0.9);
  d.tau_window = 0.5;
  const double w_peak = d.window(d.tau_gaba);
  std::array<double, 6> v{std::max(intercept - latency, 0.0),
                          std::max(100.0 * slope, 0.0),
                          std::log(25.0),
                          std::log(25.0),
                          std::log(g * w_peak * (1.0 - m) / m),
                          std::log(0.5)};
  const std::array<double, 6> step{0.3, 0.1, 0.3, 0.3, 0.3, 0.5};
  double best = objective(v);
  out.evaluations = 1;
  for (int restart = 0; restart < 8; ++restart) {
    const std::array<double, 6> w = nelder_mead<6>(objective, v, step, 4000, out.evaluations);
    const double fw = objective(w);
    ++out.evaluations;
    const bool gained = best - fw > 1e-12;
    if (fw < best) {
      v = w;
      best = fw;
    }
    if (!gained) break;
  }
  out.params.dend = unpack(v);
  cable::InhibitionMap fitted = empty_map(pr);
  for (std::size_t xi = 0; xi < pr.record_um.size(); ++xi)
    for (std::size_t ti = 0; ti < pr.offsets_ms.size(); ++ti) {
      const double x = pr.record_um[xi];
      fitted.inh[out.g_index][xi][ti] = predicted_inhibition(
          out.params.dend, latency, pr.gaba_site_um + x, x, pr.offsets_ms[ti], g);
    }
  out.rms_error = relative_rms_error(fitted, ref, out.g_index);
  return out;
}

}  // namespace spindle::models
