// The pairing protocol on pyramidal_dendritic (see the header).
#include "spindle/models/dendritic_plasticity.hpp"

#include <algorithm>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/models/cable/inhibition_map.hpp"
#include "spindle/models/dendritic_calibration.hpp"

namespace spindle::models {

PairingResult run_pairing(PyramidalDendriticParams params, const PairingProtocol& pr) {
  params.plasticity = true;
  PyramidalDendriticGroup cell(params, 1);
  const std::size_t leaf = apical_trunk_leaf(cell.tree().morphology());
  const Location syn = cell.tree().on_path(leaf, pr.synapse_um);
  const Location contact = cell.tree().on_path(leaf, pr.gaba_um);
  cable::BapProtocol pulse;
  pulse.stimulus_nA = pr.stimulus_nA;
  pulse.stimulus_ms = pr.stimulus_ms;
  const double latency = somatic_spike_latency(params, pulse);
  const double arrival = latency + params.dend.bap_delay(syn.distance_um);

  enum class Kind { ampa, pulse_on, pulse_off, gaba };
  struct Event {
    Time t;
    Kind kind;
  };
  std::vector<Event> ev;
  const double t0 = 100.0 + std::max(0.0, -pr.pre_to_post_ms) + pr.gaba_before_bap_ms;
  for (int g = 0; g < pr.groups; ++g)
    for (int k = 0; k < pr.pairs; ++k) {
      const double t_pre = t0 + g * pr.group_interval_ms + k * pr.pair_interval_ms;
      const double t_pulse = t_pre + pr.pre_to_post_ms - latency;  // spike at t_pre + Δ
      ev.push_back({Time::from_ms(t_pre), Kind::ampa});
      ev.push_back({Time::from_ms(t_pulse), Kind::pulse_on});
      ev.push_back({Time::from_ms(t_pulse + pr.stimulus_ms), Kind::pulse_off});
      if (pr.gaba_nS > 0.0)
        for (int j = 0; j < pr.gaba_spikes; ++j)
          ev.push_back(
              {Time::from_ms(t_pulse + arrival - pr.gaba_before_bap_ms + j * pr.gaba_isi_ms),
               Kind::gaba});
    }
  std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  const Time end = ev.back().t + Time::from_ms(1000.0);

  Time pred = cell.predict(0, Time::zero());
  std::size_t i = 0;
  for (;;) {
    const Time t_in = i < ev.size() ? ev[i].t : Time::never();
    const Time now = std::min(t_in, pred);
    if (now.is_never() || now >= end) break;
    if (t_in == now) {
      const Event& e = ev[i++];
      Time r = keep_prediction;
      switch (e.kind) {
        case Kind::ampa:
          r = cell.receive_at(0, now, pr.ampa_nS, PyramidalDendriticGroup::AMPA, syn);
          break;
        case Kind::pulse_on:
          r = cell.set_current(0, now, 1e3 * pr.stimulus_nA);
          break;
        case Kind::pulse_off:
          r = cell.set_current(0, now, 0.0);
          break;
        case Kind::gaba:
          r = cell.receive_at(0, now, pr.gaba_nS, PyramidalDendriticGroup::GABA_A, contact);
          break;
      }
      if (r != keep_prediction) pred = std::min(pred, r);
    } else {
      Time next = Time::never();
      cell.check(0, now, next);
      pred = next == keep_prediction ? Time::never() : next;
    }
  }
  PairingResult out;
  out.rho_before = params.rho0;
  out.rho_after = cell.rho(0, syn, end);
  const double b = params.gb.b;
  out.weight_change = (1.0 + out.rho_after * (b - 1.0)) / (1.0 + params.rho0 * (b - 1.0)) - 1.0;
  out.postsynaptic_spikes = cell.spikes(0).size();
  return out;
}

}  // namespace spindle::models
