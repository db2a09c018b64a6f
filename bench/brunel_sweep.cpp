// spindle_brunel_sweep: how fast exact event-driven Brunel (2000) state C runs on this machine
// when the loop is written for that network alone, with Spindle's own primitives (the counter-
// based streams, the ziggurat, fast_exp, ticks of 1 ns). It is a yardstick for issue 7's target
// 3 (<= 10 ns per event), not a simulator: one thread, one model, one delay, nothing recorded
// but the spike count, no plugins, no probes.
//
// Exactness as in Spindle: every input, recurrent or external, is applied at its own tick, in
// time order per cell, and a cell fires at the tick of the jump that takes it to threshold.
// Without a bias current V relaxes towards E_L = 0 < theta between inputs, so crossings happen
// only at jumps. Every synapse has the delay D = 1.5 ms, so the spikes of one epoch [kD, (k+1)D)
// arrive in the next and the cells of an epoch are independent: each is swept once, merging its
// recurrent inputs (pushed by source in time order, so already sorted) with its Poisson train.
// The architecture differs from Spindle's kernel: no event queue, no threshold predictions, no
// lazy trains: an input costs its update and a threshold test (a Poisson one also its draw and
// its exponential).
//
//   spindle_brunel_sweep [duration_ms] [seed] [blocks]      (defaults 1000, 1 and 1)
//
// `blocks` > 1 groups the synapses by block of targets and fills and sweeps one block at a time,
// so that its inboxes stay in the cache (it did not help here: docs/performance.md).
//
// Prints one JSON object on stdout, in the fields of `spindle bench brunel` where they match.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "spindle/models/fast_exp.hpp"
#include "spindle/models/reference_networks.hpp"
#include "spindle/random.hpp"
#include "spindle/time.hpp"

namespace {

using spindle::Purpose;
using spindle::RandomStream;
using spindle::Time;
using spindle::models::fast_exp;

// Brunel (2000) state C: the parameters `spindle bench brunel` builds its network from.
constexpr spindle::models::BrunelParams brunel{};
constexpr auto N_E = static_cast<std::uint32_t>(brunel.N_E);
constexpr auto N_I = static_cast<std::uint32_t>(brunel.N_I);
constexpr std::uint32_t N = N_E + N_I;
constexpr auto C_E = static_cast<std::uint32_t>(brunel.C_E);
constexpr auto C_I = static_cast<std::uint32_t>(brunel.C_I);
constexpr double J = brunel.J, g = brunel.g;                                        // mV, -
constexpr double tau_m = brunel.tau_m, t_ref = brunel.t_ref, delay = brunel.delay;  // ms
constexpr double theta = brunel.theta, V_r = brunel.V_r;                            // mV

struct Cell {
  double w = 0.0;               ///< V(t) = w exp(-(t - T)/tau_m) for the current epoch's start T
  std::int64_t ref_end = 0;     ///< ticks
  std::int64_t next_input = 0;  ///< the Poisson train's next arrival [ticks]
  double next_ms = 0.0;         ///< the same, unrounded, as the train accumulates it
  RandomStream rng{0, 0, Purpose::stimulus};
};

struct Inbox {
  std::uint32_t spike;  ///< index into the epoch's spike table
  float weight;
};

struct Spike {
  std::int64_t t;
  std::uint32_t cell;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const double duration_ms = argc > 1 ? std::atof(argv[1]) : 1000.0;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  const long blocks_arg = argc > 3 ? std::atol(argv[3]) : 1;
  if (!(duration_ms > 0.0 && duration_ms <= 1e6) || blocks_arg < 1 || blocks_arg > N) {
    std::fprintf(stderr,
                 "usage: spindle_brunel_sweep [duration_ms in (0, 1e6]] [seed] [blocks in 1..%u]\n",
                 N);
    return 2;
  }
  const auto blocks = static_cast<std::uint32_t>(blocks_arg);
  const std::uint32_t block_size = (N + blocks - 1) / blocks;
  const auto block_of = [&](std::uint32_t c) { return c / block_size; };
  const auto t_build = std::chrono::steady_clock::now();

  // Fixed in-degree with multapses and no autapses, then by source (a counting sort).
  std::vector<std::uint32_t> sources(std::size_t{N} * (C_E + C_I));
  for (std::uint32_t c = 0; c < N; ++c) {
    RandomStream rng(seed, c, Purpose::connectivity);
    std::uint32_t* in = &sources[std::size_t{c} * (C_E + C_I)];
    for (std::uint32_t k = 0; k < C_E + C_I; ++k) {
      const bool exc = k < C_E;
      const std::uint32_t first = exc ? 0 : N_E, count = exc ? N_E : N_I;
      std::uint32_t s;
      do {
        s = first + static_cast<std::uint32_t>(rng.below(count));
      } while (s == c);
      in[k] = s;
    }
  }
  // Synapses by (block of targets, source), so that one block's inboxes stay in the cache while
  // it is filled and swept.
  std::vector<std::uint32_t> out_begin(std::size_t{blocks} * N + 1, 0);
  for (std::uint32_t c = 0; c < N; ++c)
    for (std::uint32_t k = 0; k < C_E + C_I; ++k)
      ++out_begin[std::size_t{block_of(c)} * N + sources[std::size_t{c} * (C_E + C_I) + k] + 1];
  for (std::size_t i = 0; i + 1 < out_begin.size(); ++i)
    out_begin[i + 1] += out_begin[i];
  std::vector<std::uint32_t> target(sources.size());
  std::vector<float> weight(sources.size());
  {
    std::vector<std::uint32_t> fill(out_begin.begin(), out_begin.end() - 1);
    for (std::uint32_t c = 0; c < N; ++c)
      for (std::uint32_t k = 0; k < C_E + C_I; ++k) {
        const std::uint32_t s = sources[std::size_t{c} * (C_E + C_I) + k];
        const std::size_t at = fill[std::size_t{block_of(c)} * N + s]++;
        target[at] = c;
        weight[at] = static_cast<float>(s < N_E ? J : -g * J);
      }
  }
  sources = {};

