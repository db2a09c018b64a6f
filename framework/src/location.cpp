#include "spindle/location.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle {

double Morphology::start_um(std::size_t b) const {
  double d = 0;
  for (int p = branches.at(b).parent; p >= 0; p = branches[static_cast<std::size_t>(p)].parent)
    d += branches[static_cast<std::size_t>(p)].length_um;
  return d;
}

int Morphology::branch_index(const std::string& name) const noexcept {
  for (std::size_t b = 0; b < branches.size(); ++b)
    if (branches[b].name == name) return static_cast<int>(b);
  return -1;
}

std::vector<std::string> Morphology::regions() const {
  std::vector<std::string> out;
  for (const auto& br : branches)
    if (std::find(out.begin(), out.end(), br.region) == out.end()) out.push_back(br.region);
  return out;
}

void Morphology::check(const std::string& context) const {
  std::set<std::string> names;
  if (branches.size() > 65533)
    throw Error(
        fmt::format("{}: {} branches; at most 65533 are allowed", context, branches.size()));
  for (std::size_t b = 0; b < branches.size(); ++b) {
    const auto& br = branches[b];
    if (!names.insert(br.name).second)
      throw Error(fmt::format("{}: branch name '{}' is used twice", context, br.name));
    if (br.parent >= static_cast<int>(b) || br.parent < -1)
      throw Error(
          fmt::format("{}: branch '{}' has parent {}; parents must be listed before "
                      "their children (-1: the soma)",
                      context, br.name, br.parent));
    if (!(br.length_um > 0) || !(br.diameter_um > 0))
      throw Error(
          fmt::format("{}: branch '{}' has length {} um and diameter {} um; both must be > 0",
                      context, br.name, br.length_um, br.diameter_um));
  }
}

std::string LocationSpec::describe() const {
  switch (kind) {
    case Kind::soma:
      return "soma";
    case Kind::axon_initial_segment:
      return "axon_initial_segment";
    case Kind::dendrite:
      return fmt::format("dendrite({}, {} um)", branch, distance_um);
    case Kind::region:
      return fmt::format("region({}, {}-{} um)", region, from_um, to_um);
    case Kind::region_distance:
      return fmt::format("region_distance({}, {})", region, distance.dist.describe());
  }
  return "?";
}

namespace locate {
LocationSpec soma() {
  return {};
}
LocationSpec axon_initial_segment() {
  LocationSpec l;
  l.kind = LocationSpec::Kind::axon_initial_segment;
  return l;
}
LocationSpec dendrite(std::string branch, Micrometres distance) {
  LocationSpec l;
  l.kind = LocationSpec::Kind::dendrite;
  l.branch = std::move(branch);
  l.distance_um = distance.value();
  return l;
}
LocationSpec region(std::string region, Micrometres from, Micrometres to) {
  LocationSpec l;
  l.kind = LocationSpec::Kind::region;
  l.region = std::move(region);
  l.from_um = from.value();
  l.to_um = to.value();
  return l;
}
LocationSpec region_distance(std::string region, ValueSpec distance) {
  LocationSpec l;
  l.kind = LocationSpec::Kind::region_distance;
  l.region = std::move(region);
  l.distance = std::move(distance);
  return l;
}
}  // namespace locate

}  // namespace spindle
