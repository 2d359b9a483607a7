#!/usr/bin/env bash
# Benchmark: 1,000 specs of three operations each (create table, add column, unique index),
# timed for `mgen emit --target goose` and `mgen sql` (release build).
# For scale: Alembic 1.20 renders the same 1,000-revision chain offline (`alembic upgrade head
# --sql`) in about 2.7 s on this kind of machine.
#
#   scripts/bench.sh [COUNT]      # default 1000
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The Swift runtime linked in statically: no shared libraries to load at every start.
swift build -c release --product mgen --static-swift-stdlib --scratch-path .build-release-static >&2
mgen="$(swift build -c release --static-swift-stdlib --scratch-path .build-release-static --show-bin-path)/mgen"

mkdir -p "$work/Specs"
for i in $(seq 1 "$count"); do
    n=$(printf '%05d' "$i")
    cat > "$work/Specs/${n}_table_${i}.yaml" <<SPEC
mgen: 1
id: "$n"
name: table_$i
created: 2025-01-01T00:00:00Z
operations:
  - create_table:
      table: t$i
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: string(100), nullable: false}
  - add_column:
      table: t$i
      column: {name: email, type: string(255)}
  - create_index:
      table: t$i
      columns: [email]
      unique: true
SPEC
done

alembic=2.7  # seconds: alembic upgrade head --sql over the same chain (the issue's reference)
measure() { # label, command... — the best of 5 runs, and the ratio to Alembic
    local label="$1"; shift
    local best="" start end took
    for _ in 1 2 3 4 5; do
        rm -rf "$work/out"
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        took=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" -eq 1 ]; then best=$took; fi
    done
    printf '%-52s %6.3f s  (%.0fx faster than Alembic'"'"'s %.1f s)\n' "$label" "$best" "$(echo "$alembic / $best" | bc -l)" "$alembic"
}

echo "$count specs x 3 operations (release build, best of 5):"
measure "mgen --version (startup)" "$mgen" --version
measure "mgen sql --dialect postgresql" "$mgen" sql --dialect postgresql "$work/Specs"
measure "mgen emit --target goose (writes $count files)" "$mgen" emit --target goose --dialect postgresql --out "$work/out" "$work/Specs"
measure "mgen validate" "$mgen" validate "$work/Specs"
