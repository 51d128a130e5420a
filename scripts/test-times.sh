#!/usr/bin/env bash
# Per-file test times: runs each compiled test file alone (after `npm run build`) and prints
# CPU seconds (user+sys, children included), wall seconds and the result, longest CPU first.
#   scripts/test-times.sh                     # every dist/test/**/*.test.js
#   scripts/test-times.sh dist/test/a.test.js dist/test/b.test.js
#   JOBS=2 scripts/test-times.sh              # two files at a time (as npm test runs them)
# CPU time is the figure to compare on a shared machine; wall time depends on its load. It misses
# processes that outlive their parent (Chromium's, scoring processes of a killed server): their
# parent's parent never waits for them. Process accounting (apt-get install acct; accton FILE;
# dump-acct FILE) counts those too.
# Set CI=true and DATAPERF_TEST_PG_URL (scripts/test-postgres.sh start) so nothing skips.
set -uo pipefail
cd "$(dirname "$0")/.."
# as npm test runs them (scripts/run-tests.mjs): without the extra CA certificates' start-up cost
unset NODE_EXTRA_CA_CERTS
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(node scripts/run-tests.mjs --list)
out=$(mktemp)
one() {
  local f=$1 t rc u s e
  t=$(mktemp)
  /usr/bin/time -o "$t" -f '%U %S %e' node --test "$f" >/dev/null 2>&1
  rc=$?
  read -r u s e < <(tail -1 "$t")
  printf '%7.1f %7.1f  %s  %s\n' "$(echo "$u + $s" | bc)" "$e" "$([ $rc = 0 ] && echo ok || echo FAIL)" "$f" | tee -a "$out" >&2
  rm -f "$t"
}
for f in "${files[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-1}" ]; do wait -n; done
  one "$f" &
done
wait
echo "    cpu    wall  result file"
sort -rn "$out"
awk '{c+=$1; w+=$2} END {printf "%7.1f %7.1f  total (%d files)\n", c, w, NR}' "$out"
rm -f "$out"
