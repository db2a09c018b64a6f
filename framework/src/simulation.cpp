// The event kernel.
//
// Time advances in epochs [e0, e1) with e1 - e0 <= D, the minimum synaptic delay. Epoch c runs
// one task per partition (oneTBB), each doing, in this order:
//   1. Clear its own outbox[c % 2]. Every partition read it during epoch c - 1, and that epoch
//      ended at a barrier.
//   2. Exchange: read every partition's outbox[(c - 1) % 2] (spikes fired in epoch c - 1; no one
//      writes that buffer during epoch c) and push one delivery per spike with synapses here
//      into its own input queue, for the source's shortest delay: it names the first of the
//      source's delay groups, and the groups after it marked `continues` (same delay) go with
//      it. Delivering it pushes the spike's next delay (see `last`), so the queue holds one entry
//      per spike in flight, not one per (spike, delay): PD14's delays on a 0.1 ms grid made the
//      queue 30 times larger, and its sifts missed the cache.
//   3. Update: pop its own events in the total order (time, kind, target, source, synapse)
//      until e1, touching only its own cells, queues and recorders; append fired spikes to its
//      own outbox[c % 2].
// Invariants: a spike fired at t in epoch c - 1 is due at t + d >= t + D >= e0(c), so handing
// it over at the start of epoch c is never late. Each cell lives in exactly one partition and
// sees its events in the global order, whatever the partitioning, so the output is identical
// for any thread and partition count. One barrier per epoch.
//
// Queues of a partition:
//   input queue: spike deliveries (kind 0, key source cell, first delay group), stimulus inputs
//     (kind 1, key target cell, stimulus entry) and probe samples (kind 3, key target cell);
//   prediction queue: a mutable heap with one entry per cell that may cross threshold (kind 2);
//     entries are lower bounds and are re-checked when popped (see cell_model.hpp).
// At equal times: network inputs, then stimuli, then threshold checks, then probes. So all
// input arriving at t is summed before a cell's threshold is checked at t, and a probe at t
// sees the state after everything that happened at t.
//
// Lazy Poisson trains (SimulationOptions::lazy_stimuli): when a train's input reaches its cell
// the model is asked how much more input certainly cannot make the cell fire
// (CellGroup::safe_weight). The train then draws ahead the k arrivals that fit in a part of that
// headroom ("pending", not queued) and queues only arrival k + 1 (the "wake"). The arrival times
// are the same doubles (next_ms accumulation) as without laziness; their ticks are kept in the
// train's entry (at most pending_capacity, as offsets from the first), so that applying one costs
// no second draw. Its RandomStream is counter based: a copy taken at the first draw
// (`replay`) regenerates the draws if the train must be queued again. Pending arrivals are applied
// in time order, through receive(), by absorb_pending() whenever the cell is touched: before a
// delivery, a stimulus event, a threshold check or a probe of the cell, at the wake, and at the end
// of run(), each time only those that come before the touch in the total order above. So every cell
// sees the same calls, with the same arguments, in the same order as without laziness, and fires at
// the same ticks: a check is never missed, because the cell cannot cross while arrivals are
// pending. The kernel keeps a ledger per cell (CellSlot): the pending weight of its trains plus a
// slack never exceed the headroom the model gave at the last look, on one receptor. Applying a
// pending arrival or an input answered keep_prediction keeps that true (safe_weight's contract);
// any other input must fit in the slack, or the model is asked again (recheck_headroom) and trains
// that no longer fit are queued again at their next pending arrival (their old wake goes stale:
// events carry the train's generation). Trains on a receptor with infinite headroom (inhibition)
// are outside the ledger. A train whose cell takes late inputs (CellSlot::late) makes its wake's
// own arrival the first pending one of the next draw when the headroom takes it, so that it needs
// no receive() at the wake either.
#include "spindle/simulation.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>

#include <fmt/format.h>
#include <boost/heap/d_ary_heap.hpp>

#include "build_network.hpp"
#include "executor.hpp"
#include "spindle/error.hpp"
#include "spindle/random.hpp"

namespace spindle {

namespace {

enum EventKind : std::uint32_t { kSpike = 0, kStimulus = 1, kCrossing = 2, kProbe = 3 };

/// before_touch() limit: pending arrivals at the touch's own time all come first.
constexpr std::uint32_t all_entries = 0xffffffff;

/// Part of a lazy train's share of the headroom that its pending arrivals take. The rest is
/// slack for the cell's other input (recurrent excitation arrives faster than the train in
/// Brunel's network), so that the model need rarely be asked again before the wake.
constexpr double pending_part = 0.5;

/// Most arrivals a lazy train draws ahead (StimulusEntry::offset, one cache line).
constexpr std::uint32_t pending_capacity = 16;

struct Event {
  Time t;
  std::uint32_t kind;
  std::uint32_t a;        ///< kSpike: source cell; kStimulus, kProbe: target cell
  std::uint32_t b;        ///< kSpike: delay group; kStimulus: stimulus entry; kProbe: probe entry
  std::uint32_t gen = 0;  ///< kStimulus: the entry's generation; stale when it has moved on
};
static_assert(sizeof(Event) == 24, "the generation fits in the padding");

/// Orders the min-heap: "a comes out after b".
struct EventLater {
  bool operator()(const Event& x, const Event& y) const noexcept {
    if (x.t != y.t) return x.t > y.t;
    if (x.kind != y.kind) return x.kind > y.kind;
    if (x.a != y.a) return x.a > y.a;
    return x.b > y.b;
  }
};

struct Prediction {
  Time t;
  std::uint32_t cell;  ///< local index in the partition; local order equals global order
};

struct PredictionLater {
  bool operator()(const Prediction& x, const Prediction& y) const noexcept {
    return x.t != y.t ? x.t > y.t : x.cell > y.cell;
  }
};

// Variants chosen by measurement (bench/heap_bench.cpp, docs/benchmarks.md "Event queues"):
// 4-ary for the delivery queue, 8-ary with handles for predictions; pairing and Fibonacci
// heaps were 3-8x slower on both workloads.
using InputQueue =
    boost::heap::d_ary_heap<Event, boost::heap::arity<4>, boost::heap::compare<EventLater>>;
using PredictionQueue =
    boost::heap::d_ary_heap<Prediction, boost::heap::arity<8>, boost::heap::mutable_<true>,
                            boost::heap::compare<PredictionLater>>;

/// Synapses of one source cell with one delay and receptor onto one population, inside one
/// partition. Groups of a source with the same delay follow each other and are delivered
/// together, from one queue entry (see `continues`). A group ends where the next one begins; an
/// empty group closes the partition's list. 16 bytes: PD14's delays, on a 0.1 ms grid, make
/// groups of a few synapses, so that at 32 bytes they took 5.6 of its 20.7 bytes per synapse at
/// scale 0.5, and a spike's successive delays now share cache lines. What plastic synapses and
/// synapses off the soma need besides lies apart (GroupExtra).
struct DelayGroup {
  std::uint32_t delay;  ///< ticks
  std::uint32_t begin;  ///< first synapse
  std::uint16_t receptor;
  std::uint16_t target_pop;    ///< population of every target (index into Partition::targets)
  std::uint16_t slot;          ///< 0: static weights; else the synapse model's slot
  std::uint8_t continues : 1;  ///< same source and delay as the group before it
  std::uint8_t last : 1;       ///< the source's last group in this partition
  std::uint8_t located : 1;    ///< the synapses land off the soma (GroupExtra::place_begin)
};
static_assert(sizeof(DelayGroup) == 16, "delay groups are 16 bytes");

/// The cells of one population inside a partition: local cell l is cell l + offset of group
/// (unsigned arithmetic, so the offset may wrap).
struct TargetRun {
  CellGroup* group = nullptr;
  std::uint32_t offset = 0;
};
inline constexpr std::uint32_t no_place = 0xffffffff;

/// The rest of a plastic or located delay group (Partition::extras).
struct GroupExtra {
  std::uint32_t train = 0;      ///< slot > 0: the train index inside the slot's SynapseGroup
  std::uint32_t first_syn = 0;  ///< slot > 0: index of synapse `begin` inside the SynapseGroup
  std::uint32_t place_begin = no_place;  ///< located: syn_place index of `begin`
};

/// A plastic synapse onto a cell: told when the cell fires.
struct PostsynapticHook {
  std::uint16_t slot;
  std::uint32_t synapse;
};

/// One (stimulus, target cell) pair: an independent input stream. Applying a lazy train's pending
/// arrivals reads the first cache line and the times in the second; trains are touched in random
/// order, and the processor fetches the two lines of an aligned 128-byte pair together.
struct alignas(128) StimulusEntry {
  std::uint32_t stimulus;
  std::uint32_t cell;  ///< local
  double weight = 0.0;
  // Lazy Poisson trains (see the file comment).
  Time pending_t;             ///< time of the first pending arrival
  Time first_t;               ///< time of the draw's first arrival, origin of `offset`
  Time wake = Time::never();  ///< time of the queued event
  std::uint32_t pending = 0;  ///< arrivals drawn ahead, not applied yet
  std::uint32_t applied = 0;  ///< arrivals of the current draw applied so far
  std::uint32_t gen = 0;      ///< generation of the queued event; older events are stale
  bool free = false;          ///< pending on an infinite headroom: outside the cell's ledger
  std::uint32_t offset[pending_capacity] = {};  ///< ticks of the drawn arrivals after first_t
  // Drawing and the other kinds of stimulus.
  double next_ms = 0.0;   ///< poisson: exact time of the queued event (the wake when lazy)
  double first_ms = 0.0;  ///< exact time of the draw's first arrival
  std::size_t next = 0;   ///< spike_times / step_current / dc: index of the pending change
  RandomStream rng{0, 0, Purpose::stimulus};
  RandomStream replay{0, 0, Purpose::stimulus};  ///< rng just after drawing first_ms

