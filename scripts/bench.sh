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

swift build -c release --product mgen >&2
mgen="$(swift build -c release --show-bin-path)/mgen"

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

measure() { # label, command...
    local label="$1"; shift
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    echo "$label: $(echo "$end - $start" | bc) s"
}

echo "mgen startup (--version):"
measure "  mgen --version" "$mgen" --version
echo "$count specs x 3 operations:"
measure "  mgen emit --target goose --dialect postgresql" "$mgen" emit --target goose --dialect postgresql --out "$work/goose" "$work/Specs"
rm -rf "$work/goose"
measure "  mgen sql --dialect postgresql" "$mgen" sql --dialect postgresql "$work/Specs"
measure "  mgen validate" "$mgen" validate "$work/Specs"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 5 --prepare "rm -rf $work/goose" \
        "$mgen emit --target goose --dialect postgresql --out $work/goose $work/Specs" \
        "$mgen sql --dialect postgresql $work/Specs"
fi
