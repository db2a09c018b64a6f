#!/usr/bin/env python3
"""Install Spindle from the build tree into a temporary prefix, then build plugins/template and
tests/integration/host out of tree with find_package(Spindle) against that prefix, load the
plugin with the installed `spindle` and simulate it with the host. Offline; touches nothing
outside a temporary folder (never /usr/local).

    test_install.py --cmake CMAKE --build-dir DIR --source-dir DIR --libdir LIBDIR --cxx CXX
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Failure(Exception):
    pass


def run(cmd, env=None, cwd=None):
    t = time.monotonic()
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=240)
    print(f"[{time.monotonic() - t:5.1f} s] {' '.join(map(str, cmd))}")
    if proc.returncode != 0:
        raise Failure(f"exit status {proc.returncode}\nstdout:\n{proc.stdout[-4000:]}\n"
                      f"stderr:\n{proc.stderr[-4000:]}")
    return proc


def check(cond, message):
    if not cond:
        raise Failure(message)


def test(a, tmp):
    prefix = tmp / "prefix"
    run([a.cmake, "--install", a.build_dir, "--prefix", prefix])
    for f in ["bin/spindle", "include/spindle/plugin.hpp", "include/spindle/model_registry.hpp",
              "include/spindle/models/exp_sum_roots.hpp", f"{a.libdir}/libspindle_framework.a",
              f"{a.libdir}/libspindle_models.a", f"{a.libdir}/cmake/Spindle/SpindleConfig.cmake",
              f"{a.libdir}/cmake/Spindle/SpindleConfigVersion.cmake",
              f"{a.libdir}/cmake/Spindle/SpindleTargets.cmake",
              f"{a.libdir}/cmake/Spindle/SpindleAddPlugin.cmake"]:
        check((prefix / f).is_file(), f"not installed: {f}")

    # Only the temporary prefix is visible to find_package.
    env = {k: v for k, v in os.environ.items()
           if k not in ("CMAKE_PREFIX_PATH", "Spindle_DIR", "SPINDLE_PLUGIN_PATH")}
    configure = [a.cmake, "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_CXX_COMPILER={a.cxx}",
                 f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"]
    plugin_build = tmp / "template-build"
    run(configure + ["-S", a.source_dir / "plugins" / "template", "-B", plugin_build], env)
    run([a.cmake, "--build", plugin_build, "-j", "2"], env)
    plugin = (plugin_build / "lif_adaptive_threshold.so").resolve()
    check(plugin.is_file(), f"the template did not build {plugin}")

    spindle = prefix / "bin" / "spindle"
    out = run([spindle, "models", "--json", "--no-default-plugins", "--plugin", plugin], env)
    j = json.loads(out.stdout)
    m = [m for m in j["cell_models"] if m["name"] == "lif_adaptive_threshold"]
    check(m and m[0]["origin"] == str(plugin), f"installed spindle does not list the plugin: {j}")
    env_path = dict(env, SPINDLE_PLUGIN_PATH=str(plugin_build))
    out = run([spindle, "models", "lif_adaptive_threshold"], env_path)
    check(f"[plugin {plugin}]" in out.stdout, f"SPINDLE_PLUGIN_PATH not used:\n{out.stdout}")
    run([spindle, "run", "--duration", "50", "--quiet", "--out", tmp / "run", "--plugin", plugin],
        env)

    host_build = tmp / "host-build"
    run(configure + ["-S", Path(__file__).parent / "host", "-B", host_build], env)
    run([a.cmake, "--build", host_build, "-j", "2"], env)
    out = run([host_build / "plugin_host", plugin], env)
    print(out.stdout.strip())


def main():
    p = argparse.ArgumentParser()
    for opt in ("--cmake", "--build-dir", "--source-dir", "--libdir", "--cxx"):
        p.add_argument(opt, required=True)
    a = p.parse_args()
    a.build_dir, a.source_dir = Path(a.build_dir), Path(a.source_dir)
    t = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="spindle-install-test-"))
    try:
        test(a, tmp)
    except Failure as f:
        print(f"FAIL: {f}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok in {time.monotonic() - t:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