  Time pending_time(std::uint32_t i) const noexcept {
    return first_t + Time::from_ticks(offset[i]);
  }
  /// The times of the pending arrivals that come before a touch at t (at t: when `first` is
  /// set, they come first), for the model's series calls; returns how many.
  std::uint32_t pending_times_before(Time t, bool first, Time* out) const noexcept {
    std::uint32_t m = 0;
    for (; m < pending; ++m) {
      const Time at = pending_time(applied + m);
      if (at > t || (at == t && !first)) break;
      out[m] = at;
    }
    return m;
  }
};
static_assert(offsetof(StimulusEntry, offset) <= 64 && offsetof(StimulusEntry, next_ms) <= 128,
              "the lazy path reads one 128-byte pair");

/// The kernel's state of one cell, in one 32-byte record so that an input touches one cache line
/// of it (at full scale PD14's 77k cells miss the L2 cache): the time of its prediction-queue
/// entry, and for lazy Poisson trains its earliest pending arrival and its ledger. Pending weight
/// of the trains outside `free` plus `slack` is at most the headroom on `receptor`; slack is
/// infinite when none is pending there.
struct alignas(32) CellSlot {
  Time queued = Time::never();  ///< time of the cell's entry in `predictions`; never: none
  Time next = Time::never();    ///< earliest pending lazy arrival
  double slack = std::numeric_limits<double>::infinity();
  std::uint32_t only = several;          ///< the cell's train when it has exactly one
  std::uint16_t receptor = no_receptor;  ///< set by the first train with a finite headroom
  /// Its pending arrivals may be applied late (one train, on the ledger, a model that accepts
  /// late inputs): network input that the slack covers then goes first (see deliver()).
  bool late = false;
  static constexpr std::uint16_t no_receptor = 0xffff;
  static constexpr std::uint32_t several = 0xffffffff;
};
static_assert(sizeof(CellSlot) == 32, "one record per half cache line");

struct ProbeEntry {
  std::uint32_t probe;
  std::uint32_t cell;  ///< local
  std::uint32_t var;
  std::size_t next = 0;  ///< index of the pending sample time
};

struct StimulusPlan {
  StimulusSpec::Kind kind;
  std::size_t receptor = 0;
  double rate_per_ms = 0.0;
  double start_ms = 0.0, stop_ms = 0.0;
  std::vector<double> times_ms;
  std::vector<double> amplitudes;  ///< current after each change [pA]
  std::vector<Time> change_times;
};

struct Partition {
  Partition() = default;
  Partition(Partition&&) = default;
  Partition& operator=(Partition&&) = default;
  Partition(const Partition&) = delete;  // holds unique state: moved, never copied
  Partition& operator=(const Partition&) = delete;

  std::uint32_t first = 0, last = 0;  ///< global cell range [first, last)
  // cell -> model
  std::vector<CellGroup*> group;
  std::vector<std::uint32_t> index;  ///< index inside its CellGroup
  std::vector<std::uint16_t> pop;    ///< population index
  std::vector<TargetRun> targets;    ///< per population
  std::vector<Time> answers;  ///< receive_batch() / receive_series() output (largest group, train)
  std::vector<char> prepaid;  ///< deliver(): the input was paid from the ledger before delivery
  std::vector<char> recorded;
  std::vector<double> injected;  ///< sum of DC/step currents [pA]
  // connectivity into this partition: source gid -> delay groups -> synapses
  std::vector<std::uint32_t> source_begin;  ///< size num_cells + 1
  std::vector<DelayGroup> groups;           ///< closed by an empty group (group_end())
  std::vector<GroupExtra> extras;         ///< parallel to groups, or empty: none plastic or located
  std::vector<std::uint32_t> syn_target;  ///< local cell
  std::vector<float> syn_weight;
  std::vector<detail::Place> syn_place;  ///< synapses off the soma only (see DelayGroup)
  // synapse models: one SynapseGroup per slot (index 0, static, stays empty)
  std::vector<std::unique_ptr<SynapseGroup>> dynamics;
  std::vector<std::uint32_t> post_begin;  ///< local cell -> hooks; empty when none is plastic
  std::vector<PostsynapticHook> post_hooks;
  // queues
  InputQueue input;
  PredictionQueue predictions;
  std::vector<PredictionQueue::handle_type> handle;
  std::vector<StimulusEntry> stimuli;
  std::vector<ProbeEntry> probes;
  // lazy Poisson trains: local cell -> its trains (entries) and its ledger
  bool any_lazy = false;
  std::vector<std::uint32_t> lazy_begin;  ///< size num_cells + 1 when any_lazy
  std::vector<std::uint32_t> lazy_entries;
  std::vector<CellSlot> slot;  ///< per local cell
  // outputs
  std::vector<Spike> outbox[2];  ///< double-buffered by epoch parity
  std::vector<Spike> spikes;
  std::vector<ProbeSample> samples;
  RunStatistics stats;

  std::uint32_t num_groups() const noexcept {
    return groups.empty() ? 0 : static_cast<std::uint32_t>(groups.size() - 1);
  }
  std::uint32_t group_end(std::uint32_t g) const noexcept { return groups[g + 1].begin; }
  GroupExtra extra(std::uint32_t g) const noexcept {
    return extras.empty() ? GroupExtra{} : extras[g];
  }
};

}  // namespace

struct Simulation::Impl {
  SimulationOptions options;
  std::vector<PopulationInfo> populations;
  std::vector<Position> positions;
  std::vector<std::unique_ptr<CellGroup>> groups;
  std::vector<StimulusPlan> stimulus_plans;
  std::vector<ProbeSpec> probe_specs;
  std::vector<Partition> parts;
  std::unique_ptr<detail::Executor> executor;
  /// With several threads: the partitions in the order the threads take them in each epoch,
  /// costliest first by `cost` (seconds per epoch, smoothed), so that no thread is left with a
  /// long one at the end (longest processing time first). The order changes no result.
  std::vector<std::uint32_t> schedule;
  std::vector<double> cost;
  std::uint32_t num_cells = 0;
  std::uint64_t num_synapses = 0;
  Time min_delay = Time::never();
  Time now = Time::zero();
  std::uint64_t epochs = 0;  ///< epochs completed
  bool failed = false;

