// spindle/models/wta.hpp: a winner-take-all circuit made of spiking cells, added to a
// NetworkSpec with the builder: a population of excitatory cells and a shared pool of
// PV-basket-like inhibitory cells (the `pv_basket` preset) with E -> pool and pool -> E
// projections, optional self-excitation, and optionally a gate stage that makes the
// inhibition nonlinear. The caller drives the excitatory cells (stimuli) and reads spikes.
//
//   NetworkSpec net;
//   WtaParams p;                    // hard k-WTA, 2048 cells, k = 40
//   p.n_exc = 2048;
//   p.k = 40;
//   const WtaCircuit c = add_wta(net, p);
//   // drive net.populations named c.excitatory, e.g. with add_input_schedule() below
//
// Modes (science.md sec. 4.1, Maass 2000; sec. 6.5, HTM global inhibition):
//  - hard_k: a latency race counted by the pool. A DC drive makes every excitatory cell fire
//    its first spike after a latency that falls with its drive, so the cells fire in the
//    order of their drives. The pool integrates the excitatory spikes through a slow
//    excitatory current (pool_count_time, >> the race) and so counts them; it fires when the
//    count reaches `trigger_count` and its strong, long inhibition silences every cell that
//    has not fired yet (count-k inhibition, science.md sec. 4.3 E2). The winners are the cells
//    that spiked; about k when trigger_count is k minus the spikes that still arrive during
//    the loop delay (see kwta_trigger_count()).
//  - soft: the same circuit with a fast pool (E -> pool current decaying in 2 ms) and weaker
//    inhibition: the pool's rate follows the total excitatory rate and subtracts a common
//    current from every cell, so the output rates are a monotone function of the drives
//    (rank order kept) and the low-ranked cells fall silent.
//
// Nonlinear inhibition (Kriener, Chaudhuri & Fiete 2020, science.md sec. 2; the H(x_j - theta)
// of the nWTA): with `gated`, each excitatory cell drives the pool through its own gate cell
// (one_to_one E -> gate, then gate -> pool) instead of directly. A gate is a lif_exp cell whose
// input current averages its excitatory cell's spike train over gate_time; it fires only when
// that train exceeds gate_rate, so only cells firing above gate_rate recruit inhibition. The
// rule for the E -> gate weight (gate_weight()): the mean current of a train of rate r through
// weight w and decay time tau is w r tau, and the gate starts firing when it reaches the gate's
// rheobase (V_th - E_L) C_m / tau_m, so w = rheobase / (gate_rate * gate_time).
//
// Placement of the inhibition: pool -> E synapses land at `inhibition_location` (default the
// soma: perisomatic, as basket cells). A dendritic location needs an excitatory model with a
// morphology (`pyramidal_dendritic`, with_pyramidal_dendritic()); a point neuron rejects it
// when the Simulation is built.
//
// Excitatory cell model: current-based (lif_exp, the default, or adex): pool -> E weights are
// currents (w_pool_exc, pA) on the receptors "exc" and "inh". Conductance-based (lif_cond,
// pyramidal_dendritic): set the receptor names and g_pool_exc (nS, the peak conductance of
// one pool spike at one synapse); with_pyramidal_dendritic() does both for the reduced
// pyramidal cell. The drive stays a current (add_input_schedule()); wta_exc_membrane() gives
// the rheobase of whichever model is chosen, so drives can be stated in rheobases.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "spindle/location.hpp"
#include "spindle/network_spec.hpp"
#include "spindle/parameters.hpp"
#include "spindle/units.hpp"

namespace spindle::models {

enum class WtaMode { hard_k, soft };

struct WtaParams {
  /// Prefix of the population names: "<name>_exc", "<name>_pool", "<name>_gate".
  std::string name = "wta";
  std::size_t n_exc = 100;  ///< excitatory cells (> 0)
  std::size_t n_pool = 10;  ///< inhibitory pool cells (> 0)
  WtaMode mode = WtaMode::hard_k;
  std::size_t k = 1;  ///< hard_k: target number of winners, 0 < k < n_exc

  /// Excitatory cells: model and parameters, merged over exc_defaults() (lif_exp, tau_m =
  /// 20 ms, GABA current decaying in 10 ms so that one pool volley outlasts the race).
  std::string exc_model = "lif_exp";
  ParameterSet exc_parameters;
  /// Pool cells: the pv_basket preset (fast spiking AdEx, cell_types.hpp) with these values
  /// merged over it. hard_k sets tau_syn_exc = pool_count_time and C_m = 20 pF (a 2 ms
  /// membrane) unless given here.
  ParameterSet pool_parameters;

