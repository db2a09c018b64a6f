// spindle/models/exact_cell_group.hpp: the prediction bookkeeping shared by the models whose
// next threshold crossing has an exact solution (lif_delta, lif_exp). A model derives from
// ExactCellGroup<Model> and supplies three functions (see below); the base keeps, per cell, the
// best known lower bound of the next crossing, whether it is exact (no input since it was
// computed), and whether a spike is pending because the free trajectory crossed before an input
// arriving in the same tick. One copy of this logic serves every exact model.
//
// The per-cell bookkeeping lives in one record per cell (ExactCellState); a model may extend the
// record with its own hot state (the `Cell` parameter), so that an input to a cell touches one or
// two cache lines instead of one per array. Networks send each spike to random cells, so the
// cells' state is read from the L2 cache or beyond for nearly every input.
//
// The model supplies (the base is its friend-accessible CRTP parent):
//   Time next_crossing(std::size_t c) const;  // exact next crossing tick of the stored state
//   void advance(std::size_t c, Time t);      // move the stored state to t (t >= cell_[c].t)
//   void fire(std::size_t c, Time t);         // apply the reset at t, start refractoriness
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "spindle/cell_model.hpp"
#include "spindle/error.hpp"

namespace spindle::models {

/// What ExactCellGroup keeps per cell. A model's `Cell` derives from it.
struct ExactCellState {
  Time t = Time::zero();        ///< time of the stored state
  Time ref_end = Time::zero();  ///< refractory until (exclusive)
  Time pred = Time::never();    ///< best known lower bound of the next crossing
  std::uint8_t flags = 0;
};

template <class Model, class Cell = ExactCellState>
class ExactCellGroup : public CellGroup {
  static_assert(std::is_base_of_v<ExactCellState, Cell>);

 public:
  explicit ExactCellGroup(std::size_t n) : I_stim_(n, 0.0), cell_(n) {}

  Time predict(std::size_t cell, Time t) override {
    cell_[cell].t = t;
    cell_[cell].ref_end = t;
    cell_[cell].flags = exact_flag;
    cell_[cell].pred = model().next_crossing(cell);
    return cell_[cell].pred;
  }

  Time set_current(std::size_t cell, Time t, double current) override {
    SPINDLE_ASSERT(cell < cell_.size() && t >= cell_[cell].t);
    const bool pending = settle(cell, t);
    model().advance(cell, t);
    const double old = I_stim_[cell];
    I_stim_[cell] = current;
    if constexpr (requires(Model & m) { m.on_current_change(cell, old); })
      model().on_current_change(cell, old);
    if (pending) return t;
    cell_[cell].flags = exact_flag;
    cell_[cell].pred = model().next_crossing(cell);
    return cell_[cell].pred;
  }

  /// One spike's inputs to several cells: the model's receive() called directly (no virtual
  /// call per synapse).
  void receive_batch(Time t, std::size_t receptor, const std::uint32_t* cells, std::size_t n,
                     std::uint32_t index_offset, const float* weights, double weight,
                     Time* out) override {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = model().Model::receive(cells[i] + index_offset, t, weights ? weights[i] : weight,
                                      receptor);
  }

  bool check(std::size_t cell, Time t, Time& next) override {
    SPINDLE_ASSERT(cell < cell_.size() && t >= cell_[cell].t);
    const std::uint8_t f = cell_[cell].flags;
    bool fired = false;
    if (f & pending_flag) {
      fired = true;  // reset already applied at t by settle()
    } else if ((f & exact_flag) && cell_[cell].pred > t) {
      next = cell_[cell].pred;  // an earlier bound the kernel still held
      return false;
    } else {
      if (!(f & exact_flag)) {
        // A model with a cheap bound tries it from t first: far from threshold, a later bound
        // is enough, and the exact search waits until the crossing is near.
        if constexpr (requires(const Model& m) { m.bound_at(cell, t); }) {
          const Time b = model().bound_at(cell, t);
          if (b >= t + refine_margin) {
            cell_[cell].pred = next = b;
            return false;
          }
        }
      }
      const Time x = (f & exact_flag) ? cell_[cell].pred : model().next_crossing(cell);
      if (x > t) {
        cell_[cell].flags = exact_flag;
        cell_[cell].pred = next = x;
        return false;
      }
      if (x < t) late_.fetch_add(1, std::memory_order_relaxed);
      model().fire(cell, t);
      fired = true;
    }
    // At most one spike per tick (only matters for t_ref = 0 with V still at or above V_th).
    if constexpr (requires(const Model& m) { m.bound_at(cell, t); }) {
      // A cheap bound after the reset: an input usually comes before the next crossing and
      // would make an exact search void (it is refined when the kernel gets there).
      cell_[cell].flags = 0;
      cell_[cell].pred = next = std::max(model().bound_at(cell, t), t + Time::from_ticks(1));
      if (next.is_never()) cell_[cell].flags = exact_flag;
    } else {
      cell_[cell].flags = exact_flag;
      cell_[cell].pred = next = std::max(model().next_crossing(cell), t + Time::from_ticks(1));
    }
    return fired;
  }

  /// Starts loading the cell's record (one or two cache lines), which every input reads.
  void prefetch(std::size_t cell) const noexcept override {
    const auto* c = reinterpret_cast<const char*>(&cell_[cell]);
    __builtin_prefetch(c);
    if constexpr (sizeof(Cell) > 64) __builtin_prefetch(c + 64);
  }

  /// Checks that found the crossing earlier than the time they were called at, i.e. a
  /// prediction that was not a lower bound. 0 unless the model (or its caller) is wrong.
  std::uint64_t late_checks() const noexcept { return late_.load(std::memory_order_relaxed); }

 protected:
  static constexpr std::uint8_t exact_flag = 1;    ///< pred is the exact next crossing
  static constexpr std::uint8_t pending_flag = 2;  ///< a spike at pred awaits the kernel's check
  /// A refined bound at least this far ahead replaces the exact search (see check()).
  static constexpr Time refine_margin = Time::from_ticks(100'000);

  /// Handles a crossing of the free trajectory inside (cell_[c].t, t], found before an input at t
  /// is applied: such a crossing comes first, so the cell is reset at t and the spike is left
  /// pending for the kernel's check at t. Returns whether a spike is pending at t.
  bool settle(std::size_t c, Time t) {
    if (cell_[c].flags & pending_flag) return true;
    if (t <= cell_[c].t || cell_[c].pred > t)
      return false;  // pred is a lower bound of the crossing
    return settle_crossing(c, t);
  }

  /// settle() where the stored bound has been reached: out of line, off the per-input path.
  [[gnu::noinline]] bool settle_crossing(std::size_t c, Time t) {
    const Time x = (cell_[c].flags & exact_flag) ? cell_[c].pred : model().next_crossing(c);
    if (x > t) {
      cell_[c].pred = x;
      cell_[c].flags = exact_flag;
      return false;
    }
    if (x < t) late_.fetch_add(1, std::memory_order_relaxed);
    model().fire(c, t);
    cell_[c].flags = pending_flag;
    cell_[c].pred = t;
    return true;
  }

  // THREADING: the kernel may call different cells of one group from different partitions at
  // the same time. Everything is per cell except late_, a relaxed atomic counter.
  std::vector<double> I_stim_;  ///< injected current [pA]
  std::vector<Cell> cell_;
  std::atomic<std::uint64_t> late_{0};

 private:
  Model& model() { return static_cast<Model&>(*this); }
};

}  // namespace spindle::models
