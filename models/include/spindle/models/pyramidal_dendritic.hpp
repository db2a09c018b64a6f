// spindle/models/pyramidal_dendritic.hpp: `pyramidal_dendritic`, a reduced, event-driven
// pyramidal cell for network scale that knows where its GABAergic synapses land (issue 5;
// Müllner, Wierenga & Bonhoeffer 2015, Neuron 87:576). A point soma plus a dendritic tree
// (the morphology of the compartmental reference cable::ca1_pyramidal_geometry(), same branch
// names) on which nothing is integrated: every dendritic effect is a closed-form kernel
// evaluated at events.
//
// Soma: the conductance-based LIF of lif_cond (same parameters, same equations, same shared
// integrator and event logic: this group drives an ode::OdeCellGroup<LifCondDynamics>);
// somatic/AIS "AMPA" adds to g_exc, somatic/AIS "GABA_A" to g_inh (E_inh at rest: a shunt).
// The dendrite below does not depend on the soma: PyramidalDendriticGroup drives any soma with
// an excitatory receptor 0, an inhibitory receptor 1 and the state V_m plus two synaptic
// variables. `pyramidal_dendritic_psc` (pyramidal_dendritic_psc.hpp) is the same dendrite on
// lif_exp's current-based soma (PD14's iaf_psc_exp).
//
// Dendrite, for a synapse at path distance d from the soma:
//  - "AMPA" (weight w nS) reaches the soma attenuated and delayed:
//        g_exc += w exp(-d / lambda_epsp)   at   t + d epsp_delay_per_100um / 100 um
//  - "GABA_A" with gaba_to_soma = 1 reaches the soma the same way, on the same cable:
//        g_inh += w exp(-d / lambda_epsp)   at   t + d epsp_delay_per_100um / 100 um
//    in addition to its local effect on the bAP calcium below (gaba_to_soma = 0, the default
//    here: no somatic effect, the behaviour the issue-5 calibration and tests were made with).
//  - every somatic spike at t_s launches a bAP that reaches a site at distance d_s at
//        t_a = t_s + bap_latency + d_s bap_delay_per_100um / 100 um
//    and raises the site's calcium by ca_bap f (then decaying with tau_ca), where
//        f = 1 / (1 + sum_j g_j W(t_a - t_on,j) exp(-x_j / lambda_side,j) / g_half)
//    over the dendritic "GABA_A" inputs j (onset t_on,j, peak conductance g_j [nS]) at path
//    distance x_j from the site; lambda_side is lambda_distal when the site lies beyond the
//    synapse (the bAP passes the synapse first) and lambda_proximal otherwise. W is the alpha
//    conductance (tau_GABA_A, peak 1) seen through a Ca-influx window of tau_window after the
//    bAP's arrival:
//        W(a) = int_0^inf alpha(a + u) exp(-u / tau_window) du / tau_window,
//        alpha(s) = (s / tau) exp(1 - s / tau) for s >= 0, else 0.
//    The form 1 / (1 + g R) is the steady-state shunt level of a conductance on a cable
//    (Gidon & Segev 2012; science.md §1.4), so inhibition saturates and several contacts add
//    sublinearly.
//  - Calibration, not typing, sets bap_latency, bap_delay_per_100um, lambda_proximal,
//    lambda_distal, g_half and tau_window: calibrate_dendritic() fits them to the cable cell's
//    inhibition map (dendritic_calibration.hpp; `spindle calibrate-dendrite`).
//
// Calcium probes: "Ca_1" ... "Ca_4" at path distances ca_site_1 ... ca_site_4 on the apical
// trunk (normalised units of Graupner & Brunel: a bAP alone adds ca_bap). Calcium at time t
// counts the GABA_A inputs whose onset is not later than t (a probe never looks ahead).
//
// Plasticity (plasticity = 1): each distinct dendritic AMPA location of a cell holds one
// Graupner-Brunel synapse (graupner_brunel.hpp) driven by its local calcium: c_pre per input
// there (after delay_pre) plus the bAP calcium at that location (with the inhibition factor f
// of that location). The AMPA weight is multiplied by the synapse's relative efficacy. Why a
// component of the cell and not a SynapseGroup: the SynapseGroup hooks see presynaptic and
// postsynaptic spike times only, never the postsynaptic cell's local calcium, which depends on
// where and when dendritic inhibition arrived. The bAP's calcium jump at a plastic location
// is booked when the kernel moves past t_a + 8 tau_window, so that GABA inputs with onset
// slightly after the bAP's arrival count as in W; rho lags real time by that much.
//
// Defaults: the calibration's output (the command line that produced them is next to the
// numbers in pyramidal_dendritic.cpp); soma: C_m = 150 pF, g_L = 7.5 nS (tau_m = 20 ms),
// E_L = -70 mV, V_th = -55 mV, V_reset = -65 mV, t_ref = 2 ms, E_exc = 0, E_inh = -70 mV,
// tau_syn_exc = 2 ms, tau_syn_inh = 5 ms (perisomatic basket-cell IPSCs decay in ~5 ms);
// tau_GABA_A = 1 ms (Müllner 2015); calcium: tau_ca, ca_bap = c_post, ca_epsp = c_pre and
// ca_epsp_delay = delay_pre of Graupner & Brunel's cortical fit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spindle/model_registry.hpp"
#include "spindle/models/dendritic_tree.hpp"
#include "spindle/models/graupner_brunel.hpp"
#include "spindle/models/lif_cond.hpp"
#include "spindle/models/ode_integrator.hpp"