  /// hard_k: pool fires at this many excitatory spikes; <= 0: kwta_trigger_count(k).
  double trigger_count = 0.0;
  /// hard_k: decay time of the E -> pool current (the pool's counting memory).
  Milliseconds pool_count_time{100.0};
  /// E -> pool weight per synapse; 0 (default): hard_k: pool rheobase / trigger_count;
  /// soft: the weight at which 725 excitatory spikes/s in all bring the pool to its rheobase
  /// (100 pA).
  Picoamps w_exc_pool{0.0};
  /// pool -> E weight per synapse (<= 0); 0 (default): hard_k: -1000 pA * 10 / n_pool (a
  /// volley of the whole pool holds any drive up to ~3 nA below threshold for ~20 ms);
  /// soft: -10 pA * 10 / n_pool (stronger pools lock the cells to their volleys).
  Picoamps w_pool_exc{0.0};
  Milliseconds delay_exc_pool{0.5};
  Milliseconds delay_pool_exc{0.5};
  /// Where pool -> E synapses land (locate::soma(): perisomatic).
  LocationSpec inhibition_location = locate::soma();
  /// Receptors of the excitatory model that E -> E (self) and pool -> E synapses use.
  std::string exc_receptor = "exc", inh_receptor = "inh";
  /// Conductance-based excitatory models: pool -> E peak conductance per synapse (> 0 selects
  /// conductance weights on inh_receptor; w_pool_exc must then be 0).
  Nanosiemens g_pool_exc{0.0};

  /// Self-excitation: each excitatory cell onto itself (>= 0; 0: none), a current on
  /// exc_receptor (current-based excitatory models only).
  Picoamps w_self{0.0};
  Milliseconds delay_self{1.0};

  /// Nonlinear inhibition: only cells firing above gate_rate recruit the pool (see above).
  bool gated = false;
  Hertz gate_rate{50.0};
  Milliseconds gate_time{20.0};  ///< the gate's rate-averaging time (its tau_syn_exc)
  Milliseconds delay_gate{0.5};
};

/// Names and sizes of what add_wta() added; `gate` is empty without gating.
struct WtaCircuit {
  std::string excitatory, pool, gate;
  std::size_t n_exc = 0, n_pool = 0;
};

/// Checks `p` (sizes > 0, 0 < k < n_exc in hard_k, signs of weights, positive delays and
/// times) and adds the populations and projections to `net`. Throws spindle::Error naming the
/// field that is wrong, or a population name that is already taken.
WtaCircuit add_wta(NetworkSpec& net, const WtaParams& p);

/// The excitatory defaults add_wta() starts from (lif_exp values, see WtaParams::exc_model).
ParameterSet wta_exc_defaults();

/// `p` with `pyramidal_dendritic` excitatory cells (point soma with lif_cond's equations and a
/// dendritic tree; pyramidal_dendritic.hpp): receptors AMPA / GABA_A, pool -> E peak
/// conductance `g_pool_exc` per synapse (> 0), and the soma's tau_syn_inh = 10 ms and
/// V_reset = -70 mV of wta_exc_defaults() unless p.exc_parameters sets them (with its tau_m of
/// 20 ms the race is then the lif_exp circuit's, for which kwta_trigger_count() is
/// calibrated). Pair it with inhibition_location to put the pool's synapses on the soma or on
/// the dendrites.
WtaParams with_pyramidal_dendritic(WtaParams p, Nanosiemens g_pool_exc);

/// The LIF membrane of the excitatory cells add_wta(p) builds: rheobase (the DC current at
/// which a cell just reaches threshold), (V_th - E_L) g_L, and tau_m = C_m / g_L (g_L =
/// C_m / tau_m for models given by tau_m); from the model's defaults merged with what
/// add_wta() sets. Throws for a model without V_th, E_L, C_m and g_L or tau_m, or with an
/// exponential term (adex: Delta_T moves the threshold).
struct LifMembrane {
  Picoamps rheobase;
  Milliseconds tau_m;
};
LifMembrane wta_exc_membrane(const WtaParams& p);

/// The calibrated rule for the pool's trigger count in hard_k: k minus the excitatory spikes
/// that arrive while the loop closes (E -> pool -> E plus the pool's rise), 0.75 k as
/// measured on the kwta example's inputs (2048 cells, k = 40; docs/examples.md).
double kwta_trigger_count(std::size_t k);

/// E -> gate weight [pA] that makes a lif_exp gate fire above `rate` (rule above), for the
/// gate parameters add_wta() uses.
Picoamps gate_weight(Hertz rate, Milliseconds gate_time);

/// Presentations of inputs to one population, one after the other: input i's current drive
/// (pA per cell) is on during [i * period, i * period + duration) and off otherwise. Adds one
/// step-current stimulus per cell. `currents[i]` must have one value per cell of `population`
/// (size n), duration in (0, period].
void add_input_schedule(NetworkSpec& net, const std::string& population, std::size_t n,
                        const std::vector<std::vector<double>>& currents, Milliseconds period,
                        Milliseconds duration);

}  // namespace spindle::models
