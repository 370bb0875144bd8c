#!/usr/bin/env bash
# Files describe the software as it is: no references to how or when the work was done (work
# sessions, tracker issue numbers). Fails listing the offending lines of tracked text files.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern="session [0-9]|session-[0-9]|this session([^'’]|$)|issue [0-9]|issue #[0-9]|\(issue[ #0-9]"
# Lock files and fuzz corpora are data, not prose; grep -I skips binary fixtures; this file
# holds the patterns.
hits=$(git ls-files -z -- . ':!:*Cargo.lock' ':!:core/fuzz/corpus/**' ':!:tests/no-history-words.sh' \
  | xargs -0 grep -nIiE "$pattern" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
  echo "$hits"
  echo "FAIL: the lines above talk about the development history, not the software" >&2
  exit 1
fi
echo "no development-history words in tracked files"
