#!/usr/bin/env bash
# Runs every test of duet: each tests/stages/NN-*.sh in order, each installing what it needs.
# Usage: bash tests/run-all.sh [STAGE-NAME-SUBSTRING]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
passed=0; failed=0; failed_names=()
for stage in tests/stages/*.sh; do
  name="$(basename "$stage" .sh)"
  if [ $# -gt 0 ] && [[ "$name" != *"$1"* ]]; then continue; fi
  echo; echo "########## stage $name ##########"
  # Disk is a resource CI has run out of: log what is free and what the build dirs hold.
  echo "disk: $(df -h . | awk 'NR==2 {print $4 " free"}'); target: $(du -sh target 2>/dev/null | cut -f1)"
  start=$(date +%s)
  if bash "$stage"; then
    passed=$((passed + 1)); echo "########## stage $name passed in $(( $(date +%s) - start )) s"
  else
    failed=$((failed + 1)); failed_names+=("$name"); echo "########## stage $name FAILED after $(( $(date +%s) - start )) s"
  fi
done
echo
[ $failed -gt 0 ] && echo "failed stages: ${failed_names[*]}"
echo "stages: $passed passed, $failed failed"
[ $failed -eq 0 ]
