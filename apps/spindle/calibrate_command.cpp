// `spindle calibrate-dendrite`: fits the reduced dendritic cell (pyramidal_dendritic) to the
// cable reference cell's inhibition map (Müllner's protocol, models::calibrate_dendritic) and
// prints the fitted kernel parameters; --out also writes them as JSON. The shipped defaults of
// pyramidal_dendritic are this command's output (models/src/pyramidal_dendritic.cpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "spindle/error.hpp"
#include "spindle/models/cable/inhibition_map.hpp"
#include "spindle/models/dendritic_calibration.hpp"

namespace spindle::app {

int calibrate_command(const CalibrateArgs& args) {
  if (!args.out.empty()) {  // checked before the minute of work; nothing is written on failure
    const std::filesystem::path dir = std::filesystem::absolute(args.out).parent_path();
    if (!std::filesystem::is_directory(dir) || std::filesystem::is_directory(args.out))
      throw Error(fmt::format("--out {}: not a file in an existing folder", args.out));
  }
  const models::cable::BapProtocol protocol;  // its run length covers every default offset
  if (!args.quiet)
    std::fprintf(stderr, "computing the cable cell's inhibition map (%zu runs)...\n",
                 protocol.g_gaba_nS.size() * protocol.offsets_ms.size() + 1);
  const models::cable::CableCell cell(models::cable::ca1_pyramidal_geometry(),
                                      models::cable::CableParams{}, protocol.seg_um,
                                      protocol.dt_ms);
  const models::cable::InhibitionMap reference = models::cable::inhibition_map(cell, protocol);
  const models::DendriticCalibration cal = models::calibrate_dendritic(
      reference, protocol, models::PyramidalDendriticParams::defaults());
  const std::string text = cal.json();
  std::fputs(text.c_str(), stdout);
  if (!args.out.empty()) {
    std::ofstream out(args.out, std::ios::trunc);
    out << text;
    if (!out) throw Error(fmt::format("--out {}: write failed", args.out));
  }
  return 0;
}

}  // namespace spindle::app
