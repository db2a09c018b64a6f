#include "spindle/spike_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

namespace {
constexpr char kMagic[8] = {'S', 'P', 'D', 'L', 'S', 'P', 'K', '1'};
constexpr std::uint32_t kBinaryVersion = 1;

template <class T>
void put_le(std::string& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xffu));
}

template <class T>
T get_le(const unsigned char* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return static_cast<T>(v);
}

/// "12.345678": ticks as ms with six decimals, exact (1 tick = 1e-6 ms).
void append_ms(std::string& out, Time t) {
  const std::int64_t ticks = t.ticks();
  const std::int64_t whole = ticks / Time::ticks_per_ms, frac = ticks % Time::ticks_per_ms;
  if (ticks < 0)
    fmt::format_to(std::back_inserter(out), "-{}.{:06}", -whole, -frac);
  else
    fmt::format_to(std::back_inserter(out), "{}.{:06}", whole, frac);
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  auto tmp = dir / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw Error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const bool closed = std::fclose(f) == 0;
  std::error_code ec;
  if (!ok || !closed) {
    std::filesystem::remove(tmp, ec);
    throw Error(fmt::format("cannot write '{}': disk full or I/O error", path.string()));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(fmt::format("cannot write '{}': {}", path.string(), ec.message()));
  }
}

void write_spikes_csv(const std::filesystem::path& path, const std::vector<Spike>& spikes) {
  std::string out = "cell,time_ms\n";
  out.reserve(out.size() + spikes.size() * 20);
  for (const auto& s : spikes) {
    fmt::format_to(std::back_inserter(out), "{},", s.cell);
    append_ms(out, s.time);
    out.push_back('\n');
  }
  write_file_atomic(path, out);
}

void write_spikes_binary(const std::filesystem::path& path, const std::vector<Spike>& spikes) {
  std::string out(kMagic, sizeof kMagic);
  put_le<std::uint32_t>(out, kBinaryVersion);
  put_le<std::uint64_t>(out, spikes.size());
  out.reserve(out.size() + spikes.size() * 12);
  for (const auto& s : spikes) {
    put_le<std::int64_t>(out, s.time.ticks());
    put_le<std::uint32_t>(out, s.cell);
  }
  write_file_atomic(path, out);
}

std::vector<Spike> read_spikes_binary(const std::filesystem::path& path) {
  const std::string data = read_all(path);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (data.size() < 20 || std::memcmp(p, kMagic, 8) != 0)
    throw Error(fmt::format("'{}' is not a Spindle spike file (bad magic)", path.string()));
  const auto version = get_le<std::uint32_t>(p + 8);
  if (version != kBinaryVersion)
    throw Error(fmt::format("'{}': spike file version {} is not supported (expected {})",
                            path.string(), version, kBinaryVersion));
  const auto count = get_le<std::uint64_t>(p + 12);
  if (data.size() != 20 + count * 12)
    throw Error(fmt::format("'{}': truncated spike file ({} bytes for {} spikes)", path.string(),
                            data.size(), count));
  std::vector<Spike> spikes(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const unsigned char* r = p + 20 + 12 * i;
    spikes[i].time = Time::from_ticks(get_le<std::int64_t>(r));
    spikes[i].cell = get_le<std::uint32_t>(r + 8);
  }
  return spikes;
}

std::vector<Spike> read_spikes_csv(const std::filesystem::path& path) {
  std::istringstream in(read_all(path));
  std::string line;
  std::vector<Spike> spikes;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 && line.rfind("cell", 0) == 0) continue;
    if (line.empty()) continue;
    unsigned long cell = 0;
    long long whole = 0, frac = 0;
    char dot = 0;
    if (std::sscanf(line.c_str(), "%lu,%lld%c%6lld", &cell, &whole, &dot, &frac) != 4 || dot != '.')
      throw Error(fmt::format("{}:{}: expected 'cell,time_ms' with 6 decimals, got '{}'",
                              path.string(), lineno, line));
    spikes.push_back(
        {Time::from_ticks(whole * Time::ticks_per_ms + frac), static_cast<std::uint32_t>(cell)});
  }
  return spikes;
}

}  // namespace spindle
