// One trial of the perisomatic-vs-dendritic protocol on a single pyramidal_dendritic cell: a
// somatic current step, plus optional GABA_A inputs of equal peak conductance on the soma
// (PV-basket-like) and on the apical trunk (SOM-Martinotti-like). Shared by the
// perisomatic_vs_dendritic example and tests/validation/dendrites, so both run the same code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include "spindle/models/pyramidal_dendritic.hpp"

namespace spindle::models {

struct InhibitionTrial {
  double drive_pA = 0.0;                    ///< somatic current step
  double drive_from_ms = 50.0;              ///< step onset
  double drive_ms = 1.0;                    ///< step duration
  double g_nS = 0.0;                        ///< peak conductance of each GABA_A input
  std::optional<double> somatic_gaba_ms;    ///< onset of the perisomatic input, if any
  std::optional<double> dendritic_gaba_ms;  ///< onset of the dendritic input, if any
  double site_um = 300.0;                   ///< dendritic input site on the apical trunk
  double end_ms = 100.0;
};

struct InhibitionOutcome {
  std::optional<double> spike_ms;  ///< first somatic spike
  double ca_peak = 0.0;            ///< bAP calcium jump at the dendritic site
};

inline InhibitionOutcome run_inhibition_trial(const PyramidalDendriticParams& p,
                                              const InhibitionTrial& trial) {
  PyramidalDendriticGroup cell(p, 1);
  const Location site =
      cell.tree().on_path(apical_trunk_leaf(cell.tree().morphology()), trial.site_um);
  enum class Kind { drive_on, drive_off, somatic_gaba, dendritic_gaba };
  struct Event {
    Time t;
    Kind kind;
  };
  std::vector<Event> events{{Time::from_ms(trial.drive_from_ms), Kind::drive_on},
                            {Time::from_ms(trial.drive_from_ms + trial.drive_ms), Kind::drive_off}};
  if (trial.somatic_gaba_ms)
    events.push_back({Time::from_ms(*trial.somatic_gaba_ms), Kind::somatic_gaba});
  if (trial.dendritic_gaba_ms)
    events.push_back({Time::from_ms(*trial.dendritic_gaba_ms), Kind::dendritic_gaba});
  // Stable: simultaneous inputs keep the order above (drive first).
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.t < b.t; });
  Time pred = cell.predict(0, Time::zero());
  const Time end = Time::from_ms(trial.end_ms);
  std::size_t i = 0;
  for (;;) {
    const Time t_in = i < events.size() ? events[i].t : Time::never();
    const Time now = std::min(t_in, pred);
    if (now >= end) break;
    if (t_in == now) {
      Time r = keep_prediction;
      switch (events[i++].kind) {
        case Kind::drive_on:
          r = cell.set_current(0, now, trial.drive_pA);
          break;
        case Kind::drive_off:
          r = cell.set_current(0, now, 0.0);
          break;
        case Kind::somatic_gaba:
          r = cell.receive(0, now, trial.g_nS, PyramidalDendriticGroup::GABA_A);
          break;
        case Kind::dendritic_gaba:
          r = cell.receive_at(0, now, trial.g_nS, PyramidalDendriticGroup::GABA_A, site);
          break;
      }
      if (r != keep_prediction) pred = std::min(pred, r);
    } else {
      Time next = Time::never();
      cell.check(0, now, next);
      pred = next;
    }
  }
  InhibitionOutcome out;
  if (!cell.spikes(0).empty()) {
    const Time t_s = cell.spikes(0).front();
    out.spike_ms = t_s.to_ms();
    const Time t_a = t_s + Time::from_ms(p.dend.bap_delay(site.distance_um));
    out.ca_peak = p.dend.ca_bap * cell.bap_factor(0, site, t_a, end);
  }
  return out;
}

}  // namespace spindle::models
