#!/usr/bin/env bash
# Installs what MedLearn needs on a fresh Debian 12 machine (idempotent; skips what is already there):
#   libtorch-dev          the engine (libtorch 1.13, CPU, oneDNN) + headers for the native shim
#   libopenblas0-openmp   fast BLAS for libtorch's matmul/linear (Debian's default reference BLAS is ~30x slower)
#   cmake g++             to build the shim
#   libopencv-dev libgdcm-dev           image (PNG/JPEG/BMP/TIFF) and DICOM decoding in the shim
#   libjpeg62-turbo-dev                 direct JPEG decoding (RGB into tensors, region / DCT-scaled) in the shim
#   libpng-dev                          direct PNG decoding (warnings to callbacks, not stderr) in the shim
#   libgloo-dev                         Gloo headers for libtorch's c10d process groups (distributed training)
#   python3-tifffile                    oracle for TIFF files in the reader regressions (tools/golden)
#   python3-torch python3-torchvision   the PyTorch oracle used by golden-file scripts and round-trip tests
#   python3-pydicom python3-nibabel python3-skimage   oracles and their real test files (DICOM, NIfTI, retina.jpg)
#   python3-sklearn       oracle for the classification metrics' golden values
#   python3-scipy         oracle for the segmentation metrics and distance transforms (scipy.ndimage)
#   python3-protobuf      independent decoder of our TensorBoard event files in tests
#   python3-onnx          independent validator (onnx.checker) of exported ONNX files (tools/onnx/check_onnx.py)
#   chromium              headless rendering test of report.html; the serve viewer's Playwright test (never downloads a browser)
set -euo pipefail
packages=(libtorch-dev libopenblas0-openmp cmake g++ libopencv-dev libgdcm-dev libjpeg62-turbo-dev libpng-dev libgloo-dev python3-tifffile
          python3-torch python3-torchvision python3-pydicom python3-nibabel python3-skimage
          python3-sklearn python3-scipy python3-protobuf python3-onnx chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || {
    echo "setup: the .NET 10 SDK is required (dotnet not on PATH). Install it, e.g.:" >&2
    echo "  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 && export PATH=\"\$HOME/.dotnet:\$PATH\"" >&2
    echo "  (or apt-get install dotnet-sdk-10.0 from Microsoft's package feed; see README.md, Quick start)" >&2
    exit 1
}
