#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds MedLearn and runs the quick-start demo on bundled synthetic data.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
dotnet build src/MedLearn.Cli -c Release 2>&1 | grep -E " error |warning" || true
dotnet src/MedLearn.Cli/bin/Release/net10.0/medlearn.dll doctor
dotnet src/MedLearn.Cli/bin/Release/net10.0/medlearn.dll demo "$@"
