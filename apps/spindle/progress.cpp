#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace spindle::app {
namespace {
constexpr auto redraw_interval = std::chrono::milliseconds(100);
}

ProgressBar::ProgressBar(std::FILE* out, bool enabled, Time start)
    : out_(out),
      enabled_(enabled),
      start_(start),
      wall_start_(Clock::now()),
      last_draw_(wall_start_) {}

ProgressBar::~ProgressBar() {
  finish();
}

bool ProgressBar::is_terminal(std::FILE* stream) {
  return ::isatty(::fileno(stream)) == 1;
}

int ProgressBar::width() const {
  winsize ws{};
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void ProgressBar::update(Time now, Time end) {
  if (!enabled_) return;
  const auto wall_now = Clock::now();
  // The first call draws at once, so a long run shows its bar immediately.
  if (drawn_ && wall_now - last_draw_ < redraw_interval) return;
  last_draw_ = wall_now;
  draw(now, end, wall_now);
}

void format_hms(char* buf, std::size_t size, double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) {
    std::snprintf(buf, size, "--:--");
    return;
  }
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) {
    std::snprintf(buf, size, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, size, "%lld:%02lld", s / 60, s % 60);
  }
}

void ProgressBar::draw(Time now, Time end, Clock::time_point wall_now) {
  const double total = (end - start_).to_ms();
  const double done = std::clamp((now - start_).to_ms(), 0.0, total);
  const double frac = total > 0 ? done / total : 1.0;
  const double wall = std::chrono::duration<double>(wall_now - wall_start_).count();

  // Speed over the first fraction of a second is mostly start-up noise: show no estimate yet.
  const bool settled = wall >= 0.3 && done > 0;
  char eta[32];
  format_hms(eta, sizeof eta, settled ? wall * (total - done) / done : -1.0);
  // Real-time factor: simulated seconds per wall-clock second (> 1: faster than real time).
  const std::string rtf = settled ? fmt::format("{:.3g}x", done * 1e-3 / wall) : "-";

  // Fixed-width fields, so the bar does not change length as the numbers grow.
  const int decimals = total < 10 ? 2 : 0;  // a 0.5 ms run should not read "0/0 ms"
  const std::string total_text = fmt::format("{:.{}f}", total, decimals);
  const std::string tail =
      fmt::format(" {:5.1f}%  {:>{}.{}f}/{} ms  ETA {:>7}  RT {:>6}", 100.0 * frac, done,
                  total_text.size(), decimals, total_text, eta, rtf);
  const int bar_width = std::clamp(width() - 1 - static_cast<int>(tail.size()) - 2, 0, 40);
  std::string line = "\r";
  if (bar_width >= 10) {
    const int filled = static_cast<int>(frac * bar_width);
    line += '[';
    line.append(static_cast<std::size_t>(filled), '#');
    line.append(static_cast<std::size_t>(bar_width - filled), '.');
    line += ']';
  }
  line += tail;
  line += "\x1b[K";  // erase what a longer previous line left behind
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\x1b[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace spindle::app
