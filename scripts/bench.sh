#!/usr/bin/env bash
# Benchmark: 1,000 specs of three operations each (create table, add column, unique index),
# timed for `mgen sql` and `mgen emit --target goose` (release build, best of 5). Then one spec
# of 20,000 operations on one table (create it, add 19,999 columns): time and peak memory, which
# grew quadratically with the operations on one table before columns were kept persistently.
#
# The reference is Alembic rendering the same chain as offline SQL (`alembic upgrade head --sql`):
# the issue gives about 2.7 s for it on this kind of machine. When the project's .venv has
# Alembic (scripts/setup makes it), the script also measures Alembic itself on this machine, on
# the chain mgen emits as Alembic revisions, and prints that ratio too.
#
#   scripts/bench.sh [COUNT]      # default 1000
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
work="$(mktemp -d)"
shm=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then shm="$(mktemp -d -p /dev/shm)"; fi
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT

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

reference=2.7  # seconds: the issue's figure for alembic upgrade head --sql over the same chain
best=""
time_best_of() { # runs, command... — sets $best to the fastest run in seconds
    local runs="$1"; shift
    local start end took
    best=""
    for _ in $(seq 1 "$runs"); do
        rm -rf "$work/out" ${shm:+"$shm/out"}
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        took=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" -eq 1 ]; then best=$took; fi
    done
}

alembic=""
if [ -x .venv/bin/python ] && .venv/bin/python -c "import alembic" 2>/dev/null; then
    # A minimal Alembic project in offline mode, its versions written by mgen from the same specs.
    project="$work/alembic"
    mkdir -p "$project/migrations/versions"
    cp Tests/IntegrationTests/Fixtures/alembic/migrations/script.py.mako "$project/migrations/"
    printf '[alembic]\nscript_location = %%(here)s/migrations\npath_separator = os\n' > "$project/alembic.ini"
    cat > "$project/migrations/env.py" <<'ENV'
from alembic import context
context.configure(url="postgresql://", literal_binds=True, dialect_opts={"paramstyle": "named"})
with context.begin_transaction():
    context.run_migrations()
ENV
    "$mgen" emit --target alembic --dialect postgresql --out "$project/migrations/versions" "$work/Specs" > /dev/null
    time_best_of 3 .venv/bin/python -m alembic -c "$project/alembic.ini" upgrade head --sql
    alembic=$best
fi

report() { # label — prints $best with its ratios
    local line
    line=$(printf '%-58s %6.3f s  %4.0fx the issue'"'"'s %.1f s' "$1" "$best" "$(echo "$reference / $best" | bc -l)" "$reference")
    if [ -n "$alembic" ]; then
        line+=$(printf ', %4.0fx Alembic measured here' "$(echo "$alembic / $best" | bc -l)")
    fi
    echo "$line"
}

echo "$count specs x 3 operations (release build, best of 5):"
if [ -n "$alembic" ]; then
    printf '%-58s %6.3f s  (best of 3)\n' "alembic upgrade head --sql (Alembic $(.venv/bin/python -c 'import alembic; print(alembic.__version__)'))" "$alembic"
fi
time_best_of 5 "$mgen" --version;                                     report "mgen --version (startup)"
time_best_of 5 "$mgen" sql --up --dialect postgresql "$work/Specs";  report "mgen sql --up (what alembic --sql renders: the ups)"
time_best_of 5 "$mgen" sql --dialect postgresql "$work/Specs";       report "mgen sql (every up and every down)"
time_best_of 5 "$mgen" validate "$work/Specs";                       report "mgen validate"
if [ -n "$shm" ]; then
    time_best_of 5 "$mgen" emit --target goose --dialect postgresql --out "$shm/out" "$work/Specs"
    report "mgen emit --target goose (1,000 files, into tmpfs)"
fi
time_best_of 5 "$mgen" emit --target goose --dialect postgresql --out "$work/out" "$work/Specs"
report "mgen emit --target goose (1,000 files, into $(df --output=fstype "$work" | tail -1 | tr -d ' '))"
# What creating that many files costs on this disk, whoever does it.
mkdir -p "$work/touch"
time_best_of 3 sh -c "cd \"\$(mktemp -d -p '$work/touch')\" && seq -f 'f%g' 1 $count | xargs touch"
printf '%-58s %6.3f s\n' "  for scale: touch creating $count empty files there" "$best"

# 20,000 operations on one table, in one spec (about 2 MB of YAML): this measures how mgen's work
# grows with the operations on one table, which must be linearly. No database takes 20,000
# columns (PostgreSQL stops at 1,600, and `mgen sql` refuses what the dialect refuses), so the
# rendered spec adds 1,499 columns and then changes comments on that 1,500-column table 18,500
# times; the spec of 19,999 add_column steps is what `validate` reports the width of, once.
wide="$work/wide/Specs"
mkdir -p "$wide"
{
    printf 'mgen: 1\nid: "0001"\nname: wide\noperations:\n  - create_table:\n      table: wide\n      columns:\n'
    printf '        - {name: id, type: bigint, identity: true, primary_key: true}\n'
    seq 1 19999 | awk '{ printf "  - add_column:\n      table: wide\n      column: {name: c%d, type: string(100), comment: column %d}\n", $1, $1 }'
} > "$wide/0001_wide.yaml"
legal="$work/legal/Specs"
mkdir -p "$legal"
{
    printf 'mgen: 1\nid: "0001"\nname: wide\noperations:\n  - create_table:\n      table: wide\n      columns:\n'
    printf '        - {name: id, type: bigint, identity: true, primary_key: true}\n'
    seq 1 1499 | awk '{ printf "  - add_column:\n      table: wide\n      column: {name: c%d, type: string(100), comment: column %d}\n", $1, $1 }'
    seq 1 18500 | awk '{ printf "  - alter_column: {table: wide, column: c%d, comment: note %d}\n", ($1 % 1499) + 1, $1 }'
} > "$legal/0001_wide.yaml"
peak() { # label, command... — best time of 3 and the peak resident memory of the last run
    local label="$1"; shift
    time_best_of 3 "$@"
    local rss
    rss=$( { /usr/bin/time -f '%M' "$@" > /dev/null; } 2>&1 | tail -1)
    printf '%-58s %6.3f s  %5.0f MB peak\n' "$label" "$best" "$(echo "$rss / 1024" | bc -l)"
}
echo "one spec of 20,000 operations on one table (release build, best of 3):"
peak "mgen sql --up (20,000 operations on one table)" "$mgen" sql --up --dialect postgresql "$legal"
peak "mgen sql (every up and every down)" "$mgen" sql --dialect postgresql "$legal"
peak "mgen validate --dialect sqlite (the width error, reported once)" sh -c "\"$mgen\" validate --dialect sqlite \"$wide\" 2>/dev/null || true"
