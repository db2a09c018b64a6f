// heap_bench: picks the event-queue variants of the kernel by measurement (docs/benchmarks.md,
// "Event queues"). Standalone: Boost.Heap and the standard library only.
//
// Workload A, the delivery queue (input queue of a partition): a min-heap of
// {int64 time; uint32 kind; uint32 source; uint32 group} ordered lexicographically, run as the
// classic hold model: N entries pending, each operation pops the earliest entry and pushes one
// due an exponentially distributed increment later (mean 1 ms = 1e6 ticks).
//
// Workload B, the prediction queue: a mutable heap with one entry {int64 time; uint32 cell}
// per cell and a handle per cell. Each operation is, at random,
//   70 % decrease-key: a random cell's prediction moves earlier (but not before "now");
//   10 % increase-key: a random cell's prediction moves later;
//   20 % pop + reinsert: the earliest prediction is taken (now = its time) and the cell
//        re-enters with a later prediction.
// B1 reinserts by pop() and push() (a new handle); B2 as the kernel does it, by updating the
// top entry in place through its handle (no pop).
//
// Heaps: std::priority_queue (A only), boost::heap::d_ary_heap arity 2, 4, 8 (mutable for B),
// pairing_heap, fibonacci_heap. Each figure is the median over 5 repetitions, in ns per
// operation (one hold step = one pop + one push), of this thread's CPU time (robust when other
// programs share the cores) and of wall time. Repetitions are interleaved across heaps. Random
// draws are precomputed, so the times are the heap's alone; a checksum of popped times keeps
// the work observable.
//
// Usage: spindle_heap_bench [--quick] [--json FILE]
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include <boost/heap/d_ary_heap.hpp>
#include <boost/heap/fibonacci_heap.hpp>
#include <boost/heap/pairing_heap.hpp>

namespace {

namespace bh = boost::heap;

// ---------------------------------------------------------------------------------------------
// Random numbers: SplitMix64, precomputed.

struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::int64_t exponential_ticks(double mean) {
    return static_cast<std::int64_t>(-mean * std::log(1.0 - uniform())) + 1;
  }
};

constexpr double kMeanTicks = 1e6;  // 1 ms

// ---------------------------------------------------------------------------------------------
// Timing: CPU time of this thread (what the heap costs, even while other programs share the
// cores) and wall time (what a user waits), both in ns per operation.

struct Sample {
  double cpu = 0.0, wall = 0.0;
};

class Stopwatch {
 public:
  Stopwatch() : cpu0_(cpu_ns()), wall0_(std::chrono::steady_clock::now()) {}
  Sample per_op(std::size_t ops) const {
    const double wall =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall0_).count();
    const auto n = static_cast<double>(ops);
    return {(cpu_ns() - cpu0_) / n, wall / n};
  }

 private:
  static double cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
  }
  double cpu0_;
  std::chrono::steady_clock::time_point wall0_;
};

// ---------------------------------------------------------------------------------------------
// Workload A: delivery queue, hold model.

struct Delivery {
  std::int64_t time;
  std::uint32_t kind, source, group;
};

struct DeliveryLater {
  bool operator()(const Delivery& x, const Delivery& y) const noexcept {
    if (x.time != y.time) return x.time > y.time;
    if (x.kind != y.kind) return x.kind > y.kind;
    if (x.source != y.source) return x.source > y.source;
    return x.group > y.group;
  }
};

struct HoldInput {
  std::vector<Delivery> initial;
  std::vector<std::int64_t> increments;
  std::vector<std::uint32_t> sources;
};

HoldInput make_hold_input(std::size_t n, std::size_t ops, std::uint64_t seed) {
  SplitMix rng{seed};
  HoldInput in;
  in.initial.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    in.initial.push_back({rng.exponential_ticks(kMeanTicks), 0,
                          static_cast<std::uint32_t>(rng.next() % 100000),
                          static_cast<std::uint32_t>(rng.next() % 4)});
  in.increments.resize(ops);
  in.sources.resize(ops);
  for (std::size_t i = 0; i < ops; ++i) {
    in.increments[i] = rng.exponential_ticks(kMeanTicks);
    in.sources[i] = static_cast<std::uint32_t>(rng.next() % 100000);
  }
  return in;
}

template <class Heap>
Sample run_hold(const HoldInput& in, std::uint64_t& checksum) {
  Heap heap;
  for (const auto& d : in.initial)
    heap.push(d);
  const Stopwatch watch;
  const std::size_t ops = in.increments.size();
  for (std::size_t i = 0; i < ops; ++i) {
    const Delivery top = heap.top();
    heap.pop();
    checksum += static_cast<std::uint64_t>(top.time);
    heap.push({top.time + in.increments[i], 0, in.sources[i], static_cast<std::uint32_t>(i & 3)});
  }
  return watch.per_op(ops);
}