namespace spindle::models {

/// The dendritic kernels' parameters (plain doubles in ms, um, nS).
struct DendriticKernelParams {
  double bap_latency = 0.0;           ///< [ms] somatic spike -> bAP at distance 0
  double bap_delay_per_100um = 0.0;   ///< [ms] bAP conduction delay per 100 um
  double lambda_proximal = 1.0;       ///< [um] spread of inhibition towards the soma
  double lambda_distal = 1.0;         ///< [um] spread of inhibition away from the soma
  double g_half = 1.0;                ///< [nS] conductance that halves the bAP Ca at its site
  double tau_window = 1.0;            ///< [ms] Ca-influx window after the bAP's arrival
  double tau_gaba = 1.0;              ///< [ms] alpha time constant of dendritic GABA_A
  double lambda_epsp = 1.0;           ///< [um] attenuation length of dendritic EPSPs
  double epsp_delay_per_100um = 0.0;  ///< [ms] EPSP delay to the soma per 100 um
  double tau_ca = 1.0;                ///< [ms] calcium decay
  double ca_bap = 1.0;                ///< calcium per bAP (no inhibition)
  double ca_epsp = 1.0;               ///< calcium per dendritic AMPA input (after ca_epsp_delay)
  double ca_epsp_delay = 0.0;         ///< [ms]

  /// bAP arrival delay after the somatic spike at path distance d [ms].
  double bap_delay(double d_um) const noexcept {
    return bap_latency + d_um * bap_delay_per_100um / 100.0;
  }
  /// Windowed alpha conductance W(a) (peak of the raw alpha 1), a = t_arrival - t_onset [ms].
  double window(double a) const noexcept;
  /// g W exp(-x / lambda_side) / g_half for one input seen from a site.
  double shunt(double g_nS, double a_ms, const TreeSeparation& sep) const noexcept;
};

/// Everything of a dendritic pyramidal cell but its soma.
struct DendriteParams {
  DendriticKernelParams dend;
  std::array<double, 4> ca_sites{};  ///< [um] on the apical trunk
  bool plasticity = false;
  GraupnerBrunelParams gb;  ///< the cortical fit; tau_ca, c_pre, c_post, delay_pre from dend
  double rho0 = 0.5;        ///< initial rho of plastic synapses
  /// Dendritic GABA_A also reaches the soma, attenuated and delayed like a dendritic EPSP.
  bool gaba_to_soma = false;

  /// From values resolved against a schema that contains dendrite_parameters().
  static DendriteParams from(const ParameterValues& v);
};

struct PyramidalDendriticParams : DendriteParams {
  LifCondParams soma;

  /// From values resolved against pyramidal_dendritic_model().parameters.
  static PyramidalDendriticParams from(const ParameterValues& v);
  /// The schema defaults (the calibration's output).
  static PyramidalDendriticParams defaults();
};

/// The schema of the dendrite (calibrated kernel, calcium probes, plasticity, gaba_to_soma with
/// the given default), shared by every soma choice.
std::vector<ParamInfo> dendrite_parameters(double gaba_to_soma_default);
/// The state variables Ca_1..Ca_4 that follow the soma's three.
std::vector<StateVarInfo> dendrite_state();

/// The morphology: cable::ca1_pyramidal_geometry() as a spindle::Morphology.
Morphology pyramidal_dendritic_morphology();
/// Index of the last branch of the apical trunk chain (the trunk is the path soma -> it).
std::size_t apical_trunk_leaf(const Morphology& m);
/// Mean of exp(-d / lambda) over the part of `region` between from_um and to_um of path
/// distance, uniform in path length (what locate::region() draws): the mean somatic fraction of
/// a dendritic input placed there. Throws spindle::Error when that part is empty.
double mean_attenuation(const Morphology& m, const std::string& region, double from_um,
                        double to_um, double lambda_um);

std::string pyramidal_dendritic_relations(const PyramidalDendriticParams& p);
CellModelInfo pyramidal_dendritic_model();

/// The soma a PyramidalDendriticGroup drives.
struct DendriticSoma {
  /// Receptor 0 excitatory, 1 inhibitory; state V_m and two synaptic variables; per-cell
  /// parameters at the same indices as in the dendritic model's schema.
  std::unique_ptr<CellGroup> group;
  std::array<int, 2> weight_sign{+1, +1};  ///< of receptors 0 and 1
  /// GABA_A peak conductance the bAP kernel sees per unit of |inhibitory weight| [nS / unit].
  double gaba_nS_per_weight = 1.0;
};

class PyramidalDendriticGroup final : public CellGroup {
 public:
  static constexpr std::size_t AMPA = 0, GABA_A = 1;  ///< receptors (excitatory, inhibitory)
  /// State variables: V_m and the soma's two synaptic variables (g_exc, g_inh), then Ca_1..Ca_4.
  static constexpr std::size_t V_m = 0, g_AMPA = 1, g_GABA_A = 2, Ca_first = 3, n_sites = 4;

