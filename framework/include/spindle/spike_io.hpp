// spindle/spike_io.hpp: spike files. CSV is `cell,time_ms` with enough digits to round-trip a
// tick; the binary format is documented in docs/output-formats.md. Writes are atomic: a
// temporary file in the same folder, renamed into place when complete.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "spindle/simulation.hpp"

namespace spindle {

void write_spikes_csv(const std::filesystem::path& path, const std::vector<Spike>& spikes);
void write_spikes_binary(const std::filesystem::path& path, const std::vector<Spike>& spikes);
std::vector<Spike> read_spikes_binary(const std::filesystem::path& path);
std::vector<Spike> read_spikes_csv(const std::filesystem::path& path);

/// Writes `content` to `path` atomically (temp file + rename). Throws spindle::Error naming the
/// path when it cannot be written.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

}  // namespace spindle