// ---------------------------------------------------------------------------------------------
// Workload B: prediction queue with handles.

struct Prediction {
  std::int64_t time;
  std::uint32_t cell;
};

struct PredictionLater {
  bool operator()(const Prediction& x, const Prediction& y) const noexcept {
    return x.time != y.time ? x.time > y.time : x.cell > y.cell;
  }
};

struct Op {
  std::uint8_t kind;    // 0 decrease-key, 1 increase-key, 2 pop + reinsert
  std::uint32_t cell;   // kinds 0, 1
  double fraction;      // kind 0: new = now + fraction * (old - now)
  std::int64_t amount;  // kinds 1, 2: exponential increment
};

struct PredictionInput {
  std::vector<std::int64_t> initial;
  std::vector<Op> ops;
};

PredictionInput make_prediction_input(std::size_t n, std::size_t ops, std::uint64_t seed) {
  SplitMix rng{seed};
  PredictionInput in;
  in.initial.resize(n);
  for (auto& t : in.initial)
    t = rng.exponential_ticks(10 * kMeanTicks);
  in.ops.resize(ops);
  for (auto& op : in.ops) {
    const double u = rng.uniform();
    op.kind = u < 0.7 ? 0 : (u < 0.8 ? 1 : 2);
    op.cell = static_cast<std::uint32_t>(rng.next() % n);
    op.fraction = rng.uniform();
    op.amount = rng.exponential_ticks(10 * kMeanTicks);
  }
  return in;
}

// Boost.Heap names moves by priority: with a "later" comparator the earliest entry has the
// highest priority, so an earlier time is increase() and a later time is decrease().
template <class Heap, bool InPlaceTop>
Sample run_predictions(const PredictionInput& in, std::uint64_t& checksum) {
  using Handle = typename Heap::handle_type;
  Heap heap;
  const std::size_t n = in.initial.size();
  std::vector<Handle> handle(n);
  for (std::size_t c = 0; c < n; ++c)
    handle[c] = heap.push({in.initial[c], static_cast<std::uint32_t>(c)});
  std::int64_t now = 0;
  const Stopwatch watch;
  for (const Op& op : in.ops) {
    if (op.kind == 0) {
      const std::int64_t old = (*handle[op.cell]).time;
      const auto t = now + static_cast<std::int64_t>(op.fraction * static_cast<double>(old - now));
      if (t < old) heap.increase(handle[op.cell], Prediction{t, op.cell});
    } else if (op.kind == 1) {
      const std::int64_t old = (*handle[op.cell]).time;
      heap.decrease(handle[op.cell], Prediction{old + op.amount, op.cell});
    } else {
      const Prediction top = heap.top();
      now = top.time;
      checksum += static_cast<std::uint64_t>(top.time);
      if constexpr (InPlaceTop) {
        heap.decrease(handle[top.cell], Prediction{now + op.amount, top.cell});
      } else {
        heap.pop();
        handle[top.cell] = heap.push(Prediction{now + op.amount, top.cell});
      }
    }
  }
  return watch.per_op(in.ops.size());
}

// ---------------------------------------------------------------------------------------------
// Heap types

template <class T, class Later>
using StdQueue = std::priority_queue<T, std::vector<T>, Later>;
template <class T, class Later, unsigned A>
using Dary = bh::d_ary_heap<T, bh::arity<A>, bh::compare<Later>>;
template <class T, class Later, unsigned A>
using DaryMutable = bh::d_ary_heap<T, bh::arity<A>, bh::mutable_<true>, bh::compare<Later>>;
template <class T, class Later>
using Pairing = bh::pairing_heap<T, bh::compare<Later>>;
template <class T, class Later>
using Fibonacci = bh::fibonacci_heap<T, bh::compare<Later>>;