  /// The lif_cond soma (`pyramidal_dendritic`).
  PyramidalDendriticGroup(const PyramidalDendriticParams& p, std::size_t n);
  /// Any soma (pyramidal_dendritic_psc.hpp).
  PyramidalDendriticGroup(const DendriteParams& p, DendriticSoma soma, std::size_t n);

  std::size_t size() const noexcept override { return cells_.size(); }
  void set_state(std::size_t cell, std::size_t var, double value) override;
  void set_parameter(std::size_t cell, std::size_t param, double value) override;
  Time predict(std::size_t cell, Time t) override;
  Time receive(std::size_t cell, Time t, double weight, std::size_t receptor) override;
  Time receive_at(std::size_t cell, Time t, double weight, std::size_t receptor,
                  Location where) override;
  void receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells, std::size_t n,
                     std::uint32_t index_offset, const float* weights, double weight,
                     Time* out) override;
  Time set_current(std::size_t cell, Time t, double current) override;
  bool check(std::size_t cell, Time t, Time& next) override;
  double probe(std::size_t cell, std::size_t var, Time t) const override;

  /// Calcium at an arbitrary point of the tree at time t (GABA onsets <= t count).
  double calcium_at(std::size_t cell, const Location& site, Time t) const;
  /// bAP calcium factor f at `site` for a bAP arriving at t_a, counting GABA onsets <= t_max.
  double bap_factor(std::size_t cell, const Location& site, Time t_a, Time t_max) const;
  /// Somatic spike times so far.
  const std::vector<Time>& spikes(std::size_t cell) const { return cells_[cell].spikes; }
  /// Relative efficacy (w / w at rho0) of the plastic synapse at `where` (1 if none).
  double efficacy(std::size_t cell, const Location& where) const;
  /// rho of the plastic synapse at `where`, advanced to t (rho0 if none).
  double rho(std::size_t cell, const Location& where, Time t) const;
  const DendriticTree& tree() const noexcept { return tree_; }
  const DendriteParams& params() const noexcept { return p_; }
  const Location& ca_site(std::size_t k) const { return sites_[k]; }

 private:
  struct Delayed {  // a dendritic input on its way to the soma
    Time t;
    double w;
    std::size_t receptor;
  };
  struct Gaba {  // a dendritic GABA_A input
    Time t_on;
    double g;
    Location where;
  };
  struct Plastic {  // one plastic AMPA location
    Location where;
    GraupnerBrunelSynapse syn;
    std::vector<Time> pre_ca;    // pending presynaptic calcium jumps (t_pre + delay)
    std::size_t bap_booked = 0;  // spikes whose bAP calcium is booked
  };
  struct Cell {
    Time soma_pred = Time::never();  // what the kernel would hold for the soma
    Time announced = Time::never();  // what the kernel holds for this cell
    std::vector<Delayed> delayed;    // ascending in t
    std::vector<Gaba> gaba;          // ascending in t_on
    std::vector<Time> spikes;
    std::vector<Plastic> plastic;
  };

  Time next_event(const Cell& c) const noexcept;
  void after_soma(Cell& c, Time soma_answer) noexcept;
  /// next_event(c) as an answer to the kernel: keep_prediction unless it is earlier than what
  /// the kernel holds.
  Time answer(Cell& c) noexcept;
  void deliver(std::size_t cell, const Delayed& d);
  void deliver_due(std::size_t cell, Time t);
  void book_plasticity(Cell& c, Time t);
  Plastic& plastic_at(Cell& c, const Location& where);

  DendriteParams p_;
  DendriticTree tree_;
  std::array<Location, n_sites> sites_{};
  Time gaba_horizon_, booking_lag_;
  DendriticSoma soma_;
  std::vector<Cell> cells_;
};

}  // namespace spindle::models
