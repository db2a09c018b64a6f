#!/usr/bin/env python3
"""The `spindle` program's plugin options: one case per invocation.

    test_plugins.py SPINDLE TEMPLATE_PLUGIN TEST_PLUGIN_DIR NOT_A_LIBRARY CASE

TEMPLATE_PLUGIN is plugins/template built in the tree; TEST_PLUGIN_DIR holds the faulty plugins
of bad_plugin.cpp (no_entry.so, other_abi.so, ...) and good.so. Every case runs in a fresh
temporary folder with SPINDLE_PLUGIN_PATH unset unless the case sets it. Exit 0 pass, 1 fail.
Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

USAGE_ERROR = 2


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Env:
    def __init__(self, spindle, template, plugin_dir, not_a_library, cwd):
        self.spindle = spindle
        self.template = Path(template)
        self.plugin_dir = Path(plugin_dir)
        self.not_a_library = Path(not_a_library)
        self.cwd = Path(cwd)

    def run(self, *args, plugin_path=None):
        env = dict(os.environ)
        env.pop("SPINDLE_PLUGIN_PATH", None)
        if plugin_path is not None:
            env["SPINDLE_PLUGIN_PATH"] = plugin_path
        return subprocess.run([self.spindle, *map(str, args)], cwd=self.cwd, env=env,
                              capture_output=True, text=True, timeout=120)

    def ok(self, *args, **kw):
        proc = self.run(*args, **kw)
        check(proc.returncode == 0, f"spindle {' '.join(map(str, args))}: exit status "
                                    f"{proc.returncode}, expected 0\nstderr: {proc.stderr}")
        return proc

    def refused(self, args, *fragments, **kw):
        """The command exits with status 2 and prints one error naming every fragment."""
        proc = self.run(*args, **kw)
        check(proc.returncode == USAGE_ERROR,
              f"spindle {' '.join(map(str, args))}: exit status {proc.returncode}, expected 2\n"
              f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
        for f in fragments:
            check(str(f) in proc.stderr, f"the error does not mention {f!r}:\n{proc.stderr}")
        check(proc.stderr.count("error:") == 1, f"expected one error line:\n{proc.stderr}")
        return proc

    def refused_plugin(self, path, reason):
        self.refused(["models", "--no-default-plugins", "--plugin", path],
                     f"plugin '{path}'", reason)


def model_names(proc):
    j = json.loads(proc.stdout)
    return [m["name"] for m in j["cell_models"]], j


# --- cases -----------------------------------------------------------------------------------

def case_models_lists_plugin(e):
    out = e.ok("models", "--no-default-plugins", "--plugin", e.template).stdout
    check("lif_adaptive_threshold  [plugin " + str(e.template.resolve()) + "]" in out,
          f"the plugin's model and origin are not listed:\n{out}")
    for needed in ("lif_exp  [built-in]", "delta_theta", "tau_theta", "theta", "Plugins:"):
        check(needed in out, f"'{needed}' missing from the listing")


def case_models_json(e):
    names, j = model_names(e.ok("models", "--json", "--no-default-plugins", "--plugin",
                                e.template))
    check("lif_adaptive_threshold" in names and "lif_exp" in names, f"models: {names}")
    m = next(m for m in j["cell_models"] if m["name"] == "lif_adaptive_threshold")
    check(m["origin"] == str(e.template.resolve()), f"origin {m['origin']}")
    p = {p["name"]: p for p in m["parameters"]}
    check(p["tau_theta"]["unit"] == "ms" and p["tau_theta"]["default"] == 100.0
          and p["tau_theta"]["min"] == 0.0 and p["tau_theta"]["min_inclusive"] is False
          and p["tau_theta"]["max"] is None, f"tau_theta: {p['tau_theta']}")
    check([r["name"] for r in m["receptors"]] == ["exc", "inh"], "receptors")
    check([v["name"] for v in m["state"]] == ["V_m", "theta"], "state variables")
    check(j["plugins"][0]["cell_models"] == ["lif_adaptive_threshold"], f"plugins: {j['plugins']}")
    builtin = next(m for m in j["cell_models"] if m["name"] == "lif_exp")
    check(builtin["origin"] == "built-in", "lif_exp is not built-in")


def case_models_by_name(e):
    names, _ = model_names(e.ok("models", "--json", "--no-default-plugins", "--plugin",
                                e.template, "lif_adaptive_threshold", "lif_exp"))
    check(names == ["lif_adaptive_threshold", "lif_exp"], f"models: {names}")


def case_plugin_path_folder(e):
    folder = e.cwd / "folder"
    folder.mkdir()
    shutil.copy(e.template, folder / "a.so")
    shutil.copy(e.plugin_dir / "good.so", folder / "b.so")
    (folder / "README.txt").write_text("not a plugin\n")
    (e.cwd / "empty").mkdir()
    names, j = model_names(e.ok("models", "--json", plugin_path=f"{e.cwd / 'empty'}:{folder}:"))
    check("lif_adaptive_threshold" in names and "silent" in names, f"models: {names}")
    check([Path(p["path"]).name for p in j["plugins"]][-2:] == ["a.so", "b.so"],
          f"plugins not loaded in name order: {j['plugins']}")
    # good.so adds one model of each kind.
    b = str((folder / "b.so").resolve())
    check([m["origin"] for m in j["synapse_models"] if m["name"] == "pass_through"] == [b],
          f"synapse model of the plugin: {j['synapse_models']}")
    t = [t for t in j["cell_types"] if t["name"] == "slow_lif"]
    check(t and t[0]["origin"] == b and t[0]["model"] == "lif_exp"
          and t[0]["parameters"] == [{"name": "tau_m", "value": 30.0, "unit": "ms"}],
          f"cell type of the plugin: {t}")


def case_plugin_path_missing_folder(e):
    missing = e.cwd / "missing"
    e.refused(["models"], "SPINDLE_PLUGIN_PATH", f"plugin folder '{missing}' does not exist",
              plugin_path=str(missing))


def case_no_default_plugins(e):
    folder = e.cwd / "folder"
    folder.mkdir()
    shutil.copy(e.template, folder / "a.so")
    names, _ = model_names(e.ok("models", "--json", "--no-default-plugins",
                                plugin_path=f"{folder}:{e.cwd / 'missing'}"))
    check("lif_adaptive_threshold" not in names, "--no-default-plugins loaded SPINDLE_PLUGIN_PATH")


def case_same_file_twice(e):
    folder = e.cwd / "folder"
    folder.mkdir()
    shutil.copy(e.template, folder / "a.so")
    _, j = model_names(e.ok("models", "--json", "--plugin", folder / "a.so", "--plugin",
                            folder / "a.so", plugin_path=str(folder)))
    check(len(j["plugins"]) == 1, f"one file loaded more than once: {j['plugins']}")


def case_two_copies(e):
    shutil.copy(e.template, e.cwd / "copy.so")
    e.refused(["models", "--no-default-plugins", "--plugin", e.template, "--plugin",
               e.cwd / "copy.so"], f"plugin '{e.cwd / 'copy.so'}'", "already taken",
              "lif_adaptive_threshold", str(e.template.resolve()))


def case_missing_file(e):
    e.refused_plugin(e.cwd / "missing.so", "the file does not exist")


def case_not_a_directory(e):
    e.refused_plugin(e.plugin_dir, "it is not a file")


def case_not_a_library(e):
    e.refused_plugin(e.not_a_library, "not a loadable library")


def case_no_entry(e):
    e.refused_plugin(e.plugin_dir / "no_entry.so", "no entry point 'spindle_plugin_entry'")


def case_other_abi(e):
    e.refused_plugin(e.plugin_dir / "other_abi.so",
                     "built for plugin ABI version 2, this program needs version 1")


def case_other_layout(e):
    e.refused_plugin(e.plugin_dir / "other_layout.so", "built against other Spindle headers")


def case_duplicate_name(e):
    e.refused_plugin(e.plugin_dir / "duplicate_name.so",
                     "cell model name 'lif_exp' from "
                     + os.path.realpath(e.plugin_dir / "duplicate_name.so"))


def case_wrong_origin(e):
    e.refused_plugin(e.plugin_dir / "wrong_origin.so", "gives its origin as 'built-in'")


def case_throws(e):
    e.refused_plugin(e.plugin_dir / "throws.so", "the plugin's own failure")


def case_run_refuses_plugin(e):
    bad = e.plugin_dir / "other_abi.so"
    e.refused(["run", "--duration", "1", "--out", "out", "--plugin", bad], f"plugin '{bad}'",
              "ABI version")
    check(os.listdir(e.cwd) == [], f"a refused plugin left files: {os.listdir(e.cwd)}")
    # A good plugin is accepted; the built-in networks do not use its model.
    e.ok("run", "--duration", "20", "--quiet", "--out", "out", "--no-default-plugins",
         "--plugin", e.template)


def case_bench_refuses_plugin(e):
    e.refused(["bench", "delta", "--duration", "1", "--plugin", e.cwd / "missing.so"],
              "does not exist")


def case_unknown_model(e):
    e.refused(["models", "--no-default-plugins", "no_such_model"], "no model 'no_such_model'",
              "lif_exp")


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 1
    spindle, template, plugin_dir, not_a_library, case = argv[1:]
    fn = globals().get("case_" + case)
    if fn is None:
        print(f"unknown case '{case}'", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="spindle-plugin-cli-") as cwd:
        try:
            fn(Env(os.path.abspath(spindle), os.path.abspath(template),
                   os.path.abspath(plugin_dir), os.path.abspath(not_a_library), cwd))
        except Failure as f:
            print(f"FAIL {case}: {f}", file=sys.stderr)
            return 1
    print(f"ok {case}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
