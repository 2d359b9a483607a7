#!/usr/bin/env bash
# `mgen verify` beside what a user would run instead: Alembic's own bare
# `upgrade head; downgrade base; upgrade head` of the same chain, on PostgreSQL and MariaDB.
#
#   scripts/bench-verify.sh [COUNT | SPECS_DIR]   # a generated chain of COUNT migrations (default
#                                                 # 200: create table + add column + index each),
#                                                 # or the specs in SPECS_DIR
#
# Servers: MGEN_TEST_PG_URL / MGEN_TEST_MYSQL_URL (eval "$(scripts/dbs.sh start)" sets them);
# a server whose URL is not set is skipped. Alembic comes from the project's .venv
# (scripts/setup). Each side is timed RUNS times (default 3), taking turns, best run kept; Alembic runs in a
# database created for it beforehand and dropped after (not timed), mgen makes its own scratch
# database (timed). The last lines give the ratio Alembic / mgen (above 1: mgen is faster).
#
# MGEN_BIN: the mgen binary to time (default: a release build in .build-verify, built if needed).
# MGEN_SEED_ROWS: also pass --seed-rows N to mgen (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."

ARG="${1:-200}"
SEED="${MGEN_SEED_ROWS:-0}"
RUNS="${RUNS:-3}"
PY=.venv/bin/python
if [ -z "${MGEN_BIN:-}" ]; then
    echo "bench-verify: building mgen (release)" >&2
    swift build -c release --scratch-path .build-verify --product mgen >&2
    MGEN_BIN=".build-verify/release/mgen"
fi
MGEN_BIN="$(cd "$(dirname "$MGEN_BIN")" && pwd)/$(basename "$MGEN_BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mgen-bench-verify.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
if [ -d "$ARG" ]; then
    SPECS="$(cd "$ARG" && pwd)"
else
    SPECS="$WORK/Specs"
    mkdir -p "$SPECS"
    for i in $(seq 1 "$ARG"); do
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
fi
COUNT=$(find "$SPECS" -maxdepth 1 -name '*.yaml' | wc -l)

now() { date +%s.%N; }

# best_of N CMD...: the fastest of N runs of CMD (seconds) in $best; the output of the last in $out.
best_of() {
    local n="$1" start end t
    shift
    best=""
    for _ in $(seq 1 "$n"); do
        start=$(now)
        if ! out=$("$@" 2>&1); then
            echo "$out" | tail -n 20 >&2
            echo "bench-verify: FAILED: $*" >&2
            return 1
        fi
        end=$(now)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
}

have_alembic=0
if [ -x "$PY" ] && "$PY" -c "import alembic, sqlalchemy" 2>/dev/null; then have_alembic=1; fi

# A database for Alembic: created, URL printed in SQLAlchemy's form; `drop` removes it.
admin() {  # admin create|drop MGEN_URL NAME
    "$PY" - "$@" <<'PYEOF'
import sys, urllib.parse
from sqlalchemy import create_engine, text
action, url, name = sys.argv[1:4]
u = urllib.parse.urlsplit(url)
query = dict(urllib.parse.parse_qsl(u.query))
auth = u.netloc
if u.scheme.startswith("postgres"):
    driver, maintenance, quote = "postgresql+psycopg", "postgres", '"'
else:
    driver, maintenance, quote = "mysql+pymysql", "", "`"
password = query.pop("password", None)
if password and "@" in auth and ":" not in auth.split("@")[0]:
    user, host = auth.split("@", 1)
    auth = f"{user}:{urllib.parse.quote(password, safe='')}@{host}"
qs = urllib.parse.urlencode(query)
base = f"{driver}://{auth}/"
engine = create_engine(base + maintenance + ("?" + qs if qs else ""), isolation_level="AUTOCOMMIT")
with engine.connect() as c:
    if action == "create":
        c.execute(text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}"))
        c.execute(text(f"CREATE DATABASE {quote}{name}{quote}"))
        print(base + name + ("?" + qs if qs else ""))
    else:
        c.execute(text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}" + (" WITH (FORCE)" if quote == '"' else "")))
PYEOF
}

