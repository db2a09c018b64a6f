// Fast versions of the sparse_coding example's acceptance checks (issue 8 #3) on the same
// code (examples/sparse_coding/experiment.hpp, foldiak.hpp, sailnet.hpp), with 3 seeds per
// version instead of 10.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>

#include "experiment.hpp"
#include "spindle/models/bars_problem.hpp"

namespace bars = spindle::models::bars;
namespace foldiak = spindle::models::foldiak;
namespace sailnet = spindle::models::sailnet;

namespace {

struct Tally {
  std::size_t one_to_one = 0;
  double before = 0, after = 0;  // mean |r| summed over seeds
  double min_activity = 1, max_activity = 0;
};

template <class Net, class Params>
Tally run_seeds(const Params& params, const sparse_coding::Protocol& protocol) {
  Tally t;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Net net(params, seed);
    const sparse_coding::Outcome o = sparse_coding::run(net, protocol, seed);
    t.one_to_one += o.code.one_to_one ? 1 : 0;
    t.before += o.before.mean_abs_correlation;
    t.after += o.after.mean_abs_correlation;
    t.min_activity = std::min(t.min_activity, o.after.mean_activity);
    t.max_activity = std::max(t.max_activity, o.after.mean_activity);
  }
  return t;
}

// Tolerances (issue 8 #3): one-to-one in >= 9/10 (rate) and >= 8/10 (spiking) of seeds; on 3
// seeds we ask >= 2 (a per-seed success probability of 0.8 passes that with probability 0.90,
// 0.9 with 0.97); mean |r| falls >= 20x; activity per unit stays in 0.11-0.14 (p = 1/8).
void check(const Tally& t) {
  CHECK(t.one_to_one >= 2);
  CHECK(t.before >= 20.0 * t.after);
  CHECK(t.min_activity >= 0.11);
  CHECK(t.max_activity <= 0.14);
}

}  // namespace

TEST_CASE("bars: images are ORs of rows and columns", "[wta][sparse_coding]") {
  const auto x = bars::render(1u << 2 | 1u << (8 + 5));  // row 2 and column 5
  double on = 0;
  for (double v : x)
    on += v;
  CHECK(on == 15);  // 8 + 8 pixels, one shared
  CHECK(x[2 * 8 + 0] == 1);
  CHECK(x[7 * 8 + 5] == 1);
  CHECK(x[0] == 0);
}

TEST_CASE("Foldiak rate network codes the 16 bars one-to-one and decorrelates its outputs",
          "[wta][sparse_coding]") {
  check(run_seeds<foldiak::Network>(foldiak::Params{}, sparse_coding::Protocol{}));
}

TEST_CASE("spiking network with inhibitory plasticity codes the bars one-to-one",
          "[wta][sparse_coding]") {
  check(run_seeds<sailnet::Network>(sparse_coding::spiking_params(),
                                    sparse_coding::spiking_protocol()));
}