  std::vector<Cell> cells(N);
  // One train per cell at C_E nu_ext, as brunel_network() adds it.
  const double mean_isi_ms = 1e3 / (static_cast<double>(C_E) * brunel.nu_ext_hz());
  for (std::uint32_t c = 0; c < N; ++c) {
    RandomStream init(seed, c, Purpose::initial_state);
    cells[c].w = init.uniform(V_r, theta);
    cells[c].rng = RandomStream(seed, c, Purpose::stimulus);
    cells[c].next_ms = cells[c].rng.exponential(mean_isi_ms);
    cells[c].next_input = Time::from_ms(cells[c].next_ms).ticks();
  }
  const double build_s = seconds_since(t_build);

  const std::int64_t D = Time::from_ms(delay).ticks(), ref = Time::from_ms(t_ref).ticks();
  const std::int64_t end = Time::from_ms(duration_ms).ticks();
  const double per_tick = 1.0 / (tau_m * static_cast<double>(Time::ticks_per_ms));
  const double epoch_decay = fast_exp(-static_cast<double>(D) * per_tick);
  std::vector<std::vector<Inbox>> inbox(N);
  std::vector<Spike> spikes, next_spikes;
  std::vector<double> grow;  // exp((arrival - T)/tau_m) per spike of the table
  std::vector<std::int64_t> arrival;
  std::uint64_t network_events = 0, poisson_events = 0, total_spikes = 0;

  const auto t_sim = std::chrono::steady_clock::now();
  for (std::int64_t T = 0; T < end; T += D) {
    const std::int64_t stop = std::min(T + D, end);
    // The previous epoch's spikes arrive now, in time order: one exp per spike, shared by its
    // targets.
    grow.resize(spikes.size());
    arrival.resize(spikes.size());
    for (std::uint32_t s = 0; s < spikes.size(); ++s) {
      arrival[s] = spikes[s].t + D;
      grow[s] = fast_exp(static_cast<double>(arrival[s] - T) * per_tick);
    }
    next_spikes.clear();
    for (std::uint32_t b = 0; b < blocks; ++b) {
      // The block's inboxes, filled in spike order (so each is sorted), then each cell swept.
      const std::size_t row = std::size_t{b} * N;
      for (std::uint32_t s = 0; s < spikes.size(); ++s) {
        const std::uint32_t src = spikes[s].cell;
        for (std::uint32_t k = out_begin[row + src]; k < out_begin[row + src + 1]; ++k)
          inbox[target[k]].push_back({s, weight[k]});
      }
      const std::uint32_t last = std::min(N, (b + 1) * block_size);
      for (std::uint32_t c = b * block_size; c < last; ++c) {
        Cell& cell = cells[c];
        double w = T == 0 ? cell.w : cell.w * epoch_decay;
        const auto fire = [&](std::int64_t t) {
          next_spikes.push_back({t, c});
          cell.ref_end = t + ref;
          w = V_r * fast_exp(static_cast<double>(cell.ref_end - T) * per_tick);
        };
        const std::vector<Inbox>& in = inbox[c];
        std::size_t i = 0;
        for (;;) {
          const std::int64_t t_net = i < in.size() ? std::min(arrival[in[i].spike], stop) : stop;
          // Recurrent input first at equal ticks, as Spindle's kernel orders them.
          if (cell.next_input < t_net) {
            const std::int64_t t = cell.next_input;
            ++poisson_events;
            if (t >= cell.ref_end) {
              const double f = fast_exp(static_cast<double>(t - T) * per_tick);
              w += J * f;
              if (w >= theta * f) fire(t);
            }
            cell.next_ms += cell.rng.exponential(mean_isi_ms);
            cell.next_input = Time::from_ms(cell.next_ms).ticks();
          } else if (t_net < stop) {
            const Inbox& e = in[i++];
            ++network_events;
            if (t_net >= cell.ref_end) {
              w += e.weight * grow[e.spike];
              if (e.weight > 0 && w >= theta * grow[e.spike]) fire(t_net);
            }
          } else {
            break;
          }
        }
        cell.w = w;
        inbox[c].clear();
      }
    }
    std::sort(next_spikes.begin(), next_spikes.end(), [](const Spike& a, const Spike& b) {
      return a.t != b.t ? a.t < b.t : a.cell < b.cell;
    });
    total_spikes += next_spikes.size();
    spikes.swap(next_spikes);
  }
  const double sim_s = seconds_since(t_sim);
  const std::uint64_t events = network_events + poisson_events;
  std::printf(
      "{\"name\":\"brunel_sweep\",\"cells\":%u,\"synapses\":%zu,\"duration_ms\":%.1f,"
      "\"threads\":1,\"build_s\":%.3f,\"sim_s\":%.3f,\"spikes\":%llu,\"mean_rate_hz\":%.3f,"
      "\"synaptic_events\":%llu,\"stimulus_events\":%llu,\"ns_per_event\":%.3f,\"seed\":%llu}\n",
      N, target.size(), duration_ms, build_s, sim_s, static_cast<unsigned long long>(total_spikes),
      static_cast<double>(total_spikes) / N / (duration_ms * 1e-3),
      static_cast<unsigned long long>(network_events),
      static_cast<unsigned long long>(poisson_events), sim_s * 1e9 / static_cast<double>(events),
      static_cast<unsigned long long>(seed));
  return 0;
}
