#!/usr/bin/env bash
# One-off migration helper: the static entry class is `torch` (lowercase, like TorchSharp), because a class
# named `Torch` is hidden by the namespace MedLearn.Torch inside every MedLearn.* namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cs' | xargs perl -pi -e 's/(?<![.\w])Torch\.(?=[A-Z])/torch./g; s/\bstatic partial class Torch\b/static partial class torch/g; '
