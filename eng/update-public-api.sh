#!/usr/bin/env bash
# Records public API changes of every package in its PublicAPI.Unshipped.txt (the build fails until they are recorded).
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  if grep -q 'PublicApiAnalyzers' "$project"; then
    dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity warn
  fi
done
