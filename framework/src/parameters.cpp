#include "spindle/parameters.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

bool ParamInfo::allows(double v) const noexcept {
  if (!std::isfinite(v)) return false;
  const bool lo_ok = min_inclusive ? v >= min : v > min;
  const bool hi_ok = max_inclusive ? v <= max : v < max;
  return lo_ok && hi_ok;
}

std::string ParamInfo::range_text() const {
  const bool has_lo = std::isfinite(min), has_hi = std::isfinite(max);
  if (!has_lo && !has_hi) return "any finite value";
  if (has_lo && !has_hi) return fmt::format("{} {}", min_inclusive ? ">=" : ">", min);
  if (!has_lo) return fmt::format("{} {}", max_inclusive ? "<=" : "<", max);
  return fmt::format("{}{}, {}{}", min_inclusive ? '[' : '(', min, max, max_inclusive ? ']' : ')');
}

ParamInfo param_any(std::string name, Unit unit, double def, std::string meaning) {
  ParamInfo p;
  p.name = std::move(name);
  p.unit = unit;
  p.default_value = def;
  p.meaning = std::move(meaning);
  return p;
}

ParamInfo param_positive(std::string name, Unit unit, double def, std::string meaning) {
  ParamInfo p = param_any(std::move(name), unit, def, std::move(meaning));
  p.min = 0.0;
  p.min_inclusive = false;
  return p;
}

ParamInfo param_nonnegative(std::string name, Unit unit, double def, std::string meaning) {
  ParamInfo p = param_any(std::move(name), unit, def, std::move(meaning));
  p.min = 0.0;
  return p;
}

ParamInfo param_range(std::string name, Unit unit, double def, double lo, double hi,
                      std::string meaning) {
  ParamInfo p = param_any(std::move(name), unit, def, std::move(meaning));
  p.min = lo;
  p.max = hi;
  return p;
}

double ParameterValues::operator[](const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw InternalError(fmt::format("parameter '{}' not in schema", name));
  return it->second;
}

namespace {
std::string known_names(const std::vector<ParamInfo>& schema) {
  std::string s;
  for (const auto& p : schema)
    s += (s.empty() ? "" : ", ") + p.name;
  return s.empty() ? "(none)" : s;
}
}  // namespace

ParameterValues resolve_parameters(const std::vector<ParamInfo>& schema, const ParameterSet& given,
                                   const std::string& context) {
  ParameterValues out;
  for (const auto& entry : given) {
    const std::string& name = entry.first;
    const ParamValue& value = entry.second;
    const auto it = std::find_if(schema.begin(), schema.end(),
                                 [&](const ParamInfo& p) { return p.name == name; });
    if (it == schema.end())
      throw Error(fmt::format("{}: unknown parameter '{}'; known parameters: {}", context, name,
                              known_names(schema)));
    if (value.unit_given && value.unit != it->unit)
      throw Error(fmt::format("{}: parameter '{}' is in {}, but a value in {} was given", context,
                              name, unit_symbol(it->unit), unit_symbol(value.unit)));
    if (!it->allows(value.value))
      throw Error(fmt::format("{}: parameter '{}' = {} {} is not allowed; allowed: {} {}", context,
                              name, value.value, unit_symbol(it->unit), it->range_text(),
                              unit_symbol(it->unit)));
  }
  for (const auto& p : schema) {
    const auto it = given.find(p.name);
    out.values_[p.name] = it == given.end() ? p.default_value : it->second.value;
  }
  return out;
}

}  // namespace spindle
