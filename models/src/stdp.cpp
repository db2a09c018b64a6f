#include "spindle/models/stdp.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models {

namespace {

/// A trace that jumps at spikes and decays exponentially in between, stored as (value at its
/// last update, time of that update), so it costs nothing between spikes.
struct Trace {
  double value = 0.0;
  Time at = Time::zero();
  double now(Time t, double tau) const { return value * std::exp(-(t - at).to_ms() / tau); }
  void bump(Time t, double tau) {
    value = now(t, tau) + 1.0;
    at = t;
  }
};

/// What every plastic rule here shares: magnitudes bounded to [0, w_max] with the receptor's
/// sign kept apart, so an inhibitory weight never turns excitatory. Rules implement pre()
/// (before the synapse transmits) and post().
class PlasticSynapses : public SynapseGroup {
 public:
  explicit PlasticSynapses(double w_max) : w_max_(w_max) {}

  void init(std::size_t, const std::vector<double>& w, int sign,
            const std::string& context) override {
    mag_.resize(w.size());
    sign_.resize(w.size());
    for (std::size_t s = 0; s < w.size(); ++s) {
      if (std::abs(w[s]) > w_max_)
        throw Error(
            fmt::format("{}: initial weight {} exceeds w_max = {}; plastic weights live "
                        "in [0, w_max] (in magnitude)",
                        context, w[s], w_max_));
      mag_[s] = std::abs(w[s]);
      sign_[s] = sign != 0 ? static_cast<signed char>(sign) : (w[s] < 0 ? -1 : 1);
    }
    resize_state(w.size());
  }
  double on_presynaptic(std::size_t, Time) override { return 1.0; }
  double transmit(std::size_t s, Time t, double factor) override {
    pre(s, t);
    return factor * sign_[s] * mag_[s];
  }
  void on_postsynaptic(std::size_t s, Time t) override { post(s, t); }
  double weight(std::size_t s) const override { return sign_[s] * mag_[s]; }

 protected:
  virtual void resize_state(std::size_t n) = 0;
  virtual void pre(std::size_t s, Time t) = 0;
  virtual void post(std::size_t s, Time t) = 0;
  void change(std::size_t s, double dw) { mag_[s] = std::clamp(mag_[s] + dw, 0.0, w_max_); }
  double w_max_;

 private:
  std::vector<double> mag_;
  std::vector<signed char> sign_;
};

/// One presynaptic and one postsynaptic trace per synapse: pair STDP and Vogels' iSTDP.
class PairTraceSynapses : public PlasticSynapses {
 public:
  using PlasticSynapses::PlasticSynapses;

 protected:
  void resize_state(std::size_t n) override {
    x_.assign(n, {});
    y_.assign(n, {});
  }
  std::vector<Trace> x_, y_;  // presynaptic, postsynaptic
};

class PairStdp final : public PairTraceSynapses {
 public:
  explicit PairStdp(const ParameterValues& v)
      : PairTraceSynapses(v["w_max"]),
        tau_plus_(v["tau_plus"]),
        tau_minus_(v["tau_minus"]),
        a_plus_(v["A_plus"]),
        a_minus_(v["A_minus"]) {}

 private:
  void pre(std::size_t s, Time t) override {
    change(s, -w_max_ * a_minus_ * y_[s].now(t, tau_minus_));
    x_[s].bump(t, tau_plus_);
  }
  void post(std::size_t s, Time t) override {
    change(s, w_max_ * a_plus_ * x_[s].now(t, tau_plus_));
    y_[s].bump(t, tau_minus_);
  }
  double tau_plus_, tau_minus_, a_plus_, a_minus_;
};

class VogelsIstdp final : public PairTraceSynapses {
 public:
  explicit VogelsIstdp(const ParameterValues& v)
      : PairTraceSynapses(v["w_max"]),
        tau_(v["tau"]),
        eta_(v["eta"]),
        alpha_(2.0 * v["rho0"] * 1e-3 * v["tau"]) {}

 private:
  void pre(std::size_t s, Time t) override {
    change(s, eta_ * w_max_ * (y_[s].now(t, tau_) - alpha_));
    x_[s].bump(t, tau_);
  }
  void post(std::size_t s, Time t) override {
    change(s, eta_ * w_max_ * x_[s].now(t, tau_));
    y_[s].bump(t, tau_);
  }
  double tau_, eta_, alpha_;
};

class TripletStdp final : public PlasticSynapses {
 public:
  explicit TripletStdp(const ParameterValues& v)
      : PlasticSynapses(v["w_max"]),
        tau_plus_(v["tau_plus"]),
        tau_minus_(v["tau_minus"]),
        tau_x_(v["tau_x"]),
        tau_y_(v["tau_y"]),
        a2p_(v["A2_plus"]),
        a3p_(v["A3_plus"]),
        a2m_(v["A2_minus"]),
        a3m_(v["A3_minus"]) {}