alembic_cycle() {  # the bare up/down/up, as a user types it
    "$PY" -m alembic -c "$1/alembic.ini" upgrade head
    "$PY" -m alembic -c "$1/alembic.ini" downgrade base
    "$PY" -m alembic -c "$1/alembic.ini" upgrade head
}

results=()
bench() {  # bench LABEL DIALECT URL
    local label="$1" dialect="$2" url="$3" mgen_s="" alembic_s="" project db alembic_url mgen_out
    if [ "$have_alembic" = 1 ]; then
        project="$WORK/alembic-$dialect"
        mkdir -p "$project/migrations/versions"
        cp Tests/IntegrationTests/Fixtures/alembic/alembic.ini Tests/IntegrationTests/Fixtures/alembic/migrations/env.py \
            Tests/IntegrationTests/Fixtures/alembic/migrations/script.py.mako "$project/migrations/"
        mv "$project/migrations/alembic.ini" "$project/"
        "$MGEN_BIN" emit --target alembic --dialect "$dialect" --out "$project/migrations/versions" "$SPECS" >/dev/null
    fi
    # mgen and Alembic take turns, so a change in the machine's load falls on both.
    for _ in $(seq 1 "$RUNS"); do
        best_of 1 "$MGEN_BIN" verify --db "$url" --seed-rows "$SEED" "$SPECS"
        mgen_out=$out
        if [ -z "$mgen_s" ] || [ "$(echo "$best < $mgen_s" | bc -l)" = 1 ]; then mgen_s=$best; fi
        if [ "$have_alembic" = 1 ]; then
            db="mgen_bench_alembic_$$"
            alembic_url=$(admin create "$url" "$db")
            if MGEN_ALEMBIC_URL="$alembic_url" best_of 1 alembic_cycle "$project"; then
                if [ -z "$alembic_s" ] || [ "$(echo "$best < $alembic_s" | bc -l)" = 1 ]; then alembic_s=$best; fi
            fi
            admin drop "$url" "$db" >/dev/null
        fi
    done
    printf '%-10s %4d migrations  mgen verify                              %7.2f s  (%s)\n' "$label" "$COUNT" "$mgen_s" \
        "$(echo "$mgen_out" | tail -n 1 | sed 's/^verify: //' | cut -c1-60)…"
    if [ -n "$alembic_s" ]; then
        printf '%-10s %4d migrations  alembic upgrade head; downgrade base; upgrade head %7.2f s\n' "$label" "$COUNT" "$alembic_s"
        results+=("$(printf '%s: mgen verify %.2f s, Alembic bare up/down/up %.2f s: %.2fx (Alembic time / mgen time)' \
            "$label" "$mgen_s" "$alembic_s" "$(echo "$alembic_s / $mgen_s" | bc -l)")")
    fi
}

echo "bench-verify: $COUNT migrations, best of $RUNS; mgen $MGEN_BIN"
if [ -n "${MGEN_TEST_PG_URL:-}" ]; then bench postgresql postgresql "$MGEN_TEST_PG_URL"; else echo "postgresql: skipped (MGEN_TEST_PG_URL not set)"; fi
if [ -n "${MGEN_TEST_MYSQL_URL:-}" ]; then bench mariadb mysql "$MGEN_TEST_MYSQL_URL"; else echo "mariadb: skipped (MGEN_TEST_MYSQL_URL not set)"; fi
best_of "$RUNS" "$MGEN_BIN" verify --seed-rows "$SEED" "$SPECS"
printf '%-10s %4d migrations  mgen verify (in-memory, no server)      %7.2f s\n' sqlite "$COUNT" "$best"
[ "$have_alembic" = 1 ] || echo "alembic: skipped (.venv has no Alembic: run scripts/setup)"
echo
for line in "${results[@]}"; do echo "$line"; done
