// The executor that runs partitions in parallel (framework/src/executor.hpp, private): every item
// runs once, each thread takes items in index order (the kernel lists the costliest partitions
// first), and the first exception reaches the caller. Named "Kernel:" so that the TSan build
// runs it too.
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "executor.hpp"
#include "support/catch.hpp"

using spindle::detail::Executor;

TEST_CASE("Kernel: the executor runs every item once, each thread in index order",
          "[kernel][unit]") {
  const unsigned threads = GENERATE(1u, 2u, 3u);
  Executor executor(threads);
  constexpr std::size_t n = 2000;
  std::vector<std::atomic<int>> runs(n);
  std::mutex mutex;
  std::map<std::thread::id, std::size_t> last;  ///< per thread: the item it took last
  bool ordered = true;
  for (int round = 0; round < 3; ++round) {  // the same executor serves many epochs
    last.clear();
    executor.for_each(n, [&](std::size_t i) {
      runs[i].fetch_add(1);
      const std::lock_guard lock(mutex);
      const auto [at, fresh] = last.try_emplace(std::this_thread::get_id(), i);
      if (!fresh && at->second >= i) ordered = false;
      at->second = i;
    });
  }
  for (std::size_t i = 0; i < n; ++i)
    REQUIRE(runs[i].load() == 3);
  // Every thread takes the next item in index order when it is free, so the items one thread
  // runs ascend: the kernel's costliest-first list is served in that order.
  CHECK(ordered);
  CHECK(last.size() <= threads);
}

TEST_CASE("Kernel: the executor rethrows the first exception and stays usable", "[kernel][unit]") {
  const unsigned threads = GENERATE(1u, 2u);
  Executor executor(threads);
  std::atomic<int> done{0};
  CHECK_THROWS_WITH(executor.for_each(8,
                                      [&](std::size_t i) {
                                        if (i == 5) throw std::runtime_error("item 5 failed");
                                        done.fetch_add(1);
                                      }),
                    "item 5 failed");
  CHECK(done.load() <= 7);
  done = 0;
  executor.for_each(8, [&](std::size_t) { done.fetch_add(1); });
  CHECK(done.load() == 8);
  executor.for_each(0, [&](std::size_t) { done.fetch_add(1); });  // nothing to do
  CHECK(done.load() == 8);
}
