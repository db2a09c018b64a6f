#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace spindle::app {
namespace {

/// nlohmann::json writes NaN as null already; being explicit keeps that visible to readers.
nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

std::string fixed_or_dash(double v, int decimals) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : std::string("-");
}

}  // namespace

std::vector<double> population_synchrony(const std::vector<Spike>& spikes,
                                         const std::vector<PopulationInfo>& populations,
                                         double duration_ms) {
  std::vector<double> chi(populations.size(), nan_value);
  if (duration_ms < 2 * synchrony_bin_ms) return chi;
  for (std::size_t i = 0; i < populations.size(); ++i) {
    chi[i] = analysis::synchrony_chi(spikes, populations[i], Time::zero(),
                                     Time::from_ms(duration_ms), Time::from_ms(synchrony_bin_ms));
  }
  return chi;
}

double RunReport::real_time_factor() const noexcept {
  return sim_s > 0 ? duration_ms * 1e-3 / sim_s : std::numeric_limits<double>::infinity();
}

std::string group_digits(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

nlohmann::ordered_json summary_json(const RunReport& r) {
  nlohmann::ordered_json j;
  j["version"] = r.version;
  j["network"] = r.network;
  j["scale"] = r.scale;
  j["seed"] = r.seed;
  j["threads"] = r.threads;
  j["partitions"] = r.partitions;
  j["duration_ms"] = r.duration_ms;
  j["cells"] = r.cells;
  j["synapses"] = r.synapses;
  j["spikes"] = r.spikes;
  j["synaptic_events"] = r.synaptic_events;
  j["wall_s"] = r.wall_s();
  j["build_s"] = r.build_s;
  j["sim_s"] = r.sim_s;
  j["real_time_factor"] = number_or_null(r.real_time_factor());
  nlohmann::ordered_json pops = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.populations.size(); ++i) {
    const analysis::PopulationSummary& p = r.populations[i];
    nlohmann::ordered_json e;
    e["name"] = p.name;
    e["cells"] = p.cells;
    e["spikes"] = p.spikes;
    e["rate_hz"] = number_or_null(p.rate_hz);
    e["cv_isi"] = number_or_null(p.cv_isi);
    e["cells_with_isi"] = p.cells_with_isi;
    e["synchrony"] = number_or_null(i < r.synchrony.size() ? r.synchrony[i] : nan_value);
    pops.push_back(std::move(e));
  }
  j["populations"] = std::move(pops);
  return j;
}

std::string summary_table(const RunReport& r) {
  std::size_t name_w = std::string_view("population").size();
  for (const auto& p : r.populations)
    name_w = std::max(name_w, p.name.size());
  name_w = std::max(name_w, r.all.name.size());

  std::string out;
  const std::string scale = r.scale == 1.0 ? std::string() : fmt::format(" at scale {:g}", r.scale);
  out += fmt::format("spindle {}: network {}{}, {:g} ms, seed {}, {} thread{}, {} partition{}\n\n",
                     r.version, r.network, scale, r.duration_ms, r.seed, r.threads,
                     r.threads == 1 ? "" : "s", r.partitions, r.partitions == 1 ? "" : "s");
  const auto row = [&](std::string_view name, std::string_view cells, std::string_view rate,
                       std::string_view cv, std::string_view chi) {
    out +=
        fmt::format("  {:<{}}  {:>7}  {:>9}  {:>6}  {:>9}\n", name, name_w, cells, rate, cv, chi);
  };
  row("population", "cells", "rate (Hz)", "CV ISI", "synchrony");
  out += fmt::format("  {:-<{}}  {:->7}  {:->9}  {:->6}  {:->9}\n", "", name_w, "", "", "", "");
  for (std::size_t i = 0; i < r.populations.size(); ++i) {
    const auto& p = r.populations[i];
    const double chi = i < r.synchrony.size() ? r.synchrony[i] : nan_value;
    row(p.name, group_digits(p.cells), fixed_or_dash(p.rate_hz, 2), fixed_or_dash(p.cv_isi, 2),
        fixed_or_dash(chi, 2));
  }
  if (r.populations.size() > 1) {
    row(r.all.name, group_digits(r.all.cells), fixed_or_dash(r.all.rate_hz, 2),
        fixed_or_dash(r.all.cv_isi, 2), "");
  }
  out += '\n';
  const auto line = [&](std::string_view key, const std::string& value) {
    out += fmt::format("  {:<10} {}\n", key, value);
  };
  line("synapses", group_digits(r.synapses));
  line("spikes", group_digits(r.spikes));
  line("wall time",
       fmt::format("{:.2f} s (build {:.2f} s, simulate {:.2f} s)", r.wall_s(), r.build_s, r.sim_s));
  const double rtf = r.real_time_factor();
  line("speed", std::isfinite(rtf)
                    ? fmt::format("{:.3g}x real time (simulated s per wall-clock s)", rtf)
                    : std::string("-"));
  line("output", r.output);
  return out;
}

}  // namespace spindle::app