struct Result {
  std::string workload;
  std::size_t n;
  std::string heap;
  double cpu_median, cpu_min, wall_median;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The heaps compared on one (workload, N). Repetitions are interleaved (rep 1 of every heap,
/// then rep 2, ...) so that a burst of load from other programs hits all heaps alike.
class Group {
 public:
  Group(std::string workload, std::size_t n) : workload_(std::move(workload)), n_(n) {}
  template <class F>
  void add(std::string heap, F run) {
    cases_.push_back({std::move(heap), std::function<Sample()>(std::move(run)), {}});
  }
  void measure(int reps, std::vector<Result>& out) {
    for (auto& c : cases_)
      c.run();  // warm-up: page in memory, train branch predictors
    for (int r = 0; r < reps; ++r)
      for (auto& c : cases_)
        c.samples.push_back(c.run());
    for (const auto& c : cases_) {
      std::vector<double> cpu, wall;
      for (const auto& x : c.samples) {
        cpu.push_back(x.cpu);
        wall.push_back(x.wall);
      }
      out.push_back({workload_, n_, c.heap, median(cpu), *std::min_element(cpu.begin(), cpu.end()),
                     median(wall)});
    }
  }

 private:
  struct Case {
    std::string heap;
    std::function<Sample()> run;
    std::vector<Sample> samples;
  };
  std::string workload_;
  std::size_t n_;
  std::vector<Case> cases_;
};

/// The mutable heaps of workload B, reinserting the top by pop + push or in place.
template <bool InPlaceTop>
void add_prediction_heaps(Group& g, const PredictionInput& in, std::uint64_t& checksum) {
  using P = Prediction;
  using L = PredictionLater;
  auto add = [&]<class Heap>(const char* name, Heap*) {
    g.add(name, [&in, &checksum] { return run_predictions<Heap, InPlaceTop>(in, checksum); });
  };
  add("d_ary arity 2", static_cast<DaryMutable<P, L, 2>*>(nullptr));
  add("d_ary arity 4", static_cast<DaryMutable<P, L, 4>*>(nullptr));
  add("d_ary arity 8", static_cast<DaryMutable<P, L, 8>*>(nullptr));
  add("pairing", static_cast<Pairing<P, L>*>(nullptr));
  add("fibonacci", static_cast<Fibonacci<P, L>*>(nullptr));
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  const char* json_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
      json_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--json FILE]\n", argv[0]);
      return 2;
    }
  }
#ifndef __OPTIMIZE__
  std::fprintf(stderr, "warning: built without optimisation; numbers are not meaningful\n");
#endif
  const int reps = 5;
  const std::size_t ops = quick ? 50'000 : 500'000;
  std::uint64_t checksum = 0;
  std::vector<Result> results;
  const auto start = std::chrono::steady_clock::now();

  for (std::size_t n : {std::size_t{4000}, std::size_t{20000}, std::size_t{100000}}) {
    const HoldInput in = make_hold_input(n, ops, 12345 + n);
    using D = Delivery;
    using L = DeliveryLater;
    Group g("A delivery (hold)", n);
    g.add("std::priority_queue", [&] { return run_hold<StdQueue<D, L>>(in, checksum); });
    g.add("d_ary arity 2", [&] { return run_hold<Dary<D, L, 2>>(in, checksum); });
    g.add("d_ary arity 4", [&] { return run_hold<Dary<D, L, 4>>(in, checksum); });
    g.add("d_ary arity 8", [&] { return run_hold<Dary<D, L, 8>>(in, checksum); });
    g.add("pairing", [&] { return run_hold<Pairing<D, L>>(in, checksum); });
    g.add("fibonacci", [&] { return run_hold<Fibonacci<D, L>>(in, checksum); });
    g.measure(reps, results);
  }
  for (std::size_t n : {std::size_t{4000}, std::size_t{100000}}) {
    const PredictionInput in = make_prediction_input(n, ops, 777 + n);
    Group b1("B1 prediction (pop+push)", n);
    add_prediction_heaps<false>(b1, in, checksum);
    b1.measure(reps, results);
    Group b2("B2 prediction (top in place)", n);
    add_prediction_heaps<true>(b2, in, checksum);
    b2.measure(reps, results);
  }
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("%-30s %7s  %-20s %12s %12s %12s\n", "workload", "N", "heap", "cpu median", "cpu min",
              "wall median");
  std::string last;
  for (const auto& r : results) {
    if (r.workload + std::to_string(r.n) != last && !last.empty()) std::printf("\n");
    last = r.workload + std::to_string(r.n);
    std::printf("%-30s %7zu  %-20s %12.1f %12.1f %12.1f\n", r.workload.c_str(), r.n, r.heap.c_str(),
                r.cpu_median, r.cpu_min, r.wall_median);
  }
  std::printf(
      "\nns per operation over %d interleaved repetitions of %zu operations (thread CPU "
      "time and wall time); total %.1f s; checksum %llu\n",
      reps, ops, total_s, static_cast<unsigned long long>(checksum));

  if (json_path) {
    std::FILE* f = std::fopen(json_path, "w");
    if (!f) {
      std::fprintf(stderr, "cannot write '%s': %s\n", json_path, std::strerror(errno));
      return 2;
    }
    std::fprintf(f,
                 "{\n  \"unit\": \"ns/op\",\n  \"repetitions\": %d,\n  \"operations\": %zu,\n"
                 "  \"results\": [\n",
                 reps, ops);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      std::fprintf(f,
                   "    {\"workload\": \"%s\", \"n\": %zu, \"heap\": \"%s\", "
                   "\"cpu_median\": %.2f, \"cpu_min\": %.2f, \"wall_median\": %.2f}%s\n",
                   r.workload.c_str(), r.n, r.heap.c_str(), r.cpu_median, r.cpu_min, r.wall_median,
                   i + 1 < results.size() ? "," : "");
    }
    std::fprintf(f, "  ]\n}\n");
    std::fclose(f);
  }
  return 0;
}
