"""pip install ./python: the tensorstark package, its native part (_tensorstark) built with the
repository's CMake for the Python that runs pip. Needs CMake, a C++20 compiler and the libraries
scripts/setup.sh installs (Debian: TBB, fmt, nlohmann-json, libonnx, protobuf, pybind11-dev) and
the Python's headers; offline, pass --no-build-isolation (setuptools is then the one installed).
The CMake build folder, python/build/cmake, is kept: a second install rebuilds what changed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = HERE / "build" / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        if shutil.which("cmake") is None:
            sys.exit("tensorstark: building the native part needs CMake (apt-get install cmake)")
        configure = subprocess.run(
            ["cmake", "-S", str(ROOT), "-B", str(build), "-DBUILD_TESTING=OFF",
             f"-DPython_EXECUTABLE={sys.executable}"], capture_output=True, text=True)
        if configure.returncode != 0:
            sys.exit("tensorstark: CMake could not configure the build:\n" + configure.stdout +
                     configure.stderr)
        if "Python module: not built" in configure.stdout:
            sys.exit(f"tensorstark: pybind11 or the headers of {sys.executable} are missing "
                     "(Debian: apt-get install pybind11-dev python3-dev)")
        subprocess.run(["cmake", "--build", str(build), "--target", "_tensorstark", "-j",
                        str(os.cpu_count() or 1)], check=True)
        built = next((build / "python" / "tensorstark").glob("_tensorstark*.so"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("tensorstark._tensorstark", sources=[])],
      cmdclass={"build_ext": CMakeBuild})