  /// A model's answer for the cell goes to the prediction queue. Inline: most answers leave the
  /// queue alone (keep_prediction; a bound not earlier than the queued one, which stays a valid
  /// lower bound; never for a cell without an entry).
  void set_prediction(Partition& p, std::uint32_t local, Time t) const {
    if (t == keep_prediction) return;
    const Time queued = p.slot[local].queued;
    if (t < queued || (t.is_never() && !queued.is_never())) update_prediction(p, local, t);
  }
  void update_prediction(Partition& p, std::uint32_t local, Time t) const;
  void schedule_stimulus(Partition& p, std::uint32_t entry_index) const;
  bool plan_poisson(Partition& p, std::uint32_t entry_index, Time t, bool wake_first) const;
  void absorb_one(Partition& p, StimulusEntry& e, Time touch) const;
  void absorb_series(Partition& p, StimulusEntry& e, const Time* times, std::uint32_t m,
                     Time touch) const;
  void absorb_late(Partition& p, StimulusEntry& e, const Time* times, std::uint32_t m) const;
  /// Before network input of `weight` at t to the cell: applies its pending arrivals before t,
  /// unless they may come late and this input cannot make the cell fire either: inhibition, or
  /// excitation that the ledger's slack covers, which is then paid at once. Returns whether it
  /// was paid.
  bool before_network_input(Partition& p, std::uint32_t local, Time t, double weight,
                            std::size_t receptor, bool inhibitory) const {
    CellSlot& c = p.slot[local];
    if (c.next >= t) return false;
    if (c.late) {
      if (inhibitory) return false;  // answered keep_prediction: nothing to pay
      const double w = std::abs(weight);
      if (receptor == c.receptor && c.slack >= w) {
        c.slack -= w;
        return true;
      }
    }
    absorb_pending(p, local, t - Time::from_ticks(1), all_entries);
    return false;
  }
  void after_absorb(Partition& p, StimulusEntry& e, Time answer, Time touch) const;
  void absorb_pending(Partition& p, std::uint32_t local, Time t, std::uint32_t limit) const;
  /// Before the cell is touched by an event at t: applies its pending arrivals that come first.
  /// `limit`: pending arrivals at exactly t come first when their entry index is below it.
  void before_touch(Partition& p, std::uint32_t local, Time t, std::uint32_t limit) const {
    if (p.any_lazy && p.slot[local].next <= t) absorb_pending(p, local, t, limit);
  }
  /// After an input to the cell that answered `answer`: it is paid from the slack, or the
  /// ledger is made anew.
  void after_input(Partition& p, std::uint32_t local, Time t, double weight, std::size_t receptor,
                   Time answer) const {
    if (!p.any_lazy || answer == keep_prediction) return;
    CellSlot& c = p.slot[local];
    const double w = std::abs(weight);
    if (receptor == c.receptor && c.slack >= w)
      c.slack -= w;  // infinite (nothing pending on the ledger) stays infinite
    else if (!std::isinf(c.slack))
      recheck_headroom(p, local, t);
  }
  void recheck_headroom(Partition& p, std::uint32_t local, Time t) const;
  void update_next(Partition& p, std::uint32_t local) const;
  void flush_lazy(Partition& p, Time until) const;
  void check_fire_allowed(const Partition& p, std::uint32_t local, Time t) const;
  void run_epoch(Partition& p, Time end, std::uint64_t epoch) const;
  /// One epoch of every partition, up to `end`.
  void run_epochs(Time end);
  void exchange(Partition& p, std::uint64_t epoch) const;
  void handle_stimulus(Partition& p, const Event& ev) const;
  void deliver(Partition& p, std::uint32_t g, Time t) const;
  void deliver_located(Partition& p, std::uint32_t g, Time t) const;
};

// ---------------------------------------------------------------------------------------------
// Construction

namespace {

/// Splits cells into k contiguous ranges with about equal work (expected incoming synapses
/// plus one per cell) each.
std::vector<std::uint32_t> balance(const std::vector<double>& in_degree, unsigned k) {
  double total = static_cast<double>(in_degree.size());
  for (double d : in_degree)
    total += d;
  std::vector<std::uint32_t> bounds{0};
  double acc = 0;
  for (std::uint32_t c = 0; c < in_degree.size(); ++c) {
    acc += in_degree[c] + 1;
    // Close part number bounds.size() once it holds its share of the work.
    while (bounds.size() < k && acc * k >= total * static_cast<double>(bounds.size()))
      bounds.push_back(c + 1);
  }
  while (bounds.size() <= k)
    bounds.push_back(static_cast<std::uint32_t>(in_degree.size()));
  bounds.back() = static_cast<std::uint32_t>(in_degree.size());
  return bounds;
}

/// Generates the synapses into partition p and freezes them: ordered by (source, delay,
/// receptor, synapse slot, on the soma or not, target, weight, place), cut into delay groups.
/// The weight and place close the order so that it is total: equal keys are identical
/// synapses, and the summation order is fixed.
/// A counting sort by source (a 4-byte permutation) keeps the transient memory low; each
/// source's few synapses are then sorted by the rest of the key.
void freeze_synapses(Partition& p, const detail::BuiltNetwork& net, std::uint64_t seed,
                     double expected) {
  std::vector<detail::Edge> edges;
  edges.reserve(static_cast<std::size_t>(expected * 1.05) + 64);
  detail::generate_edges(net, seed, p.first, p.last, edges);
  std::vector<std::uint32_t> start(net.num_cells + 1, 0);
  for (const auto& e : edges)
    ++start[e.source + 1];
  for (std::uint32_t c = 0; c < net.num_cells; ++c)
    start[c + 1] += start[c];
  std::vector<std::uint32_t> order(edges.size());
  {
    std::vector<std::uint32_t> pos(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < edges.size(); ++i)
      order[pos[edges[i].source]++] = i;
  }
  const auto rest_of_key = [](const detail::Edge& a, const detail::Edge& b) {
    if (a.delay != b.delay) return a.delay < b.delay;
    if (a.receptor != b.receptor) return a.receptor < b.receptor;
    if (a.slot != b.slot) return a.slot < b.slot;
    if ((a.place != 0) != (b.place != 0)) return b.place != 0;
    if (a.target != b.target) return a.target < b.target;
    if (a.weight != b.weight)
      return std::bit_cast<std::uint32_t>(a.weight) < std::bit_cast<std::uint32_t>(b.weight);
    return a.place < b.place;
  };
  std::vector<std::uint32_t> trains(net.num_slots, 0);
  std::vector<std::vector<double>> initial(net.num_slots);
  p.source_begin.assign(net.num_cells + 1, 0);
  p.syn_target.reserve(edges.size());
  p.syn_weight.reserve(edges.size());
  // One source's edges, copied together before the sort: sorting the permutation itself read
  // two edges scattered over the whole partition for every comparison (a fifth of PD14's build).
  std::vector<detail::Edge> run;
  bool with_extras = false;
  for (std::uint32_t src = 0; src < net.num_cells; ++src) {
    p.source_begin[src] = static_cast<std::uint32_t>(p.groups.size());
    run.clear();
    for (std::uint32_t i = start[src]; i < start[src + 1]; ++i)
      run.push_back(edges[order[i]]);
    std::sort(run.begin(), run.end(), rest_of_key);
    const auto n = static_cast<std::uint32_t>(run.size());
    for (std::uint32_t i = 0; i < n;) {
      const auto head = run[i];
      const bool located = head.place != detail::soma_place;
      const std::uint16_t head_pop = p.pop[head.target - p.first];
      const bool same_delay =
          p.groups.size() > p.source_begin[src] && p.groups.back().delay == head.delay;
      DelayGroup g{head.delay,
                   static_cast<std::uint32_t>(p.syn_target.size()),
                   head.receptor,
                   head_pop,
                   head.slot,
                   same_delay ? std::uint8_t{1} : std::uint8_t{0},
                   0,
                   located ? std::uint8_t{1} : std::uint8_t{0}};
      GroupExtra x;
      if (located) x.place_begin = static_cast<std::uint32_t>(p.syn_place.size());
      if (head.slot > 0) {
        x.train = trains[head.slot]++;
        x.first_syn = static_cast<std::uint32_t>(initial[head.slot].size());
      }
      // Extras only from the first group that needs one on (the earlier ones get defaults).
      if ((located || head.slot > 0) && !with_extras) {
        with_extras = true;
        p.extras.resize(p.groups.size());
      }
      if (with_extras) p.extras.push_back(x);
      for (; i < n && run[i].delay == head.delay && run[i].receptor == head.receptor &&
             run[i].slot == head.slot && (run[i].place != detail::soma_place) == located &&
             p.pop[run[i].target - p.first] == head_pop;
           ++i) {
        const auto& e = run[i];
        p.syn_target.push_back(e.target - p.first);
        p.syn_weight.push_back(e.weight);
        if (located) p.syn_place.push_back(e.place);
        if (head.slot > 0) initial[head.slot].push_back(e.weight);
      }
      const std::size_t size = p.syn_target.size() - g.begin;
      if (p.answers.size() < size) p.answers.resize(size);
      if (p.prepaid.size() < size) p.prepaid.resize(size);
      p.groups.push_back(g);
    }
    if (p.groups.size() > p.source_begin[src]) p.groups.back().last = 1;
  }
  p.source_begin[net.num_cells] = static_cast<std::uint32_t>(p.groups.size());
  p.groups.push_back({0, static_cast<std::uint32_t>(p.syn_target.size()), 0, 0, 0, 0, 0, 0});
  if (with_extras) p.extras.emplace_back();
  p.groups.shrink_to_fit();
  p.extras.shrink_to_fit();

  // One SynapseGroup per synapse model slot that has synapses here.
  p.dynamics.resize(net.num_slots);
  bool any_post = false;
  for (const auto& pl : net.plans) {
    if (pl.slot == 0 || initial[pl.slot].empty()) continue;
    p.dynamics[pl.slot] = pl.synapse->make(pl.synapse_parameters);
    p.dynamics[pl.slot]->init(
        trains[pl.slot], initial[pl.slot], pl.tgt->model->receptors[pl.receptor].sign,
        fmt::format("projection '{}' (synapse model {})", pl.spec->name, pl.synapse->name));
    any_post = any_post || pl.synapse->needs_postsynaptic_spikes;
  }
  if (any_post) {
    std::vector<char> wants(net.num_slots, 0);
    for (const auto& pl : net.plans)
      if (pl.slot > 0) wants[pl.slot] = pl.synapse->needs_postsynaptic_spikes ? 1 : 0;
    const std::uint32_t n = p.last - p.first;
    p.post_begin.assign(n + 1, 0);
    auto for_each_hook = [&](auto&& f) {
      for (std::uint32_t gi = 0; gi < p.num_groups(); ++gi) {
        const auto& g = p.groups[gi];
        if (g.slot > 0 && wants[g.slot])
          for (std::uint32_t k = g.begin; k < p.group_end(gi); ++k)
            f(p.syn_target[k], PostsynapticHook{g.slot, p.extras[gi].first_syn + (k - g.begin)});
      }
    };
    for_each_hook([&](std::uint32_t l, PostsynapticHook) { ++p.post_begin[l + 1]; });
    for (std::uint32_t l = 0; l < n; ++l)
      p.post_begin[l + 1] += p.post_begin[l];
    p.post_hooks.resize(p.post_begin[n]);
    std::vector<std::uint32_t> fill(p.post_begin.begin(), p.post_begin.end() - 1);
    for_each_hook([&](std::uint32_t l, PostsynapticHook h) { p.post_hooks[fill[l]++] = h; });
  }
}

}  // namespace

Simulation::Simulation(const NetworkSpec& spec, const ModelRegistry& models,
                       SimulationOptions options)
    : impl_(std::make_unique<Impl>()) {
  auto& s = *impl_;
  if (options.threads == 0) throw Error("threads must be >= 1, got 0");
  if (options.threads > 1024)
    throw Error(fmt::format("threads must be <= 1024, got {}", options.threads));
  if (options.partitions == 0) options.partitions = 4 * options.threads;
  s.options = options;
  s.executor = std::make_unique<detail::Executor>(options.threads);

  const detail::BuiltNetwork net = detail::validate_network(spec, models, options.seed);
  if (net.populations.size() > 0xffff)
    throw Error(fmt::format("the network has {} populations; at most 65535 are allowed",
                            net.populations.size()));
  s.num_cells = net.num_cells;
  s.probe_specs = spec.probes;
  for (const auto& bp : net.populations) {
    s.populations.push_back(bp.info);
    s.groups.push_back(bp.model->make(bp.parameters, bp.info.size));
    if (!s.groups.back() || s.groups.back()->size() != bp.info.size)
      throw InternalError(fmt::format("model '{}' made a group of the wrong size", bp.model->name));
    s.positions.insert(s.positions.end(), bp.positions.begin(), bp.positions.end());
    if (bp.positions.empty()) s.positions.resize(s.positions.size() + bp.info.size);
  }

  // Per-cell parameters, drawn from streams keyed by the cell; each cell's full set is checked
  // against the schema and the model's relations, so no cell gets an impossible combination.
  for (std::size_t pi = 0; pi < spec.populations.size(); ++pi) {
    const auto& ps = spec.populations[pi];
    if (ps.varied.empty()) continue;
    const auto* model = net.populations[pi].model;
    for (std::uint32_t c = 0; c < ps.size; ++c) {
      const std::uint32_t gid = s.populations[pi].first + c;
      ParameterSet cell_params = ps.parameters;
      std::vector<std::pair<std::size_t, double>> drawn;
      for (const auto& [param, value] : ps.varied) {
        const auto index = static_cast<std::size_t>(model->parameter_index(param));
        RandomStream rng(options.seed, gid, Purpose::parameters, index);
        const double v = value.dist.sample(rng);
        cell_params[param] = v;
        drawn.emplace_back(index, v);
      }
      const std::string ctx =
          fmt::format("population '{}' (model {}), cell {}", ps.name, ps.model, c);
      const auto values = resolve_parameters(model->parameters, cell_params, ctx);
      if (model->check_relations)
        if (auto msg = model->check_relations(values); !msg.empty())
          throw Error(fmt::format("{}: {}", ctx, msg));
      for (const auto& [index, v] : drawn)
        s.groups[pi]->set_parameter(c, index, v);
    }
  }

  // Initial state, drawn from streams keyed by the cell.
  for (std::size_t pi = 0; pi < spec.populations.size(); ++pi) {
    const auto& ps = spec.populations[pi];
    const auto* model = net.populations[pi].model;
    for (const auto& [var, value] : ps.initial) {
      const auto vi = static_cast<std::size_t>(model->state_index(var));
      for (std::uint32_t c = 0; c < ps.size; ++c) {
        RandomStream rng(options.seed, s.populations[pi].first + c, Purpose::initial_state, vi);
        s.groups[pi]->set_state(c, vi, value.dist.sample(rng));
      }
    }
  }

  // Partitions: contiguous cell ranges balanced by expected incoming synapses, so they can be
  // cut before any synapse exists; each then generates and freezes its own synapses.
  const unsigned k =
      std::min<unsigned>(options.partitions, std::max<std::uint32_t>(1, s.num_cells));
  const auto in_degree = detail::expected_in_degree(net);
  const auto bounds = balance(in_degree, k);
  s.parts.resize(k);
  for (unsigned pi = 0; pi < k; ++pi) {
    auto& p = s.parts[pi];
    p.first = bounds[pi];
    p.last = bounds[pi + 1];
    const std::uint32_t n = p.last - p.first;
    p.group.resize(n);
    p.index.resize(n);
    p.recorded.resize(n);
    p.injected.assign(n, 0.0);
    p.handle.resize(n);
    p.slot.assign(n, CellSlot{});
    p.pop.resize(n);
    p.targets.resize(s.populations.size());
    for (std::size_t pop = 0; pop < s.populations.size(); ++pop)
      p.targets[pop] = {s.groups[pop].get(), p.first - s.populations[pop].first};
    for (std::uint32_t l = 0; l < n; ++l) {
      const auto pop = detail::population_of(net.populations, p.first + l);
      p.group[l] = s.groups[pop].get();
      p.index[l] = p.first + l - s.populations[pop].first;
      p.recorded[l] = net.populations[pop].recorded ? 1 : 0;
      p.pop[l] = static_cast<std::uint16_t>(pop);
    }
  }
  s.executor->for_each(k, [&](std::size_t pi) {
    auto& p = s.parts[pi];
    double expected = 0;
    for (std::uint32_t c = p.first; c < p.last; ++c)
      expected += in_degree[c];
    freeze_synapses(p, net, options.seed, expected);
  });
  for (const auto& p : s.parts) {
    s.num_synapses += p.syn_target.size();
    for (std::uint32_t g = 0; g < p.num_groups(); ++g)
      s.min_delay = std::min(s.min_delay, Time::from_ticks(p.groups[g].delay));
  }

  // Stimuli: one entry per (stimulus, target cell), in stimulus order, then cell order.
  for (std::size_t si = 0; si < spec.stimuli.size(); ++si) {
    const auto& st = spec.stimuli[si];
    const auto pop_index = [&] {
      for (std::size_t i = 0; i < s.populations.size(); ++i)
        if (s.populations[i].name == st.target) return i;
      return std::size_t{0};
    }();
    const auto& pop = s.populations[pop_index];
    const auto* model = net.populations[pop_index].model;
    StimulusPlan plan;
    plan.kind = st.kind;
    using K = StimulusSpec::Kind;
    if (st.kind == K::poisson || st.kind == K::spike_times)
      plan.receptor = static_cast<std::size_t>(model->receptor_index(st.receptor));
    if (plan.receptor >= CellSlot::no_receptor)
      throw InternalError(
          fmt::format("model '{}' has more than {} receptors", model->name, CellSlot::no_receptor));
    plan.rate_per_ms = st.rate_hz * 1e-3;
    plan.start_ms = st.start_ms;
    plan.stop_ms = std::min(st.stop_ms, max_time_ms);
    plan.times_ms = st.times_ms;
    if (st.kind == K::dc) {
      plan.change_times = {Time::from_ms(plan.start_ms), Time::from_ms(plan.stop_ms)};
      plan.amplitudes = {st.amplitude_pA, 0.0};
    } else if (st.kind == K::step_current) {
      for (double t : st.times_ms)
        plan.change_times.push_back(Time::from_ms(t));
      plan.amplitudes = st.amplitudes_pA;
    }
    s.stimulus_plans.push_back(plan);
    std::vector<std::size_t> cells = st.cells;
    if (cells.empty()) {
      cells.resize(pop.size);
      std::iota(cells.begin(), cells.end(), std::size_t{0});
    }
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    for (auto c : cells) {
      const std::uint32_t gid = pop.first + static_cast<std::uint32_t>(c);
      auto& p = *std::find_if(s.parts.begin(), s.parts.end(),
                              [&](const Partition& q) { return gid >= q.first && gid < q.last; });
      StimulusEntry e;
      e.stimulus = static_cast<std::uint32_t>(si);
      e.cell = gid - p.first;
      e.rng = RandomStream(options.seed, gid, Purpose::stimulus, si);
      if (st.kind == K::poisson || st.kind == K::spike_times) {
        RandomStream wrng(options.seed, gid, Purpose::weights, (std::uint64_t{1} << 32) + si);
        e.weight = st.weight.dist.sample(wrng);
      }
      if (st.kind == K::poisson && plan.rate_per_ms > 0)
        e.next_ms = plan.start_ms + e.rng.exponential(1.0 / plan.rate_per_ms);
      p.stimuli.push_back(e);
      s.schedule_stimulus(p, static_cast<std::uint32_t>(p.stimuli.size() - 1));
    }
  }

  // Lazy Poisson trains: each cell's list of them (they share its headroom).
  if (options.lazy_stimuli) {
    for (auto& p : s.parts) {
      const std::uint32_t n = p.last - p.first;
      p.lazy_begin.assign(n + 1, 0);
      const auto is_lazy = [&](const StimulusEntry& e) {
        const auto& plan = s.stimulus_plans[e.stimulus];
        return plan.kind == StimulusSpec::Kind::poisson && plan.rate_per_ms > 0;
      };
      for (const auto& e : p.stimuli)
        if (is_lazy(e)) ++p.lazy_begin[e.cell + 1];
      for (std::uint32_t l = 0; l < n; ++l)
        p.lazy_begin[l + 1] += p.lazy_begin[l];
      p.lazy_entries.resize(p.lazy_begin[n]);
      std::vector<std::uint32_t> fill(p.lazy_begin.begin(), p.lazy_begin.end() - 1);
      for (std::uint32_t i = 0; i < p.stimuli.size(); ++i)
        if (is_lazy(p.stimuli[i])) p.lazy_entries[fill[p.stimuli[i].cell]++] = i;
      p.any_lazy = !p.lazy_entries.empty();
      for (std::uint32_t l = 0; p.any_lazy && l < n; ++l)
        if (p.lazy_begin[l + 1] - p.lazy_begin[l] == 1)
          p.slot[l].only = p.lazy_entries[p.lazy_begin[l]];
      if (p.any_lazy && p.answers.size() < pending_capacity) p.answers.resize(pending_capacity);
    }
  }

  // Probes: one entry per (probe, cell).
  for (std::size_t pi = 0; pi < spec.probes.size(); ++pi) {
    const auto& pr = spec.probes[pi];
    const auto pop_it =
        std::find_if(s.populations.begin(), s.populations.end(),
                     [&](const PopulationInfo& q) { return q.name == pr.population; });
    const auto pop_index = static_cast<std::size_t>(pop_it - s.populations.begin());
    const auto var =
        static_cast<std::uint32_t>(net.populations[pop_index].model->state_index(pr.variable));
    std::vector<std::size_t> cells = pr.cells;
    if (cells.empty()) {
      cells.resize(pop_it->size);
      std::iota(cells.begin(), cells.end(), std::size_t{0});
    }
    for (auto c : cells) {
      const std::uint32_t gid = pop_it->first + static_cast<std::uint32_t>(c);
      auto& p = *std::find_if(s.parts.begin(), s.parts.end(),
                              [&](const Partition& q) { return gid >= q.first && gid < q.last; });
      p.probes.push_back({static_cast<std::uint32_t>(pi), gid - p.first, var, 0});
      if (!pr.times_ms.empty())
        p.input.push({Time::from_ms(pr.times_ms[0]), kProbe, gid,
                      static_cast<std::uint32_t>(p.probes.size() - 1)});
    }
  }

  // First predictions.
  for (auto& p : s.parts)
    for (std::uint32_t l = 0; l < p.last - p.first; ++l)
      s.set_prediction(p, l, p.group[l]->predict(p.index[l], Time::zero()));
}

Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

// ---------------------------------------------------------------------------------------------
// The hot path

// set_prediction() where the queue changes: an entry erased, pushed or moved earlier.
void Simulation::Impl::update_prediction(Partition& p, std::uint32_t local, Time t) const {
  if (t.is_never())
    p.predictions.erase(p.handle[local]);
  else if (p.slot[local].queued.is_never())
    p.handle[local] = p.predictions.push({t, local});
  else
    p.predictions.update(p.handle[local], {t, local});
  p.slot[local].queued = t;
}

void Simulation::Impl::schedule_stimulus(Partition& p, std::uint32_t entry_index) const {
  auto& e = p.stimuli[entry_index];
  const auto& plan = stimulus_plans[e.stimulus];
  const std::uint32_t gid = p.first + e.cell;
  using K = StimulusSpec::Kind;
  switch (plan.kind) {
    case K::poisson:
      e.wake = Time::never();
      if (plan.rate_per_ms > 0 && e.next_ms < plan.stop_ms) {
        e.wake = Time::from_ms(e.next_ms);
        p.input.push({e.wake, kStimulus, gid, entry_index, ++e.gen});
      }
      break;
    case K::spike_times:
      if (e.next < plan.times_ms.size())
        p.input.push({Time::from_ms(plan.times_ms[e.next]), kStimulus, gid, entry_index});
      break;
    case K::dc:
    case K::step_current:
      if (e.next < plan.change_times.size())
        p.input.push({plan.change_times[e.next], kStimulus, gid, entry_index});
      break;
  }
}

void Simulation::Impl::handle_stimulus(Partition& p, const Event& ev) const {
  auto& e = p.stimuli[ev.b];
  if (ev.gen != e.gen) return;  // a lazy train's wake that was moved earlier
  const auto& plan = stimulus_plans[e.stimulus];
  CellGroup& g = *p.group[e.cell];
  const std::uint32_t idx = p.index[e.cell];
  // Pending arrivals at ev.t come first when their entry is not after this one (a train's own
  // pending arrivals always precede its wake).
  before_touch(p, e.cell, ev.t, ev.b + 1);
  using K = StimulusSpec::Kind;
  switch (plan.kind) {
    case K::poisson: {
      // A late train's wake may itself wait, as the first arrival of the next draw, when the
      // headroom takes it: it cannot make the cell fire then, so it needs no receive() now.
      if (p.any_lazy && p.slot[e.cell].late && plan_poisson(p, ev.b, ev.t, true)) return;
      const Time answer = g.receive(idx, ev.t, e.weight, plan.receptor);
      set_prediction(p, e.cell, answer);
      ++p.stats.stimulus_events;
      after_input(p, e.cell, ev.t, e.weight, plan.receptor, answer);
      plan_poisson(p, ev.b, ev.t, false);
      return;
    }
    case K::spike_times: {
      const Time answer = g.receive(idx, ev.t, e.weight, plan.receptor);
      set_prediction(p, e.cell, answer);
      ++p.stats.stimulus_events;
      after_input(p, e.cell, ev.t, e.weight, plan.receptor, answer);
      ++e.next;
      break;
    }
    case K::dc:
    case K::step_current: {
      const double before = e.next == 0 ? 0.0 : plan.amplitudes[e.next - 1];
      p.injected[e.cell] += plan.amplitudes[e.next] - before;
      set_prediction(p, e.cell, g.set_current(idx, ev.t, p.injected[e.cell]));
      if (p.any_lazy && !std::isinf(p.slot[e.cell].slack)) recheck_headroom(p, e.cell, ev.t);
      ++e.next;
      break;
    }
  }
  schedule_stimulus(p, ev.b);
}

// After a Poisson arrival at t has been applied: draws the next arrivals, keeps those that fit in
// a part of the cell's spare headroom pending, and queues the one after them (without laziness:
// queues the next arrival, as always). With `wake_first`, at a late train's wake before its
// arrival at t is applied: that arrival becomes the first pending one if at least it fits, and
// the result says whether it did (if not, nothing was drawn or queued).
bool Simulation::Impl::plan_poisson(Partition& p, std::uint32_t entry_index, Time t,
                                    bool wake_first) const {
  auto& e = p.stimuli[entry_index];
  const auto& plan = stimulus_plans[e.stimulus];
  const double mean = 1.0 / plan.rate_per_ms;
  const double w = std::abs(e.weight);
  std::uint32_t k = 0;
  double spare = 0.0;
  if (p.any_lazy) {
    CellSlot& c = p.slot[e.cell];
    const double room = p.group[e.cell]->safe_weight(p.index[e.cell], t, plan.receptor);
    e.free = std::isinf(room);
    c.late = !e.free && c.only == entry_index && p.group[e.cell]->accepts_late_inputs();
    if (e.free) {
      k = max_safe_inputs;
    } else {
      if (c.receptor == CellSlot::no_receptor && room > 0.0)
        c.receptor = static_cast<std::uint16_t>(plan.receptor);
      if (c.receptor == plan.receptor) {
        spare = std::min(c.slack, room);  // the slack, or all the room when nothing is pending
        // A wake taken as pending, and then the draw that would follow it had it been applied
        // at once: the same arrivals and the same slack.
        k = !wake_first  ? inputs_within(spare * pending_part, w)
            : spare >= w ? 1 + inputs_within((spare - w) * pending_part, w)
                         : 0;
      }
    }
    k = std::min(k, pending_capacity);
  }
  if (wake_first && (k == 0 || !p.slot[e.cell].late)) return false;
  // The stream and the time in locals: the loop then keeps them in registers.
  RandomStream rng = e.rng;
  double next_ms = wake_first ? e.next_ms : e.next_ms + rng.exponential(mean);
  std::uint32_t drawn = 0;
  if (k > 0 && next_ms < plan.stop_ms) {
    e.replay = rng;
    e.first_ms = next_ms;
    e.first_t = Time::from_ms(next_ms);
    e.offset[drawn++] = 0;
    for (;;) {
      next_ms += rng.exponential(mean);
      if (drawn == k || !(next_ms < plan.stop_ms)) break;
      const std::int64_t offset = (Time::from_ms(next_ms) - e.first_t).ticks();
      if (offset > std::numeric_limits<std::uint32_t>::max())
        break;  // more than 4.29 s after the first (slow trains): this one is the wake
      e.offset[drawn++] = static_cast<std::uint32_t>(offset);
    }
  }
  e.rng = rng;
  e.next_ms = next_ms;
  e.pending = drawn;
  e.applied = 0;
  if (drawn > 0) {
    e.pending_t = e.first_t;
    CellSlot& c = p.slot[e.cell];
    if (!e.free) c.slack = spare - drawn * w;
    c.next = std::min(c.next, e.pending_t);
  }
  schedule_stimulus(p, entry_index);
  return true;
}

// Applies the first pending arrival of a lazy train, for a touch of its cell at `touch`.
void Simulation::Impl::absorb_one(Partition& p, StimulusEntry& e, Time touch) const {
  const auto& plan = stimulus_plans[e.stimulus];
  after_absorb(
      p, e, p.group[e.cell]->receive(p.index[e.cell], e.pending_t, e.weight, plan.receptor), touch);
}

// Applies the first m pending arrivals of a lazy train, at `times`, in one call of the model.
void Simulation::Impl::absorb_series(Partition& p, StimulusEntry& e, const Time* times,
                                     std::uint32_t m, Time touch) const {
  const auto& plan = stimulus_plans[e.stimulus];
  p.group[e.cell]->receive_series(p.index[e.cell], times, m, e.weight, plan.receptor,
                                  p.answers.data());
  // The answers go to the queue in the order receive() gave them, as one by one (the model does
  // not see the queue, so applying them after the inputs changes nothing).
  for (std::uint32_t j = 0; j < m; ++j)
    after_absorb(p, e, p.answers[j], touch);
}

[[noreturn, gnu::cold]] static void throw_unsafe_input(std::uint32_t gid, Time t, Time answer,
                                                       Time limit) {
  throw InternalError(fmt::format(
      "lazy Poisson input to cell {} at {} ms: the model predicts a crossing at {} ms, before "
      "{} ms, although safe_weight() allowed the input",
      gid, t.to_ms(), answer.to_ms(), limit.to_ms()));
}

// Applies the first m pending arrivals of a train whose cell accepts late inputs: they may come
// after network input the cell has received since (the ledger covered it, see deliver()).
void Simulation::Impl::absorb_late(Partition& p, StimulusEntry& e, const Time* times,
                                   std::uint32_t m) const {
  const auto& plan = stimulus_plans[e.stimulus];
  p.group[e.cell]->receive_late(p.index[e.cell], times, m, e.weight, plan.receptor);
  p.stats.stimulus_events += m;
  p.stats.stimulus_events_lazy += m;
  p.stats.stimulus_events_late += m;
  e.pending -= m;
  e.applied += m;
  if (e.pending > 0) e.pending_t = e.pending_time(e.applied);
}

// The bookkeeping after a train's first pending arrival was applied and answered `answer`.
inline void Simulation::Impl::after_absorb(Partition& p, StimulusEntry& e, Time answer,
                                           Time touch) const {
  const Time t = e.pending_t;
  ++p.stats.stimulus_events;
  ++p.stats.stimulus_events_lazy;
  if (--e.pending > 0) e.pending_t = e.pending_time(++e.applied);
  // Never: the queue's bound for the cell may stay, stale; a check costs less than an erase.
  if (answer == keep_prediction || answer.is_never()) return;
  // On the ledger the model promised that these inputs cannot make the cell fire: its own
  // prediction must then lie beyond the train's next arrival. Input on an infinite headroom
  // (inhibition) can meet the cell's own crossing in the same tick (the reset is then pending,
  // answer t), but only at the touch itself: the queue held a lower bound of that crossing, and
  // its check is the touch. Anything earlier than the touch means a wrong safe_weight().
  const Time next = e.pending > 0 ? e.pending_t : e.wake;
  if (answer < touch || (!e.free && answer < next))
    throw_unsafe_input(p.first + e.cell, t, answer, std::min(touch, next));
  set_prediction(p, e.cell, answer);  // not before the touch: no earlier than the queue's top
}

void Simulation::Impl::absorb_pending(Partition& p, std::uint32_t local, Time t,
                                      std::uint32_t limit) const {
  CellSlot& c = p.slot[local];
  if (c.only != CellSlot::several) {  // the usual case: one train, its arrivals in one call
    auto& e = p.stimuli[c.only];
    Time times[pending_capacity];
    const std::uint32_t m = e.pending_times_before(t, c.only < limit, times);
    if (m > 0) {
      if (c.late)
        absorb_late(p, e, times, m);
      else
        absorb_series(p, e, times, m, t);
    }
    if (e.pending > 0) {
      c.next = e.pending_t;
    } else {
      c.next = Time::never();
      c.slack = std::numeric_limits<double>::infinity();
    }
    return;
  }
  // Several trains: their pending arrivals in the kernel's order (time, entry).
  const std::uint32_t* first = p.lazy_entries.data() + p.lazy_begin[local];
  const std::uint32_t* last = p.lazy_entries.data() + p.lazy_begin[local + 1];
  const auto comes_first = [&](std::uint32_t i) {
    const auto& e = p.stimuli[i];
    return e.pending > 0 && (e.pending_t < t || (e.pending_t == t && i < limit));
  };
  for (;;) {
    const std::uint32_t* pick = nullptr;
    for (const std::uint32_t* i = first; i != last; ++i)
      if (comes_first(*i) && (!pick || p.stimuli[*i].pending_t < p.stimuli[*pick].pending_t))
        pick = i;
    if (!pick) break;
    absorb_one(p, p.stimuli[*pick], t);
  }
  update_next(p, local);
}

// The cell's earliest pending arrival; an empty ledger gets an infinite slack again.
void Simulation::Impl::update_next(Partition& p, std::uint32_t local) const {
  CellSlot& c = p.slot[local];
  c.next = Time::never();
  bool ledger = false;
  for (auto i = p.lazy_begin[local]; i < p.lazy_begin[local + 1]; ++i) {
    const auto& e = p.stimuli[p.lazy_entries[i]];
    if (e.pending == 0) continue;
    c.next = std::min(c.next, e.pending_t);
    ledger = ledger || !e.free;
  }
  if (!ledger) c.slack = std::numeric_limits<double>::infinity();
}

// The cell's state changed at t in a way the slack did not cover: the ledger is made anew from
// the model's headroom now; if the pending weight no longer fits, every train on the ledger is
// queued again at its next pending arrival.
void Simulation::Impl::recheck_headroom(Partition& p, std::uint32_t local, Time t) const {
  CellSlot& c = p.slot[local];
  // Arrivals left for later (before_network_input) are applied first, so that a train queued
  // again restarts after the touch, never before it.
  if (c.late && c.next < t) absorb_pending(p, local, t - Time::from_ticks(1), all_entries);
  double pending = 0.0;
  for (auto i = p.lazy_begin[local]; i < p.lazy_begin[local + 1]; ++i) {
    const auto& e = p.stimuli[p.lazy_entries[i]];
    if (e.pending > 0 && !e.free) pending += e.pending * std::abs(e.weight);
  }
  const double room = p.group[local]->safe_weight(p.index[local], t, c.receptor);
  if (pending <= room) {
    c.slack = room - pending;
    return;
  }
  for (auto i = p.lazy_begin[local]; i < p.lazy_begin[local + 1]; ++i) {
    const std::uint32_t entry_index = p.lazy_entries[i];
    auto& e = p.stimuli[entry_index];
    if (e.pending == 0 || e.free) continue;
    // Back to the state just after drawing the first arrival not yet applied.
    e.next_ms = e.first_ms;
    e.rng = e.replay;
    const double mean = 1.0 / stimulus_plans[e.stimulus].rate_per_ms;
    for (std::uint32_t a = 0; a < e.applied; ++a)
      e.next_ms += e.rng.exponential(mean);
    e.pending = 0;
    ++p.stats.stimulus_requeued;
    schedule_stimulus(p, entry_index);
  }
  update_next(p, local);
}

// A cell fired while a train had arrivals pending on a finite headroom: the model's
// safe_weight() was wrong (a train with an infinite one, as inhibition, cannot be the cause).
void Simulation::Impl::check_fire_allowed(const Partition& p, std::uint32_t local, Time t) const {
  for (auto i = p.lazy_begin[local]; i < p.lazy_begin[local + 1]; ++i) {
    const auto& e = p.stimuli[p.lazy_entries[i]];
    if (e.pending > 0 && !e.free)
      throw InternalError(fmt::format(
          "cell {} fired at {} ms with lazy Poisson input pending that safe_weight() allowed",
          p.first + local, t.to_ms()));
  }
}

// End of run(): applies every pending arrival before `until` (later touches would apply them
// at the same place in each cell's order), so that statistics count what a run delivered.
void Simulation::Impl::flush_lazy(Partition& p, Time until) const {
  if (!p.any_lazy) return;
  for (std::uint32_t l = 0; l < p.last - p.first; ++l)
    if (p.slot[l].next < until) absorb_pending(p, l, until, 0);
}

namespace {

/// Starts loading a cell's ledger and, through the model, its state.
inline void prefetch_cell(const Partition& p, std::uint32_t local) {
  __builtin_prefetch(&p.slot[local]);
  p.group[local]->prefetch(p.index[local]);
}

/// Starts loading what the next input event reads first, while the current one is handled:
/// a lazy train's entry, its cell's ledger and state, or a spike's delay group. They lie in the
/// L3 cache or beyond at full scale (PD14: 77k trains of 256 bytes), and each event touches new
/// ones.
inline void prefetch_event(const Partition& p, const Event& next) {
  if (next.kind == kStimulus) {
    __builtin_prefetch(&p.stimuli[next.b]);
    prefetch_cell(p, next.a - p.first);
  } else if (next.kind == kSpike) {
    __builtin_prefetch(&p.groups[next.b]);
  }
}

/// Asks for every cache line of a group's targets and weights at once. A spike's synapses lie
/// anywhere in arrays far larger than the caches, and the delivery loops run through a line in
/// a few cycles, faster than the hardware prefetcher ramps up on a new stream.
inline void prefetch_synapses(const std::uint32_t* cells, const float* weights, std::uint32_t n) {
  constexpr std::uint32_t per_line = 64 / sizeof(std::uint32_t);
  static_assert(sizeof(float) == sizeof(std::uint32_t));
  for (std::uint32_t i = 0; i < n; i += per_line) {
    __builtin_prefetch(cells + i);
    __builtin_prefetch(weights + i);
  }
}

}  // namespace

void Simulation::Impl::run_epoch(Partition& p, Time end, std::uint64_t epoch) const {
  p.outbox[epoch % 2].clear();
  exchange(p, epoch);
  std::vector<Spike>& outbox = p.outbox[epoch % 2];
  for (;;) {
    const bool have_input = !p.input.empty() && p.input.top().t < end;
    const bool have_pred = !p.predictions.empty() && p.predictions.top().t < end;
    if (!have_input && !have_pred) return;
    // Inputs (kinds 0, 1) win ties with threshold checks (kind 2); probes (kind 3) lose them.
    const bool take_input =
        have_input &&
        (!have_pred || p.input.top().t < p.predictions.top().t ||
         (p.input.top().t == p.predictions.top().t && p.input.top().kind < kCrossing));
    if (take_input) {
      const Event ev = p.input.top();
      p.input.pop();
      if (!p.input.empty()) prefetch_event(p, p.input.top());
      switch (ev.kind) {
        case kSpike: {
          // The entry's group and the groups of the same source and delay after it; then the
          // source's next delay goes to the queue (delays ascend, so it is due later).
          const std::uint32_t head = ev.b;
          std::uint32_t g = head;
          bool last;
          do {
            deliver(p, g, ev.t);
            last = p.groups[g].last;
          } while (!last && p.groups[++g].continues);
          if (!last)
            p.input.push({ev.t - Time::from_ticks(p.groups[head].delay) +
                              Time::from_ticks(p.groups[g].delay),
                          kSpike, ev.a, g});
          break;
        }
        case kStimulus:
          handle_stimulus(p, ev);
          break;
        case kProbe: {
          auto& pe = p.probes[ev.b];
          before_touch(p, pe.cell, ev.t, all_entries);
          p.samples.push_back(
              {ev.t, ev.a, pe.probe, p.group[pe.cell]->probe(p.index[pe.cell], pe.var, ev.t)});
          const auto& times = probe_specs[pe.probe].times_ms;
          if (++pe.next < times.size())
            p.input.push({Time::from_ms(times[pe.next]), kProbe, ev.a, ev.b});
          break;
        }
        default:
          break;
      }
    } else {
      const Prediction top = p.predictions.top();
      const std::uint32_t l = top.cell;
      Time next = Time::never();
      before_touch(p, l, top.t, all_entries);
      const bool fired = p.group[l]->check(p.index[l], top.t, next);
      ++p.stats.predictions_checked;
      if (fired) {
        if (p.any_lazy && !p.slot[l].next.is_never()) check_fire_allowed(p, l, top.t);
        const Spike sp{top.t, p.first + l};
        outbox.push_back(sp);
        if (p.recorded[l]) p.spikes.push_back(sp);
        if (!p.post_begin.empty())
          for (auto h = p.post_begin[l]; h < p.post_begin[l + 1]; ++h)
            p.dynamics[p.post_hooks[h].slot]->on_postsynaptic(p.post_hooks[h].synapse, top.t);
        ++p.stats.spikes;
      }
      SPINDLE_ASSERT(next == keep_prediction || next > top.t);
      // Guard against a model that answers "now" again: that would never terminate.
      if (next != keep_prediction && !next.is_never() && next <= top.t)
        next = top.t + Time::from_ticks(1);
      if (next.is_never() || next == keep_prediction) {
        p.predictions.erase(p.handle[l]);
        p.slot[l].queued = Time::never();
      } else {
        p.predictions.update(p.handle[l], {next, l});
        p.slot[l].queued = next;
      }
      // The next check's cell, as prefetch_event() for inputs.
      if (!p.predictions.empty()) prefetch_cell(p, p.predictions.top().cell);
    }
  }
}

/// Delivery of one group: static synapses on the soma go to their population in one batch.
void Simulation::Impl::deliver(Partition& p, std::uint32_t g, Time t) const {
  const DelayGroup& grp = p.groups[g];
  const std::uint32_t n = p.group_end(g) - grp.begin;
  p.stats.synaptic_events += n;
  if (grp.located) {
    deliver_located(p, g, t);
  } else if (grp.slot == 0) {
    const TargetRun& run = p.targets[grp.target_pop];
    const std::uint32_t* cells = p.syn_target.data() + grp.begin;
    const float* weights = p.syn_weight.data() + grp.begin;
    prefetch_synapses(cells, weights, n);
    // Network inputs at t come before stimuli at t: only earlier pending arrivals go first,
    // and not even those where they may come late (before_network_input).
    // Inhibition is never paid in advance (before_network_input), so its passes need no
    // `prepaid` flags: one loop each for it and for the rest.
    const bool inhibitory = p.any_lazy && run.group->only_inhibits(grp.receptor);
    if (inhibitory) {
      for (std::uint32_t i = 0; i < n; ++i)
        before_network_input(p, cells[i], t, weights[i], grp.receptor, true);
    } else if (p.any_lazy) {
      for (std::uint32_t i = 0; i < n; ++i)
        p.prepaid[i] = before_network_input(p, cells[i], t, weights[i], grp.receptor, false);
    }
    run.group->receive_batch(t, grp.receptor, cells, n, run.offset, weights, 0.0, p.answers.data());
    if (inhibitory) {
      for (std::uint32_t i = 0; i < n; ++i) {
        set_prediction(p, cells[i], p.answers[i]);
        after_input(p, cells[i], t, weights[i], grp.receptor, p.answers[i]);
      }
    } else if (p.any_lazy) {
      // An input paid from the slack answered keep_prediction or never (safe_weight()'s
      // contract): the queue's bound may stay, stale, as after absorbed arrivals.
      for (std::uint32_t i = 0; i < n; ++i) {
        if (p.prepaid[i]) continue;
        set_prediction(p, cells[i], p.answers[i]);
        after_input(p, cells[i], t, weights[i], grp.receptor, p.answers[i]);
      }
    } else {  // the hot loop of networks without Poisson trains stays as lean as it was
      for (std::uint32_t i = 0; i < n; ++i)
        set_prediction(p, cells[i], p.answers[i]);
    }
  } else {
    SynapseGroup& dyn = *p.dynamics[grp.slot];
    const GroupExtra& x = p.extras[g];
    const double factor = dyn.on_presynaptic(x.train, t);
    for (std::uint32_t s = grp.begin; s < grp.begin + n; ++s) {
      const std::uint32_t l = p.syn_target[s];
      const double w = dyn.transmit(x.first_syn + (s - grp.begin), t, factor);
      before_touch(p, l, t - Time::from_ticks(1), all_entries);
      const Time answer = p.group[l]->receive(p.index[l], t, w, grp.receptor);
      set_prediction(p, l, answer);
      after_input(p, l, t, w, grp.receptor, answer);
    }
  }
}

/// Delivery of a group whose synapses land off the soma: each synapse tells its cell where.
void Simulation::Impl::deliver_located(Partition& p, std::uint32_t g, Time t) const {
  const DelayGroup& grp = p.groups[g];
  const GroupExtra& x = p.extras[g];
  SynapseGroup* dyn = grp.slot == 0 ? nullptr : p.dynamics[grp.slot].get();
  const double factor = dyn ? dyn->on_presynaptic(x.train, t) : 0.0;
  for (std::uint32_t s = grp.begin; s < p.group_end(g); ++s) {
    const std::uint32_t l = p.syn_target[s];
    const double w = dyn ? dyn->transmit(x.first_syn + (s - grp.begin), t, factor)
                         : static_cast<double>(p.syn_weight[s]);
    const Location where = detail::decode_place(p.syn_place[x.place_begin + (s - grp.begin)]);
    before_touch(p, l, t - Time::from_ticks(1), all_entries);
    const Time answer = p.group[l]->receive_at(p.index[l], t, w, grp.receptor, where);
    set_prediction(p, l, answer);
    after_input(p, l, t, w, grp.receptor, answer);
  }
}

void Simulation::Impl::exchange(Partition& p, std::uint64_t epoch) const {
  if (epoch == 0) return;
  for (const auto& q : parts) {
    for (const Spike& sp : q.outbox[(epoch - 1) % 2]) {
      const std::uint32_t g0 = p.source_begin[sp.cell];
      if (g0 < p.source_begin[sp.cell + 1])
        p.input.push({sp.time + Time::from_ticks(p.groups[g0].delay), kSpike, sp.cell, g0});
    }
  }
}

void Simulation::Impl::run_epochs(Time end) {
  if (executor->threads() == 1) {
    for (auto& p : parts)
      run_epoch(p, end, epochs);
    return;
  }
  if (schedule.size() != parts.size()) {
    schedule.resize(parts.size());
    std::iota(schedule.begin(), schedule.end(), 0u);
    cost.assign(parts.size(), 0.0);
  }
  executor->for_each(parts.size(), [&](std::size_t k) {
    const std::uint32_t i = schedule[k];
    const auto start = std::chrono::steady_clock::now();
    run_epoch(parts[i], end, epochs);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    cost[i] = 0.5 * (cost[i] + took.count());
  });
  std::stable_sort(schedule.begin(), schedule.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return cost[a] > cost[b]; });
}

