// Test-only cell models that make the kernel observable: a "parrot" fires once for every
// input it receives (so delays and ordering show up as spike times), and a "listener" keeps
// the times and weights of everything it receives and never fires.
#pragma once

#include <memory>
#include <vector>

#include "spindle/error.hpp"
#include "spindle/model_registry.hpp"

namespace spindle::test {

struct Received {
  Time t;
  double weight;
  std::size_t receptor;
  std::size_t cell;
  Location where{};  ///< soma unless the synapse's projection placed it elsewhere
};

/// Shared log of what listener cells received (in the order the kernel delivered it).
struct ListenerLog {
  std::vector<std::vector<Received>> per_cell;
  std::vector<std::vector<std::pair<Time, double>>> currents;
};

class ListenerGroup final : public CellGroup {
 public:
  ListenerGroup(std::size_t n, std::shared_ptr<ListenerLog> log) : n_(n), log_(std::move(log)) {
    log_->per_cell.assign(n, {});
    log_->currents.assign(n, {});
    last_.assign(n, Time::zero());
  }
  std::size_t size() const noexcept override { return n_; }
  void set_state(std::size_t, std::size_t, double) override {}
  Time predict(std::size_t, Time) override { return Time::never(); }
  Time receive(std::size_t cell, Time t, double w, std::size_t r) override {
    if (t < last_[cell]) throw InternalError("listener: input out of order");
    last_[cell] = t;
    log_->per_cell[cell].push_back({t, w, r, cell});
    return keep_prediction;
  }
  Time receive_at(std::size_t cell, Time t, double w, std::size_t r, Location where) override {
    receive(cell, t, w, r);
    log_->per_cell[cell].back().where = where;
    return keep_prediction;
  }
  Time set_current(std::size_t cell, Time t, double i) override {
    log_->currents[cell].push_back({t, i});
    return keep_prediction;
  }
  bool check(std::size_t, Time, Time& next) override {
    next = Time::never();
    return false;
  }
  double probe(std::size_t cell, std::size_t, Time) const override {
    return static_cast<double>(log_->per_cell[cell].size());
  }

 private:
  std::size_t n_;
  std::shared_ptr<ListenerLog> log_;
  std::vector<Time> last_;
};

/// Fires at the time of each excitatory input ("exc", weight ignored); "inh" inputs are ignored.
class ParrotGroup final : public CellGroup {
 public:
  explicit ParrotGroup(std::size_t n) : pending_(n, 0) {}
  std::size_t size() const noexcept override { return pending_.size(); }
  void set_state(std::size_t, std::size_t, double) override {}
  Time predict(std::size_t, Time) override { return Time::never(); }
  Time receive(std::size_t cell, Time t, double, std::size_t r) override {
    if (r != 0) return keep_prediction;
    pending_[cell] = 1;
    return t;
  }
  Time set_current(std::size_t, Time, double) override { return keep_prediction; }
  bool check(std::size_t cell, Time, Time& next) override {
    next = Time::never();
    const bool fire = pending_[cell] != 0;
    pending_[cell] = 0;
    return fire;
  }
  double probe(std::size_t, std::size_t, Time) const override { return 0.0; }

 private:
  std::vector<char> pending_;
};

inline CellModelInfo listener_model(std::shared_ptr<ListenerLog> log) {
  CellModelInfo m;
  m.name = "listener";
  m.summary = "test: logs its inputs";
  m.parameters = {param_positive("tau", Unit::ms, 10.0, "unused test parameter")};
  m.receptors = {{"exc", Unit::pA, +1, ""}, {"inh", Unit::pA, -1, ""}, {"any", Unit::mV, 0, ""}};
  m.state = {{"count", Unit::none, "inputs so far"}};
  m.make = [log](const ParameterValues&, std::size_t n) {
    return std::make_unique<ListenerGroup>(n, log);
  };
  return m;
}

/// The listener with a small dendritic tree and an axon initial segment:
/// trunk 0-200 um (apical) -> tuft_a 200-300 um, tuft_b 200-250 um (tuft); basal 0-100 um.
inline CellModelInfo dendritic_listener_model(std::shared_ptr<ListenerLog> log) {
  CellModelInfo m = listener_model(std::move(log));
  m.name = "dendritic_listener";
  m.has_axon_initial_segment = true;
  m.morphology = [](const ParameterValues&) {
    return Morphology{{{"trunk", -1, 200.0, 2.0, "apical"},
                       {"tuft_a", 0, 100.0, 1.0, "tuft"},
                       {"tuft_b", 0, 50.0, 1.0, "tuft"},
                       {"basal", -1, 100.0, 1.0, "basal"}}};
  };
  return m;
}

inline CellModelInfo parrot_model() {
  CellModelInfo m;
  m.name = "parrot";
  m.summary = "test: fires once per excitatory input";
  m.receptors = {{"exc", Unit::pA, +1, ""}, {"inh", Unit::pA, -1, ""}};
  m.state = {{"V_m", Unit::mV, ""}};
  m.make = [](const ParameterValues&, std::size_t n) { return std::make_unique<ParrotGroup>(n); };
  return m;
}

inline ModelRegistry test_registry(std::shared_ptr<ListenerLog> log) {
  ModelRegistry r;
  r.add_cell_model(listener_model(log));
  r.add_cell_model(parrot_model());
  r.add_cell_model(dendritic_listener_model(log));
  return r;
}

}  // namespace spindle::test