 private:
  void resize_state(std::size_t n) override {
    r1_.assign(n, {});
    r2_.assign(n, {});
    o1_.assign(n, {});
    o2_.assign(n, {});
  }
  void pre(std::size_t s, Time t) override {
    // r2 is read before this spike's own increment (the t- of Pfister & Gerstner).
    change(s, -w_max_ * o1_[s].now(t, tau_minus_) * (a2m_ + a3m_ * r2_[s].now(t, tau_x_)));
    r1_[s].bump(t, tau_plus_);
    r2_[s].bump(t, tau_x_);
  }
  void post(std::size_t s, Time t) override {
    change(s, w_max_ * r1_[s].now(t, tau_plus_) * (a2p_ + a3p_ * o2_[s].now(t, tau_y_)));
    o1_[s].bump(t, tau_minus_);
    o2_[s].bump(t, tau_y_);
  }
  double tau_plus_, tau_minus_, tau_x_, tau_y_, a2p_, a3p_, a2m_, a3m_;
  std::vector<Trace> r1_, r2_, o1_, o2_;
};

ParamInfo w_max_param(double def) {
  return param_positive("w_max", Unit::none, def,
                        "bound of |w|, in the receptor's unit (pA, nS or mV)");
}

template <class Group>
SynapseModelInfo plastic_model(std::string name, std::string summary,
                               std::vector<ParamInfo> params) {
  SynapseModelInfo m;
  m.name = std::move(name);
  m.summary = std::move(summary);
  m.parameters = std::move(params);
  m.needs_postsynaptic_spikes = true;
  m.make = [](const ParameterValues& v) { return std::make_unique<Group>(v); };
  return m;
}

}  // namespace

SynapseModelInfo stdp_pair_model() {
  return plastic_model<PairStdp>(
      "stdp_pair", "additive pair STDP with all-to-all traces (Song, Miller & Abbott 2000)",
      {param_positive("tau_plus", Unit::ms, 16.8, "potentiation window (pre before post)"),
       param_positive("tau_minus", Unit::ms, 33.7, "depression window (post before pre)"),
       param_nonnegative("A_plus", Unit::none, 0.01, "potentiation per pairing, fraction of w_max"),
       param_nonnegative("A_minus", Unit::none, 0.0105,
                         "depression per pairing, fraction of w_max"),
       w_max_param(100.0)});
}

SynapseModelInfo stdp_triplet_model() {
  // Defaults: Pfister & Gerstner 2006, Table 2, all-to-all visual cortex fit.
  return plastic_model<TripletStdp>(
      "stdp_triplet", "triplet STDP, all-to-all (Pfister & Gerstner 2006)",
      {param_positive("tau_plus", Unit::ms, 16.8, "fast presynaptic trace r1"),
       param_positive("tau_minus", Unit::ms, 33.7, "fast postsynaptic trace o1"),
       param_positive("tau_x", Unit::ms, 101.0, "slow presynaptic trace r2"),
       param_positive("tau_y", Unit::ms, 125.0, "slow postsynaptic trace o2"),
       param_nonnegative("A2_plus", Unit::none, 5e-10, "pair potentiation, fraction of w_max"),
       param_nonnegative("A3_plus", Unit::none, 6.2e-3, "triplet potentiation, fraction of w_max"),
       param_nonnegative("A2_minus", Unit::none, 7e-3, "pair depression, fraction of w_max"),
       param_nonnegative("A3_minus", Unit::none, 2.3e-4, "triplet depression, fraction of w_max"),
       w_max_param(100.0)});
}

SynapseModelInfo vogels_istdp_model() {
  return plastic_model<VogelsIstdp>(
      "vogels_istdp",
      "inhibitory STDP with a symmetric window and target rate (Vogels et al. 2011)",
      {param_positive("tau", Unit::ms, 20.0, "width of the symmetric window"),
       param_nonnegative("eta", Unit::none, 1e-3, "learning rate, fraction of w_max"),
       param_nonnegative("rho0", Unit::Hz, 5.0, "target postsynaptic rate"), w_max_param(1000.0)});
}

}  // namespace spindle::models