void Simulation::run(Time until, const ProgressCallback& progress) {
  auto& s = *impl_;
  if (s.failed)
    throw Error("the simulation failed earlier and cannot continue; build a new Simulation");
  if (until <= s.now)
    throw Error(fmt::format("run: the end time {} ms must be later than the current time {} ms",
                            until.to_ms(), s.now.to_ms()));
  if (until > Time::max_run())
    throw Error(fmt::format("run: the end time {} ms exceeds the maximum {} ms", until.to_ms(),
                            Time::max_run().to_ms()));
  // Epoch length: the minimum delay, or 1 ms when there are no synapses (progress granularity).
  const Time epoch = s.min_delay.is_never() ? Time::from_ticks(Time::ticks_per_ms) : s.min_delay;
  try {
    while (s.now < until) {
      const Time end = std::min(until, s.now + epoch);
      s.run_epochs(end);
      ++s.epochs;
      s.now = end;
      if (progress) progress(s.now, until);
    }
    s.executor->for_each(s.parts.size(), [&](std::size_t i) { s.flush_lazy(s.parts[i], until); });
  } catch (...) {
    // A model threw inside a partition task: the partitions are now at different times, so the
    // state is inconsistent. The exception reaches the caller with its message intact; recorded
    // spikes up to the last completed epoch stay readable.
    s.failed = true;
    throw;
  }
}

