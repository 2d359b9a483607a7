#!/usr/bin/env bash
# Times `mgen verify` on a generated 200-migration chain (each: create table + add column + index):
# on in-memory SQLite always, on PostgreSQL / MariaDB when MGEN_TEST_PG_URL / MGEN_TEST_MYSQL_URL
# are set (eval "$(scripts/dbs.sh start)" first).
#
#   scripts/bench-verify.sh [COUNT]          # COUNT migrations, default 200
#
# MGEN_BIN: the mgen binary to time (default: a release build in .build-verify, built if needed).
# MGEN_SEED_ROWS: also pass --seed-rows N (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${1:-200}"
SEED="${MGEN_SEED_ROWS:-0}"
if [ -z "${MGEN_BIN:-}" ]; then
    echo "bench-verify: building mgen (release)" >&2
    swift build -c release --scratch-path .build-verify --product mgen >&2
    MGEN_BIN=".build-verify/release/mgen"
fi

SPECS="$(mktemp -d "${TMPDIR:-/tmp}/mgen-bench-verify.XXXXXX")"
trap 'rm -rf "$SPECS"' EXIT
for i in $(seq 1 "$COUNT"); do
    id=$(printf "%04d" "$i")
    cat >"$SPECS/${id}_table_$i.yaml" <<EOF
mgen: 1
id: "$id"
name: table_$i
operations:
  - create_table:
      table: t_$i
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: string(100), nullable: false}
  - add_column: {table: t_$i, column: {name: extra, type: integer}}
  - create_index: {name: t_${i}_extra_idx, table: t_$i, columns: [extra]}
EOF
done

run() {
    local label="$1" url="$2" start end out
    start=$(date +%s.%N)
    if ! out=$("$MGEN_BIN" verify --db "$url" --seed-rows "$SEED" "$SPECS" 2>&1); then
        echo "$out" | tail -n 20 >&2
        echo "bench-verify: $label FAILED" >&2
        return 1
    fi
    end=$(date +%s.%N)
    printf '%-10s %4d migrations  %6.2f s wall   (%s)\n' "$label" "$COUNT" "$(echo "$end - $start" | bc)" \
        "$(echo "$out" | tail -n 1 | sed 's/^verify: //')"
}

run sqlite "sqlite::memory:"
if [ -n "${MGEN_TEST_PG_URL:-}" ]; then run postgresql "$MGEN_TEST_PG_URL"; else echo "postgresql: skipped (MGEN_TEST_PG_URL not set)"; fi
if [ -n "${MGEN_TEST_MYSQL_URL:-}" ]; then run mysql "$MGEN_TEST_MYSQL_URL"; else echo "mysql:      skipped (MGEN_TEST_MYSQL_URL not set)"; fi
