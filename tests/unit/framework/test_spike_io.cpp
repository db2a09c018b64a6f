#include <filesystem>
#include <fstream>

#include "spindle/error.hpp"
#include "spindle/spike_io.hpp"
#include "support/catch.hpp"

using namespace spindle;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("spindle-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
std::vector<Spike> sample_spikes() {
  return {{Time::from_ticks(0), 0},
          {Time::from_ticks(1), 3},
          {Time::from_ticks(999'999), 4'000'000},
          {Time::from_ticks(123'456'789'012), 17}};
}
}  // namespace

TEST_CASE("Spike CSV round-trips every tick exactly", "[spike_io][unit]") {
  const auto d = temp_dir("csv");
  write_spikes_csv(d / "s.csv", sample_spikes());
  CHECK(read_spikes_csv(d / "s.csv") == sample_spikes());
  std::ifstream in(d / "s.csv");
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  CHECK(header == "cell,time_ms");
  CHECK(first == "0,0.000000");
  CHECK(second == "3,0.000001");
  fs::remove_all(d);
}

TEST_CASE("Spike binary format round-trips and rejects foreign files", "[spike_io][unit]") {
  const auto d = temp_dir("bin");
  write_spikes_binary(d / "s.bin", sample_spikes());
  CHECK(fs::file_size(d / "s.bin") == 20 + 12 * sample_spikes().size());
  CHECK(read_spikes_binary(d / "s.bin") == sample_spikes());
  write_file_atomic(d / "bad.bin", "not a spike file at all");
  CHECK_THROWS_AS(read_spikes_binary(d / "bad.bin"), Error);
  fs::remove_all(d);
}

TEST_CASE("Atomic writes into an unwritable place fail cleanly", "[spike_io][unit]") {
  const auto d = temp_dir("atomic");
  write_file_atomic(d / "file", "x");
  // A path under a regular file can never be created.
  CHECK_THROWS_WITH(write_spikes_csv(d / "file" / "s.csv", sample_spikes()),
                    Catch::Matchers::Contains("file/s.csv"));
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(d))
    ++n;
  CHECK(n == 1);  // no temporary left behind
  fs::remove_all(d);
}