Time Simulation::now() const noexcept {
  return impl_->now;
}

std::vector<Spike> Simulation::spikes() const {
  std::vector<Spike> all;
  std::size_t n = 0;
  for (const auto& p : impl_->parts)
    n += p.spikes.size();
  all.reserve(n);
  for (const auto& p : impl_->parts)
    all.insert(all.end(), p.spikes.begin(), p.spikes.end());
  std::sort(all.begin(), all.end(), [](const Spike& a, const Spike& b) {
    return a.time != b.time ? a.time < b.time : a.cell < b.cell;
  });
  return all;
}

std::vector<ProbeSample> Simulation::samples() const {
  std::vector<ProbeSample> all;
  for (const auto& p : impl_->parts)
    all.insert(all.end(), p.samples.begin(), p.samples.end());
  std::sort(all.begin(), all.end(), [](const ProbeSample& a, const ProbeSample& b) {
    if (a.probe != b.probe) return a.probe < b.probe;
    if (a.cell != b.cell) return a.cell < b.cell;
    return a.time < b.time;
  });
  return all;
}

const std::vector<PopulationInfo>& Simulation::populations() const noexcept {
  return impl_->populations;
}
std::vector<SynapseInfo> Simulation::synapses() const {
  std::vector<SynapseInfo> all;
  all.reserve(impl_->num_synapses);
  for (const auto& p : impl_->parts) {
    for (std::uint32_t src = 0; src < impl_->num_cells; ++src) {
      for (auto g = p.source_begin[src]; g < p.source_begin[src + 1]; ++g) {
        const auto& grp = p.groups[g];
        const GroupExtra x = p.extra(g);
        for (auto i = grp.begin; i < p.group_end(g); ++i) {
          const float w =
              grp.slot == 0
                  ? p.syn_weight[i]
                  : static_cast<float>(p.dynamics[grp.slot]->weight(x.first_syn + (i - grp.begin)));
          const Location where =
              grp.located ? detail::decode_place(p.syn_place[x.place_begin + (i - grp.begin)])
                          : Location{};
          all.push_back({src, p.first + p.syn_target[i], w, Time::from_ticks(grp.delay),
                         grp.receptor, where});
        }
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const SynapseInfo& a, const SynapseInfo& b) {
    if (a.source != b.source) return a.source < b.source;
    if (a.target != b.target) return a.target < b.target;
    if (a.delay != b.delay) return a.delay < b.delay;
    if (a.receptor != b.receptor) return a.receptor < b.receptor;
    if (a.weight != b.weight) return a.weight < b.weight;
    return detail::encode_place(a.location) < detail::encode_place(b.location);
  });
  return all;
}

std::size_t Simulation::population_of(std::uint32_t cell) const {
  if (cell >= impl_->num_cells)
    throw Error(fmt::format("cell {} does not exist; cells are 0..{}", cell, impl_->num_cells - 1));
  const auto& pops = impl_->populations;
  const auto it =
      std::upper_bound(pops.begin(), pops.end(), cell,
                       [](std::uint32_t c, const PopulationInfo& p) { return c < p.first; });
  return static_cast<std::size_t>(it - pops.begin()) - 1;
}

std::vector<Position> Simulation::positions() const {
  return impl_->positions;
}
std::uint32_t Simulation::num_cells() const noexcept {
  return impl_->num_cells;
}
std::uint64_t Simulation::num_synapses() const noexcept {
  return impl_->num_synapses;
}
unsigned Simulation::num_partitions() const noexcept {
  return static_cast<unsigned>(impl_->parts.size());
}
unsigned Simulation::num_threads() const noexcept {
  return impl_->options.threads;
}
Time Simulation::min_delay() const noexcept {
  return impl_->min_delay;
}

RunStatistics Simulation::statistics() const {
  RunStatistics r;
  for (const auto& p : impl_->parts) {
    r.spikes += p.stats.spikes;
    r.synaptic_events += p.stats.synaptic_events;
    r.stimulus_events += p.stats.stimulus_events;
    r.stimulus_events_lazy += p.stats.stimulus_events_lazy;
    r.stimulus_events_late += p.stats.stimulus_events_late;
    r.stimulus_requeued += p.stats.stimulus_requeued;
    r.predictions_checked += p.stats.predictions_checked;
  }
  return r;
}

}  // namespace spindle
