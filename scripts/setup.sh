#!/usr/bin/env bash
# Installs what tensorstark needs on Debian 12: the Debian packages (apt-get) and the npm packages
# pinned in package-lock.json. Idempotent, and quick when everything is already present: apt-get
# runs only for missing packages, npm only when the lockfile changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  g++ cmake make pkg-config
  libtbb-dev libboost-dev libfmt-dev nlohmann-json3-dev libxxhash-dev
  doctest-dev libbenchmark-dev
  libb2-dev  # BLAKE2s reference implementation for the tests
  libonnx-dev libprotobuf-dev  # ONNX import (the frontend)
  libonnx-testdata  # ONNX's backend node tests: the frontend's conformance suite
  python3-onnx python3-numpy  # the frontend's property test and test models (numpy's outputs)
  python3-sklearn  # the classical-ML test's reference (scikit-learn's outputs)
  pybind11-dev python3-dev  # the Python module (make python)
  python3-torch  # the Python example, which trains its model (examples/python)
  python3-torchvision  # ResNet-18 for the memory benchmark (scripts/export_resnet18.py)
  dataset-fashion-mnist zlib1g-dev  # the example models' data (accuracy checks), gzipped
  clang-14   # libFuzzer for `make fuzz` (the proof and model-file parsers)
)
# Node.js runs the npm reference implementations (Poseidon, Cairo compiler); keep a newer one
# if the machine already has it.
command -v node >/dev/null 2>&1 || debian_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || debian_packages+=(npm)

missing=()
for pkg in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ]; then
  stamp=node_modules/.tensorstark-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
fi
