// wta: the winner-take-all circuit builder (see the header for the design and the rules).
#include "spindle/models/wta.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "spindle/error.hpp"
#include "spindle/models/builtin.hpp"
#include "spindle/models/cell_types.hpp"

namespace spindle::models {

using namespace spindle::literals;

namespace {

const CellTypePreset& pv_basket_preset() {
  for (const CellTypePreset& p : builtin_cell_types())
    if (p.name == "pv_basket") return p;
  throw InternalError("wta: the pv_basket preset is missing");
}

// The gate cells: lif_exp defaults (C_m = 250 pF, tau_m = 10 ms, V_th - E_L = 15 mV, so the
// rheobase is 15 mV * 250 pF / 10 ms = 375 pA); gate_time must differ from tau_m (lif_exp).
constexpr double kGateTauM = 10.0, kGateCm = 250.0, kGateThresholdGap = 15.0;

double value_of(const ParameterSet& set, const std::string& key, double fallback) {
  const auto it = set.find(key);
  return it == set.end() ? fallback : it->second.value;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw Error("wta: " + what);
}

// The excitatory parameters add_wta() gives the population.
ParameterSet exc_parameters_of(const WtaParams& p) {
  ParameterSet exc = p.exc_model == "lif_exp" ? wta_exc_defaults() : ParameterSet{};
  for (const auto& [key, v] : p.exc_parameters)
    exc[key] = v;
  return exc;
}

}  // namespace

ParameterSet wta_exc_defaults() {
  return {{"C_m", 250.0}, {"tau_m", 20.0}, {"tau_syn_exc", 2.0}, {"tau_syn_inh", 10.0},
          {"t_ref", 2.0}, {"E_L", -70.0},  {"V_reset", -70.0},   {"V_th", -55.0}};
}

WtaParams with_pyramidal_dendritic(WtaParams p, Nanosiemens g_pool_exc) {
  require(g_pool_exc.value() > 0.0,
          fmt::format("g_pool_exc must be > 0 nS, got {}", g_pool_exc.value()));
  p.exc_model = "pyramidal_dendritic";
  p.exc_receptor = "AMPA";
  p.inh_receptor = "GABA_A";
  p.g_pool_exc = g_pool_exc;
  p.w_pool_exc = Picoamps{0.0};
  // As wta_exc_defaults(): the pool's GABA decay, and the reset that sets how soon the early
  // winners fire again during the race (those repeats count towards the trigger too).
  p.exc_parameters.try_emplace("tau_syn_inh", 10.0_ms);
  p.exc_parameters.try_emplace("V_reset", Millivolts{-70.0});
  return p;
}

LifMembrane wta_exc_membrane(const WtaParams& p) {
  const ModelRegistry registry = builtin_registry();
  const std::vector<ParamInfo>& schema = registry.cell_model(p.exc_model).parameters;
  const auto has = [&](const char* name) {
    return std::any_of(schema.begin(), schema.end(),
                       [&](const ParamInfo& i) { return i.name == name; });
  };
  require(
      has("V_th") && has("E_L") && has("C_m") && (has("g_L") || has("tau_m")) && !has("Delta_T"),
      fmt::format("no LIF membrane rule for excitatory model '{}' (needs V_th, E_L, C_m and "
                  "g_L or tau_m)",
                  p.exc_model));
  const ParameterValues v = resolve_parameters(schema, exc_parameters_of(p), "wta excitatory");
  const double g_L = has("g_L") ? v["g_L"] : v["C_m"] / v["tau_m"];  // [nS]
  return {Picoamps{(v["V_th"] - v["E_L"]) * g_L}, Milliseconds{v["C_m"] / g_L}};
}

double kwta_trigger_count(std::size_t k) {
  // Calibrated on the kwta example (2048 cells, k = 40, its drive rule): spikes keep arriving
  // at ~2.5 per ms near the k-th winner while the loop closes (0.5 ms E -> pool, the pool's
  // 2 ms membrane, 0.5 ms pool -> E), about k / 4 of them. Other drives: calibrate again.
  return std::max(1.0, 0.75 * static_cast<double>(k));
}

Picoamps gate_weight(Hertz rate, Milliseconds gate_time) {
  require(rate.value() > 0.0, fmt::format("gate_rate must be > 0 Hz, got {}", rate.value()));
  require(gate_time.value() > 0.0,
          fmt::format("gate_time must be > 0 ms, got {}", gate_time.value()));
  const double rheobase = kGateThresholdGap * kGateCm / kGateTauM;  // [pA]
  return Picoamps{rheobase / (rate.value() * 1e-3 * gate_time.value())};
}

WtaCircuit add_wta(NetworkSpec& net, const WtaParams& p) {
  require(!p.name.empty(), "name must not be empty");
  require(p.n_exc > 0, "n_exc must be > 0");
  require(p.n_pool > 0, "n_pool must be > 0");
  if (p.mode == WtaMode::hard_k)
    require(p.k > 0 && p.k < p.n_exc,
            fmt::format("k must satisfy 0 < k < n_exc = {}, got {}", p.n_exc, p.k));
  require(p.w_exc_pool.value() >= 0.0,
          fmt::format("w_exc_pool must be >= 0 pA, got {}", p.w_exc_pool.value()));
  require(p.w_pool_exc.value() <= 0.0,
          fmt::format("w_pool_exc must be <= 0 pA (inhibitory), got {}", p.w_pool_exc.value()));
  require(p.g_pool_exc.value() >= 0.0,
          fmt::format("g_pool_exc must be >= 0 nS, got {}", p.g_pool_exc.value()));
  require(p.g_pool_exc.value() == 0.0 || p.w_pool_exc.value() == 0.0,
          "give the pool -> E weight either as a current (w_pool_exc) or as a conductance "
          "(g_pool_exc), not both");
  require(!p.exc_receptor.empty() && !p.inh_receptor.empty(),
          "exc_receptor and inh_receptor must not be empty");
  require(p.w_self.value() >= 0.0, fmt::format("w_self must be >= 0 pA, got {}", p.w_self.value()));
  for (auto [field, v] :
       {std::pair{"delay_exc_pool", p.delay_exc_pool},
        std::pair{"delay_pool_exc", p.delay_pool_exc}, std::pair{"delay_self", p.delay_self},
        std::pair{"delay_gate", p.delay_gate}, std::pair{"pool_count_time", p.pool_count_time}})
    require(v.value() > 0.0, fmt::format("{} must be > 0 ms, got {}", field, v.value()));

  WtaCircuit c;
  c.excitatory = p.name + "_exc";
  c.pool = p.name + "_pool";
  c.n_exc = p.n_exc;
  c.n_pool = p.n_pool;
  if (p.gated) c.gate = p.name + "_gate";
  for (const PopulationSpec& pop : net.populations)
    for (const std::string* mine : {&c.excitatory, &c.pool, &c.gate})
      require(pop.name != *mine, fmt::format("population '{}' already exists", *mine));

  net.add_population(c.excitatory, p.exc_model, p.n_exc, exc_parameters_of(p));

  const bool hard = p.mode == WtaMode::hard_k;
  PopulationSpec& pool = apply(net.add_population(c.pool, "", p.n_pool), pv_basket_preset());
  if (hard) {
    // A counter: the slow E -> pool current sums the spikes; a 2 ms membrane (C_m = 20 pF with
    // the preset's g_L = 10 nS) lets the pool fire within ~2 ms of the count reaching rheobase.
    pool.parameters["tau_syn_exc"] = p.pool_count_time;
    pool.parameters["C_m"] = 20.0_pF;
  }
  for (const auto& [key, v] : p.pool_parameters)
    pool.parameters[key] = v;

  // The pool's rheobase without adaptation current: g_L (V_T - E_L - Delta_T) (AdEx with a = 0;
  // Brette & Gerstner 2005).
  const ParameterSet& pp = pool.parameters;
  const double rheobase =
      value_of(pp, "g_L", 10.0) *
      (value_of(pp, "V_T", -50.0) - value_of(pp, "E_L", -65.0) - value_of(pp, "Delta_T", 0.5));
  double w_ep = p.w_exc_pool.value();
  if (w_ep == 0.0) {
    const double count = p.trigger_count > 0.0 ? p.trigger_count : kwta_trigger_count(p.k);
    // soft: the pool reaches its rheobase when the excitatory cells fire 725 spikes/s in all
    // (mean current of a train of rate R through weight w decaying in tau_syn: w R tau_syn);
    // 100 pA with the preset. Stronger pools lock the excitatory cells to their volleys (one
    // spike per volley each), and the counts no longer rank the drives.
    const double tau_syn = value_of(pp, "tau_syn_exc", 2.0);
    w_ep = hard ? rheobase / count : rheobase / (0.725 * tau_syn);
  }
  double w_pe = p.w_pool_exc.value();
  if (w_pe == 0.0) w_pe = (hard ? -1000.0 : -10.0) * 10.0 / static_cast<double>(p.n_pool);
  const ValueSpec pool_exc_weight =
      p.g_pool_exc.value() > 0.0 ? ValueSpec{p.g_pool_exc} : ValueSpec{Picoamps{w_pe}};

  std::string drives_pool = c.excitatory;
  if (p.gated) {
    const ParameterSet gate{
        {"C_m", kGateCm}, {"tau_m", kGateTauM}, {"tau_syn_exc", p.gate_time},
        {"E_L", -70.0},   {"V_reset", -70.0},   {"V_th", -70.0 + kGateThresholdGap},
        {"t_ref", 2.0}};
    net.add_population(c.gate, "lif_exp", p.n_exc, gate);
    net.connect(c.excitatory, c.gate, ConnectionRule::one_to_one(), "exc",
                gate_weight(p.gate_rate, p.gate_time), p.delay_gate);
    drives_pool = c.gate;
  }
  net.connect(drives_pool, c.pool, ConnectionRule::all_to_all(), "exc", Picoamps{w_ep},
              p.delay_exc_pool);
  net.connect(c.pool, c.excitatory, ConnectionRule::all_to_all(), p.inh_receptor, pool_exc_weight,
              p.delay_pool_exc)
      .at(p.inhibition_location);
  if (p.w_self.value() > 0.0) {
    ConnectionRule self = ConnectionRule::one_to_one();
    self.autapses = true;
    net.connect(c.excitatory, c.excitatory, self, p.exc_receptor, p.w_self, p.delay_self);
  }
  return c;
}

void add_input_schedule(NetworkSpec& net, const std::string& population, std::size_t n,
                        const std::vector<std::vector<double>>& currents, Milliseconds period,
                        Milliseconds duration) {
  require(duration.value() > 0.0 && duration.value() <= period.value(),
          fmt::format("input schedule: duration must lie in (0, period = {} ms], got {} ms",
                      period.value(), duration.value()));
  for (std::size_t i = 0; i < currents.size(); ++i)
    require(currents[i].size() == n,
            fmt::format("input schedule: input {} has {} values for {} cells", i,
                        currents[i].size(), n));
  const bool gapless = duration.value() == period.value();
  for (std::size_t cell = 0; cell < n; ++cell) {
    std::vector<double> times, amplitudes;
    times.reserve(2 * currents.size());
    amplitudes.reserve(2 * currents.size());
    for (std::size_t i = 0; i < currents.size(); ++i) {
      const double onset = static_cast<double>(i) * period.value();
      times.push_back(onset);
      amplitudes.push_back(currents[i][cell]);
      if (!gapless) {
        times.push_back(onset + duration.value());
        amplitudes.push_back(0.0);
      }
    }
    net.add_step_current(population, std::move(times), std::move(amplitudes)).cells = {cell};
  }
}

}  // namespace spindle::models
