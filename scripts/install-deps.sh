#!/usr/bin/env bash
# Installs the Debian 12 packages longrl needs, and only those missing (idempotent).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # core/
  libsqlite3-dev libspdlog-dev nlohmann-json3-dev libzstd-dev libcpp-httplib-dev
  # trainer/ and kernels/: LibTorch (CPU) with OpenBLAS instead of the reference BLAS, Gloo for c10d
  libtorch-dev libopenblas0-pthread libgloo-dev
  # longrl-studio and the tests
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev qt6-pdf-dev libgl-dev xvfb xauth
  # reference computations in tests (Debian's torch 1.13, /usr/bin/python3), the tokenizer reference,
  # /usr/bin/torchrun (TestTorchrun) and the independent reader of exported TensorBoard event files
  python3-torch python3-jinja2 python3-protobuf
  # the launcher test drives a real sshd on 127.0.0.1
  openssh-server openssh-client
  # the package test validates the .desktop entry
  desktop-file-utils
  # scripts/check-format.sh (a CTest test)
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The tokenizer parity test runs the JavaScript reference with node and npm. Machines of this kind
# ship Node.js (with its own npm) outside Debian; Debian's npm would conflict with it, so the
# Debian packages are installed only when there is no node/npm at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# LibTorch links libblas.so.3: it must resolve to OpenBLAS (the reference BLAS is ~30x slower).
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
case "$blas" in
  *openblas*) ;;
  *) echo "install-deps: warning: libblas.so.3 -> $blas is not OpenBLAS; run: update-alternatives --config libblas.so.3-x86_64-linux-gnu" >&2 ;;
esac
