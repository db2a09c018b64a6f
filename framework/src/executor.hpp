// executor.hpp (private): runs n independent work items on a fixed number of threads.
// Normally a oneTBB task_arena with parallel_for. ThreadSanitizer cannot see the
// synchronisation inside Debian's uninstrumented libtbb and reports its internals as races,
// so the TSan build (SPINDLE_PLAIN_THREADS) uses std::thread with the same contract instead:
// the partition code under test is the same either way.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace spindle::detail {

class Executor {
 public:
  explicit Executor(unsigned threads);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Calls work(i) for every i in [0, n) on any of the threads, and returns when all are done.
  /// Items start in index order: each thread takes the next one when it is free. The first
  /// exception thrown by a work item is rethrown here.
  void for_each(std::size_t n, const std::function<void(std::size_t)>& work);
  unsigned threads() const noexcept { return threads_; }

 private:
  unsigned threads_;
  struct Arena;
  std::unique_ptr<Arena> arena_;
};

}  // namespace spindle::detail
