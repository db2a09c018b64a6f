#include "output_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace fs = std::filesystem;

namespace spindle::app {
namespace {

// fmt rather than operator+: g++ 12 gives a false -Wrestrict on "'" + std::string (GCC PR 105329).
std::string quoted(const fs::path& p) {
  return fmt::format("'{}'", p.string());
}

/// Tries to create and remove a file in `dir`: the only reliable test that we may write there
/// (permission bits do not tell about read-only mounts, ACLs or root).
void probe_writable(const fs::path& dir, const std::string& option) {
  const fs::path probe = dir / fmt::format(".spindle-write-test-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(
        fmt::format("{}: cannot write files in {}: {}", option, quoted(dir), std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace

OutputDir::OutputDir(fs::path path, std::string option)
    : path_(std::move(path)), option_(std::move(option)) {
  if (path_.empty()) throw Error(fmt::format("{} must name a folder (got an empty path)", option_));
  std::error_code ec;
  const fs::file_status st = fs::status(path_, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      throw Error(fmt::format("{}: {} exists and is not a folder; give a folder to write into",
                              option_, quoted(path_)));
    }
  } else {
    // Remember the first missing ancestor: that is what we must remove if the run fails.
    const fs::path abs = fs::absolute(path_, ec);
    fs::path first_missing = abs;
    fs::path p = abs.parent_path();
    for (; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      first_missing = p;
      if (p == p.parent_path()) break;
    }
    if (!p.empty() && fs::exists(p, ec) && !fs::is_directory(p, ec)) {
      throw Error(fmt::format("{}: cannot create the folder {}: {} is a file, not a folder",
                              option_, quoted(path_), quoted(p)));
    }
    fs::create_directories(path_, ec);
    if (ec) {
      // create_directories may have made a few levels before failing: take them back.
      if (fs::exists(first_missing)) fs::remove_all(first_missing, ec);
      throw Error(fmt::format("{}: cannot create the folder {}: {}", option_, quoted(path_),
                              std::error_code(ec).message()));
    }
    created_root_ = first_missing;
  }
  try {
    probe_writable(path_, option_);
  } catch (...) {
    if (!created_root_.empty()) fs::remove_all(created_root_, ec);
    throw;
  }
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;  // a destructor must not throw; cleanup is best effort
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  if (!created_root_.empty()) fs::remove_all(created_root_, ec);
}

fs::path OutputDir::staged(const std::string& name) {
  if (staging_.empty()) {
    staging_ = path_ / fmt::format(".spindle-staging-{}", ::getpid());
    std::error_code ec;
    fs::remove_all(staging_, ec);  // left over from a killed run with the same pid
    if (!fs::create_directory(staging_, ec)) {
      throw Error(fmt::format("{}: cannot create a staging folder in {}: {}", option_,
                              quoted(path_), ec.message()));
    }
  }
  staged_names_.push_back(name);
  return staging_ / name;
}

void OutputDir::commit() {
  std::error_code ec;
  for (const std::string& name : staged_names_) {
    // rename() within one folder tree is atomic and replaces an older file of that name.
    fs::rename(staging_ / name, path_ / name, ec);
    if (ec) {
      throw Error(fmt::format("{}: cannot move {} into {}: {}", option_, name, quoted(path_),
                              ec.message()));
    }
  }
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  committed_ = true;
}

fs::path OutputDir::default_path(const fs::path& base) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const fs::path first = base / "spindle-out" / stamp;
  fs::path p = first;
  for (int i = 2; fs::exists(p); ++i)
    p = fs::path(first.string() + fmt::format("-{}", i));
  return p;
}

}  // namespace spindle::app
