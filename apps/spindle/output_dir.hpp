// output_dir.hpp: the folder `spindle run` writes into, with the promise of no partial output.
// The folder is created and test-written before the (long) run, so a bad --out fails at once;
// results are written into a staging folder inside it and moved into place together only
// when all of them are complete; and if the run fails, whatever this object created is
// removed again.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace spindle::app {

class OutputDir {
 public:
  /// Creates `path` (and missing parents) if needed and checks that files can be written in it.
  /// Throws spindle::Error naming `option` and the path when it cannot be.
  OutputDir(std::filesystem::path path, std::string option);
  /// Unless commit() succeeded: removes the staging folder and every folder this object
  /// created (a folder that existed before is left as it was).
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  /// Where to write result `name` before commit(): a path inside the staging folder.
  std::filesystem::path staged(const std::string& name);

  /// Moves every staged file into the folder (replacing older files of the same name) and
  /// removes the staging folder.
  void commit();

  /// spindle-out/<YYYYmmdd-HHMMSS> under `base`, with -2, -3, ... appended if that exists
  /// (two runs started in the same second).
  static std::filesystem::path default_path(const std::filesystem::path& base);

 private:
  std::filesystem::path path_;
  std::string option_;
  std::filesystem::path created_root_;  ///< topmost folder we created; empty if none
  std::filesystem::path staging_;
  std::vector<std::string> staged_names_;
  bool committed_ = false;
};

}  // namespace spindle::app
