// Geometry, the CA1-like reference tree and its discretisation (see cable_tree.hpp).
#include "spindle/models/cable/cable_tree.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include <fmt/format.h>

#include "spindle/error.hpp"

namespace spindle::models::cable {

double CellGeometry::start_um(std::size_t branch) const {
  double d = 0.0;
  for (int p = branches.at(branch).parent; p >= 0; p = branches[static_cast<std::size_t>(p)].parent)
    d += branches[static_cast<std::size_t>(p)].length_um;
  return d;
}

std::size_t CellGeometry::branch_index(const std::string& name) const {
  std::string known;
  for (std::size_t b = 0; b < branches.size(); ++b) {
    if (branches[b].name == name) return b;
    known += (b ? ", " : "") + branches[b].name;
  }
  throw Error(fmt::format("unknown dendritic branch '{}'; the cell has: {}", name, known));
}

void CellGeometry::validate() const {
  if (!(soma_length_um > 0 && soma_diameter_um > 0))
    throw Error(fmt::format("soma length and diameter must be > 0 um (got {} and {})",
                            soma_length_um, soma_diameter_um));
  std::set<std::string> names;
  for (std::size_t b = 0; b < branches.size(); ++b) {
    const auto& br = branches[b];
    if (!names.insert(br.name).second)
      throw Error(fmt::format("branch name '{}' used twice", br.name));
    if (br.parent >= static_cast<int>(b))
      throw Error(fmt::format("branch '{}' (index {}) lists its parent {} after itself", br.name, b,
                              br.parent));
    if (!(br.length_um > 0 && br.diameter_um > 0))
      throw Error(fmt::format("branch '{}': length and diameter must be > 0 um (got {} and {})",
                              br.name, br.length_um, br.diameter_um));
  }
}

CellGeometry ca1_pyramidal_geometry(double diameter_scale) {
  if (!(diameter_scale > 0))
    throw Error(fmt::format("diameter_scale must be > 0 (got {})", diameter_scale));
  CellGeometry g;
  const double k = diameter_scale;
  auto add = [&](std::string name, int parent, double length, double diameter, std::string region) {
    g.branches.push_back({std::move(name), parent, length, diameter * k, std::move(region)});
    return static_cast<int>(g.branches.size()) - 1;
  };
  // Apical trunk: six 75 um sections tapering 2.2 -> 1.1 um (the thin end of CA1 trunk
  // diameters; see docs/dendritic-inhibition.md), two obliques at each of four branch points.
  const double trunk_d[] = {2.2, 2.0, 1.7, 1.5, 1.3, 1.1};
  int prev = -1;
  for (int s = 0; s < 6; ++s) {
    const int cur =
        add(fmt::format("{}{}", apical_trunk_prefix, s), prev, 75.0, trunk_d[s], "apical");
    if (s >= 1 && s <= 4) {
      add(fmt::format("oblique_{}", 2 * s - 2), prev, 150.0, 0.8, "apical");
      add(fmt::format("oblique_{}", 2 * s - 1), prev, 150.0, 0.8, "apical");
    }
    prev = cur;
  }
  for (int b = 0; b < 3; ++b)
    add(fmt::format("tuft_{}", b), prev, 200.0, 1.0, "tuft");
  for (int b = 0; b < 8; ++b)
    add(fmt::format("basal_{}", b), -1, 200.0, 1.0, "basal");
  g.validate();
  return g;
}

CellGeometry electrotonically_scaled(const CellGeometry& geometry, double k) {
  if (!(k > 0)) throw Error(fmt::format("electrotonic scale must be > 0 (got {})", k));
  CellGeometry g = geometry;
  const double stretch = std::sqrt(k), soma = std::pow(k, 0.75);
  g.soma_length_um *= soma;
  g.soma_diameter_um *= soma;
  for (auto& b : g.branches) {
    b.diameter_um *= k;
    b.length_um *= stretch;
  }
  g.validate();
  return g;
}

CableTree::CableTree(const CellGeometry& geometry, double max_segment_um, double Ra_ohm_cm)
    : geometry_(geometry) {
  geometry_.validate();
  if (!(max_segment_um > 0))
    throw Error(fmt::format("segment length must be > 0 um (got {})", max_segment_um));
  const double pi = std::numbers::pi;
  // Axial resistance of a cylinder [MOhm]: Ra L / (pi r^2), Ra in Ohm cm, lengths in um.
  auto resistance_MOhm = [&](double length_um, double diameter_um) {
    const double r_cm = diameter_um * 0.5e-4;
    return Ra_ohm_cm * length_um * 1e-4 / (pi * r_cm * r_cm) * 1e-6;
  };
  parent_ = {0};
  area_um2_ = {pi * geometry_.soma_diameter_um * geometry_.soma_length_um};
  diameter_um_ = {geometry_.soma_diameter_um};
  distance_um_ = {0.0};
  axial_uS_ = {0.0};
  branch_of_ = {-1};
  // The soma is isopotential: branches attach to its node with their own half segment only.
  // Where a branch has children, a zero-area node sits at its distal end (as in NEURON) so that
  // parent and children meet at one point; that keeps the scheme second order at branch points
  // (linking a child's centre straight to the parent's last centre would count the parent's
  // half segment once per child).
  std::vector<double> half_R = {0.0};
  junction_.assign(geometry_.branches.size(), 0);
  for (std::size_t b = 0; b < geometry_.branches.size(); ++b) {
    const auto& br = geometry_.branches[b];
    const auto n = static_cast<std::size_t>(std::ceil(br.length_um / max_segment_um - 1e-9));
    const double dx = br.length_um / static_cast<double>(n);
    const double start = geometry_.start_um(b);
    const double hr = resistance_MOhm(dx / 2, br.diameter_um);
    first_.push_back(parent_.size());
    count_.push_back(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t p =
          k > 0 ? parent_.size() - 1
                : (br.parent < 0 ? 0 : junction_[static_cast<std::size_t>(br.parent)]);
      parent_.push_back(p);
      area_um2_.push_back(pi * br.diameter_um * dx);
      diameter_um_.push_back(br.diameter_um);
      distance_um_.push_back(start + (static_cast<double>(k) + 0.5) * dx);
      axial_uS_.push_back(1.0 / (k > 0 ? 2 * hr : hr));
      branch_of_.push_back(static_cast<int>(b));
      half_R.push_back(hr);
    }
    bool has_children = false;
    for (const auto& c : geometry_.branches)
      has_children = has_children || c.parent == static_cast<int>(b);
    if (has_children) {
      junction_[b] = parent_.size();
      parent_.push_back(parent_.size() - 1);
      area_um2_.push_back(0.0);
      diameter_um_.push_back(br.diameter_um);
      distance_um_.push_back(start + br.length_um);
      axial_uS_.push_back(1.0 / hr);
      branch_of_.push_back(static_cast<int>(b));
      half_R.push_back(0.0);
    }
  }
}

TreePoint CableTree::locate(std::size_t branch, double distance_um) const {
  const auto& br = geometry_.branches.at(branch);
  const double start = geometry_.start_um(branch);
  const double x = distance_um - start;
  if (!(x >= -1e-9 && x <= br.length_um + 1e-9))
    throw Error(
        fmt::format("distance {} um is not on branch '{}', which spans {} to {} um from the soma",
                    distance_um, br.name, start, start + br.length_um));
  const std::size_t first = first_[branch], n = count_[branch], last = first + n - 1;
  auto between = [&](std::size_t a, std::size_t b) {
    const double span = distance_um_[b] - distance_um_[a];
    return TreePoint{a, b,
                     span > 0 ? std::clamp((distance_um - distance_um_[a]) / span, 0.0, 1.0) : 0.0};
  };
  if (distance_um <= distance_um_[first]) return between(parent_[first], first);
  if (distance_um >= distance_um_[last])
    return junction_[branch] ? between(last, junction_[branch]) : TreePoint{last, last, 0.0};
  const double dx = br.length_um / static_cast<double>(n);
  auto k = static_cast<std::size_t>(std::floor(x / dx - 0.5));
  k = std::min(k, n - 2);
  return between(first + k, first + k + 1);
}

TreePoint CableTree::locate_on_trunk(double distance_um) const {
  if (distance_um <= 0) return {0, 0, 0.0};
  for (std::size_t b = 0; b < geometry_.branches.size(); ++b) {
    if (geometry_.branches[b].name.rfind(apical_trunk_prefix, 0) != 0) continue;
    const double start = geometry_.start_um(b);
    if (distance_um >= start && distance_um <= start + geometry_.branches[b].length_um)
      return locate(b, distance_um);
  }
  throw Error(fmt::format("distance {} um lies beyond the apical trunk", distance_um));
}

}  // namespace spindle::models::cable
