#include "spindle/network_spec.hpp"

namespace spindle {

const char* rule_name(ConnectionRule::Kind k) noexcept {
  switch (k) {
    case ConnectionRule::Kind::one_to_one:
      return "one_to_one";
    case ConnectionRule::Kind::all_to_all:
      return "all_to_all";
    case ConnectionRule::Kind::pairwise_bernoulli:
      return "pairwise_bernoulli";
    case ConnectionRule::Kind::fixed_indegree:
      return "fixed_indegree";
    case ConnectionRule::Kind::fixed_outdegree:
      return "fixed_outdegree";
    case ConnectionRule::Kind::fixed_total_number:
      return "fixed_total_number";
    case ConnectionRule::Kind::distance_dependent:
      return "distance_dependent";
  }
  return "?";
}

PopulationSpec& NetworkSpec::add_population(std::string name, std::string model, std::size_t size,
                                            ParameterSet params) {
  PopulationSpec p;
  p.name = std::move(name);
  p.model = std::move(model);
  p.size = size;
  p.parameters = std::move(params);
  populations.push_back(std::move(p));
  return populations.back();
}

ProjectionSpec& NetworkSpec::connect(std::string source, std::string target, ConnectionRule rule,
                                     std::string receptor, ValueSpec weight, ValueSpec delay) {
  ProjectionSpec p;
  p.name = source + "->" + target;
  p.source = std::move(source);
  p.target = std::move(target);
  p.rule = rule;
  p.receptor = std::move(receptor);
  p.weight = weight;
  p.delay = delay;
  projections.push_back(std::move(p));
  return projections.back();
}

StimulusSpec& NetworkSpec::add_poisson(std::string target, Hertz rate, std::string receptor,
                                       ValueSpec weight) {
  StimulusSpec s;
  s.kind = StimulusSpec::Kind::poisson;
  s.name = "poisson->" + target;
  s.target = std::move(target);
  s.rate_hz = rate.value();
  s.receptor = std::move(receptor);
  s.weight = weight;
  stimuli.push_back(std::move(s));
  return stimuli.back();
}

StimulusSpec& NetworkSpec::add_spike_times(std::string target, std::vector<double> times_ms,
                                           std::string receptor, ValueSpec weight) {
  StimulusSpec s;
  s.kind = StimulusSpec::Kind::spike_times;
  s.name = "spike_times->" + target;
  s.target = std::move(target);
  s.times_ms = std::move(times_ms);
  s.receptor = std::move(receptor);
  s.weight = weight;
  stimuli.push_back(std::move(s));
  return stimuli.back();
}

StimulusSpec& NetworkSpec::add_dc(std::string target, Picoamps amplitude, Milliseconds start,
                                  Milliseconds stop) {
  StimulusSpec s;
  s.kind = StimulusSpec::Kind::dc;
  s.name = "dc->" + target;
  s.target = std::move(target);
  s.amplitude_pA = amplitude.value();
  s.start_ms = start.value();
  s.stop_ms = stop.value();
  stimuli.push_back(std::move(s));
  return stimuli.back();
}

StimulusSpec& NetworkSpec::add_step_current(std::string target, std::vector<double> times_ms,
                                            std::vector<double> amplitudes_pA) {
  StimulusSpec s;
  s.kind = StimulusSpec::Kind::step_current;
  s.name = "step_current->" + target;
  s.target = std::move(target);
  s.times_ms = std::move(times_ms);
  s.amplitudes_pA = std::move(amplitudes_pA);
  stimuli.push_back(std::move(s));
  return stimuli.back();
}

ProbeSpec& NetworkSpec::add_probe(std::string population, std::string variable,
                                  std::vector<double> times_ms, std::vector<std::size_t> cells) {
  ProbeSpec p;
  p.population = std::move(population);
  p.variable = std::move(variable);
  p.times_ms = std::move(times_ms);
  p.cells = std::move(cells);
  probes.push_back(std::move(p));
  return probes.back();
}

}  // namespace spindle
