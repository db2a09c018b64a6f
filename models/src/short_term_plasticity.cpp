#include "spindle/models/short_term_plasticity.hpp"

#include <cmath>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

class TsodyksMarkram final : public SynapseGroup {
 public:
  TsodyksMarkram(double U, double D, double F) : U_(U), D_(D), F_(F) {}

  void init(std::size_t trains, const std::vector<double>& w, int, const std::string&) override {
    w_ = w;
    u_.assign(trains, U_);
    R_.assign(trains, 1.0);
    last_.assign(trains, Time::never());
  }

  double on_presynaptic(std::size_t k, Time t) override {
    if (!last_[k].is_never()) {
      const double dt = (t - last_[k]).to_ms();
      const double fac = F_ > 0 ? std::exp(-dt / F_) : 0.0;
      const double u_next = U_ + u_[k] * (1.0 - U_) * fac;
      R_[k] = 1.0 + (R_[k] - u_[k] * R_[k] - 1.0) * std::exp(-dt / D_);
      u_[k] = u_next;
    }
    last_[k] = t;
    return u_[k] * R_[k];
  }

  double transmit(std::size_t s, Time, double factor) override { return factor * w_[s]; }
  void on_postsynaptic(std::size_t, Time) override {}
  double weight(std::size_t s) const override { return w_[s]; }

 private:
  double U_, D_, F_;
  std::vector<double> w_;
  std::vector<double> u_, R_;  // u_n and R_n of the train's last spike
  std::vector<Time> last_;
};

}  // namespace

SynapseModelInfo tsodyks_markram_model() {
  SynapseModelInfo m;
  m.name = "tsodyks_markram";
  m.summary =
      "short-term depression and facilitation (Tsodyks & Markram 1997; Markram et al. 1998)";
  ParamInfo U = param_range("U", Unit::none, 0.5, 0.0, 1.0, "utilisation of resources by a spike");
  U.min_inclusive = false;
  m.parameters = {
      U, param_positive("D", Unit::ms, 100.0, "recovery time constant of resources"),
      param_nonnegative("F", Unit::ms, 0.0, "facilitation time constant (0: no facilitation)")};
  m.make = [](const ParameterValues& v) {
    return std::make_unique<TsodyksMarkram>(v["U"], v["D"], v["F"]);
  };
  return m;
}

const std::vector<StpPreset>& stp_presets() {
  static const std::vector<StpPreset> presets = {
      {"F1", 0.16, 45.0, 376.0, "facilitating", "Gupta, Wang & Markram 2000 (mean of class F1)"},
      {"F2", 0.25, 706.0, 21.0, "depressing",
       "Gupta et al. 2000 (F2); matches Maass et al. 2002 I->E (0.25, 700, 20)"},
      {"F3", 0.32, 144.0, 62.0, "pseudo-linear",
       "Gupta et al. 2000 (F3); matches Maass et al. 2002 I->I (0.32, 144, 60)"},
      {"E1", 0.09, 138.0, 670.0, "facilitating",
       "Markram group E1 onto interneurons (recalled means, science.md 5.4)"},
      {"E2", 0.5, 671.0, 17.0, "depressing", "Markram group E2 (recalled means, science.md 5.4)"},
      {"E3", 0.29, 329.0, 326.0, "pseudo-linear",
       "Markram group E3 (recalled means, science.md 5.4)"},
  };
  return presets;
}

ParameterSet stp_preset(const std::string& name) {
  std::string known;
  for (const auto& p : stp_presets()) {
    if (p.name == name)
      return {{"U", p.U}, {"D", Milliseconds{p.D_ms}}, {"F", Milliseconds{p.F_ms}}};
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw Error(fmt::format("unknown short-term plasticity preset '{}'; presets: {}", name, known));
}

}  // namespace spindle::models
