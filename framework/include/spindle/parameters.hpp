// spindle/parameters.hpp: parameter schemas and values. Every model declares each parameter
// once (name, unit, default, allowed range, meaning); the same declaration validates user
// input, fills in defaults, feeds `spindle models` and generates docs/models.md.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "spindle/units.hpp"

namespace spindle {

struct ParamInfo {
  std::string name;
  Unit unit = Unit::none;
  double default_value = 0.0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool max_inclusive = true;
  std::string meaning;

  bool allows(double v) const noexcept;
  /// "> 0", "[-100, 100]", "any finite value": what the check accepts, in words.
  std::string range_text() const;
};

/// Shorthands for schemas: positive(...) is (0, inf), any(...) is (-inf, inf), etc.
ParamInfo param_any(std::string name, Unit unit, double def, std::string meaning);
ParamInfo param_positive(std::string name, Unit unit, double def, std::string meaning);
ParamInfo param_nonnegative(std::string name, Unit unit, double def, std::string meaning);
ParamInfo param_range(std::string name, Unit unit, double def, double lo, double hi,
                      std::string meaning);

/// One value given by a user: a plain number in the schema's unit (files, CLI), or a strong
/// type from the C++ API whose unit is checked against the schema at build time.
struct ParamValue {
  double value = 0.0;
  Unit unit = Unit::none;  ///< none: a plain number, taken in the schema's unit
  bool unit_given = false;

  ParamValue() = default;
  ParamValue(double v) : value(v) {}  // NOLINT: implicit by design
  ParamValue(int v) : value(v) {}     // NOLINT
  template <Unit U>
  ParamValue(Quantity<U> q) : value(q.value()), unit(U), unit_given(true) {}  // NOLINT
};

/// Values given by a user: name -> value.
using ParameterSet = std::map<std::string, ParamValue>;

/// A schema-complete, validated set of values: every schema name present.
class ParameterValues {
 public:
  ParameterValues() = default;
  double operator[](const std::string& name) const;
  const std::map<std::string, double>& all() const noexcept { return values_; }

 private:
  friend ParameterValues resolve_parameters(const std::vector<ParamInfo>&, const ParameterSet&,
                                            const std::string&);
  std::map<std::string, double> values_;
};

/// Checks user values against a schema (unknown name, NaN/inf, out of range) and fills in
/// defaults. `context` names the owner in messages, e.g. "population 'exc' (model lif_exp)".
/// Throws spindle::Error naming the parameter, its unit and the allowed range.
ParameterValues resolve_parameters(const std::vector<ParamInfo>& schema, const ParameterSet& given,
                                   const std::string& context);

}  // namespace spindle
