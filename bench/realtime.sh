#!/usr/bin/env bash
# The real-time path (issue 11), in one invocation so that the ratios come from one run on one machine: a platform
# POSTs signed contact changes (~1.1 KB, 12 mapped fields), the system under test maps each and POSTs it to a
# loopback sink (bench/realtime/sink.js, /crm/contacts, which wants Email and FullName). Measured, in this order:
#   1. ceiling: wrk straight into the sink
#   2. ceiling: a plain-Node mapping proxy (proxy.js MODE=map: maps 13 fields, answers after the sink did)
#   3. n8n 2.8.4 (SQLite, every execution saved): webhook -> Edit Fields -> HTTP Request, answering after the last
#      node (the peer recipe in ../shared/peers/n8n/; installed once, see below)
#   4. Komo Sync (bench/realtime/komo.py): an inbound webhook integration (Standard Webhooks signing) and a
#      real-time outbound webhook integration (batch size 1) to the sink; a warm-up at 200 changes/s, open loop per
#      connection count, a fixed rate, then an inbound-only import. Every change is a distinct contact.
# Steps 1-3 use bench/realtime/bench.py (wrk, warm-up, CPU of the process trees, drain of the sink). The service
# runs as bench/backfill.sh runs it (embedded PostgreSQL in a fresh data directory, README's JVM options). The
# section is appended to docs/BENCHMARKS.md and the raw lines are kept in bench/results/. Everything binds
# 127.0.0.1, every port is checked free first, every wait is bounded, and every process started here is stopped.
#
# Usage: mvn -B package -DskipTests && bench/realtime.sh        (a full run: ~25 min on 2 cores before issue 11)
# Knobs (env): DUR=20 (s per open-loop step) CONNS=16,64 THREADS=2 (wrk) WARM=15 (s, ceilings and n8n)
#   KOMO_WARM=30 FIXED_RATE=1000 FIXED_DUR=60 IMPORT_COUNT=100000 IMPORT_PER_WEBHOOK=1 (contacts per webhook of the
#   import; one webhook at a time cannot be posted much faster than ~2,500/s here, so an import faster than that
#   needs more per webhook, as a platform's pages) POOL_RATE=6000 (pre-signed requests per second of an open-loop
#   step) SKIP_CEILING=1 SKIP_N8N=1 SKIP_KOMO=1 SKIP_IMPORT=1 NOTE="..." (said in the section's title)
#   SINK_PORT=19090 MAP_PORT=19092 N8N_PORT=5678 (and the next one, n8n's task broker) BENCH_APP_PORT=18080
#   RECORD=0 (print the section only: nothing written to docs/ or bench/results/)
#   N8N_INSTALL=/tmp/n8n-peer/n8n   BENCH_APP_LOG=<file> keeps the service's log.
#   A smoke run (~3 min): RECORD=0 DUR=5 CONNS=16 WARM=3 KOMO_WARM=5 FIXED_DUR=10 IMPORT_COUNT=3000 bench/realtime.sh
# n8n, once (npm, ~7.5 min; n8n 2.8.4 is the newest release that runs on Node 20):
#   mkdir -p /tmp/n8n-peer/n8n && cd /tmp/n8n-peer/n8n &&
#   echo '{"name": "n8n-peer", "private": true, "overrides": {"xlsx": "0.18.5"}}' > package.json &&
#   npm install n8n@2.8.4 --no-audit --no-fund
set -euo pipefail
cd "$(dirname "$0")/.."
HERE=bench/realtime

DUR=${DUR:-20}; CONNS=${CONNS:-16,64}; THREADS=${THREADS:-2}; WARM=${WARM:-15}
KOMO_WARM=${KOMO_WARM:-30}; FIXED_RATE=${FIXED_RATE:-1000}; FIXED_DUR=${FIXED_DUR:-60}
IMPORT_COUNT=${IMPORT_COUNT:-100000}; IMPORT_PER_WEBHOOK=${IMPORT_PER_WEBHOOK:-1}; POOL_RATE=${POOL_RATE:-6000}
N8N_INSTALL=${N8N_INSTALL:-/tmp/n8n-peer/n8n}
SINK_PORT=${SINK_PORT:-19090}; MAP_PORT=${MAP_PORT:-19092}; N8N_PORT=${N8N_PORT:-5678}
APP_PORT=${BENCH_APP_PORT:-18080}
TOKEN=bench-admin-token
WORK="$(mktemp -d /tmp/komo-realtime.XXXXXX)"
RES="$WORK/results.jsonl"
STAMP=$(date +%Y%m%d-%H%M)
started=()
# Stops a process started here (SIGTERM, then SIGKILL after 30 s) and waits for it.
stop_pid() {
    local pid=$1
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
}
# Stops what was started, the newest first (a load driver before the service it loads), then removes the work
# directory (the service's database and the pre-signed requests).
cleanup() {
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do stop_pid "${started[i]}"; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Runs a step in the background and waits for it: a signal then ends the step at once (the EXIT trap stops it)
# instead of waiting for it. Its output goes to the terminal and to the run log.
step() {
    "$@" > >(tee -a "$WORK/run.log") &
    local pid=$!
    started+=("$pid")
    wait "$pid"
}
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$WORK/run.log"; }
# Another tenant's service may sit on a free-looking port of a shared machine: refuse to start rather than measure it.
port_free() {
    if ss -Htln "sport = :$1" | grep -q .; then echo "port $1 is already in use: $(ss -Htlnp "sport = :$1")" >&2; exit 1; fi
}
# Waits until the process $1 itself listens on port $2, so that no load goes to someone else's server.
listening_pid() {
    for _ in $(seq 1 240); do
        ss -Htlnp "sport = :$2" | grep -q "pid=$1," && return 0
        kill -0 "$1" 2>/dev/null || break
        sleep 0.5
    done
    echo "pid $1 is not listening on :$2" >&2
    exit 1
}
bench() {
    step python3 "$HERE/bench.py" --sink "http://127.0.0.1:$SINK_PORT" --conns "$CONNS" --duration "$DUR" \
        --threads "$THREADS" --out "$RES" "$@"
}

[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
for tool in wrk node psql; do
    command -v "$tool" > /dev/null || { echo "$tool is missing (apt-get install -y wrk nodejs postgresql-client)" >&2; exit 1; }
done
n8n_missing=""
if [ "${SKIP_N8N:-0}" = 1 ]; then
    n8n_missing="skipped (SKIP_N8N=1)"
elif [ ! -x "$N8N_INSTALL/node_modules/.bin/n8n" ]; then
    n8n_missing="no n8n in $N8N_INSTALL (install it once as the head of bench/realtime.sh says)"
    echo "$n8n_missing; going on without n8n" >&2
fi
for port in "$SINK_PORT" "$MAP_PORT" $([ "${SKIP_KOMO:-0}" != 1 ] && echo "$APP_PORT") $([ -z "$n8n_missing" ] && echo "$N8N_PORT" $((N8N_PORT + 1))); do
    port_free "$port"
done

node "$HERE/sink.js" "$SINK_PORT" > "$WORK/sink.log" 2>&1 &
sink_pid=$!
started+=("$sink_pid")
listening_pid "$sink_pid" "$SINK_PORT"
log "sink pid $sink_pid on :$SINK_PORT; DUR=$DUR CONNS=$CONNS"

if [ "${SKIP_CEILING:-0}" != 1 ]; then
    bench --label "ceiling: wrk into the sink" --url "http://127.0.0.1:$SINK_PORT/ceiling" --pid "$sink_pid" \
        --no-sink --warmup 5
    MODE=map node "$HERE/proxy.js" "$MAP_PORT" "$SINK_PORT" > "$WORK/proxy-map.log" 2>&1 &
    proxy_pid=$!
    started+=("$proxy_pid")
    listening_pid "$proxy_pid" "$MAP_PORT"
    bench --label "ceiling: plain-Node mapping proxy" --url "http://127.0.0.1:$MAP_PORT/" --pid "$proxy_pid" \
        --sink-pid "$sink_pid" --warmup 5
    stop_pid "$proxy_pid"
fi

if [ -z "$n8n_missing" ]; then
    n8n_home="$WORK/n8n-home"
    mkdir -p "$n8n_home"
    # n8n's settings (n8n-env.sh) only for n8n's commands, not for the service started after it: called in a
    # subshell or in the background, and it execs, so that the pid started is n8n's own.
    n8n_cli() {
        export N8N_INSTALL N8N_PORT N8N_USER_FOLDER="$n8n_home" EXECUTIONS_DATA_SAVE_ON_SUCCESS=all
        . "$HERE/n8n-env.sh"
        exec n8n "$@"
    }
    python3 "$HERE/make_workflows.py" "$SINK_PORT" "$WORK"
    (n8n_cli import:workflow --input="$WORK/workflow-lastnode.json") > "$WORK/n8n-setup.log" 2>&1
    (n8n_cli publish:workflow --id=CrmSyncLastNode1) >> "$WORK/n8n-setup.log" 2>&1
    n8n_cli start > "$WORK/n8n.log" 2>&1 &
    n8n_pid=$!
    started+=("$n8n_pid")
    listening_pid "$n8n_pid" "$N8N_PORT"
    for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$N8N_PORT/healthz/readiness" && break; sleep 0.5; done
    log "n8n pid $n8n_pid ready"
    bench --label "n8n 2.8.4 (SQLite, executions saved), answering after the last node" \
        --url "http://127.0.0.1:$N8N_PORT/webhook/contact-sync" --pid "$n8n_pid" --sink-pid "$sink_pid" --warmup "$WARM"
    log "n8n executions by status: $(sqlite3 "$n8n_home/.n8n/database.sqlite" \
        "select status||':'||count(*) from execution_entity group by status" 2>/dev/null | tr '\n' ' ')"
    stop_pid "$n8n_pid"
fi

if [ "${SKIP_KOMO:-0}" != 1 ]; then
    # The JVM options README.md runs the service with.
    SERVICE_JAVA_OPTS="-XX:+UseParallelGC"
    app_log="${BENCH_APP_LOG:-$WORK/app.log}"
    KOMO_DATA_DIR="$WORK/data" KOMO_ADMIN_TOKEN="$TOKEN" KOMO_OUTBOUND_ALLOWLIST=127.0.0.1 QUARKUS_HTTP_PORT="$APP_PORT" \
        java -Xmx1g $SERVICE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$app_log" 2>&1 &
    app_pid=$!
    started+=("$app_pid")
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$APP_PORT/q/health/ready" > /dev/null && break
        sleep 1
    done
    curl -sf "http://127.0.0.1:$APP_PORT/q/health/ready" > /dev/null || { tail -50 "$app_log"; exit 1; }
    listening_pid "$app_pid" "$APP_PORT"
    pg_port=$(sed -n 's/.*Embedded PostgreSQL started on 127.0.0.1:\([0-9]*\).*/\1/p' "$app_log" | head -1)
    log "Komo Sync pid $app_pid on :$APP_PORT, its PostgreSQL on :$pg_port"
    step python3 "$HERE/komo.py" --api "http://127.0.0.1:$APP_PORT" --token "$TOKEN" --sink "http://127.0.0.1:$SINK_PORT" \
        --pid "$app_pid" --data-dir "$WORK/data" --psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" \
        --work "$WORK" --out "$RES" --conns "$CONNS" --duration "$DUR" --threads "$THREADS" --pool-rate "$POOL_RATE" \
        --warm "$KOMO_WARM" --fixed-rate "$FIXED_RATE" --fixed-duration "$FIXED_DUR" --import-count "$IMPORT_COUNT" \
        --import-per-webhook "$IMPORT_PER_WEBHOOK" \
        $([ "${SKIP_IMPORT:-0}" = 1 ] && echo --skip-import)
fi

raw="bench/results/realtime-$STAMP.jsonl"
if [ "${RECORD:-1}" = 1 ]; then
    mkdir -p bench/results
    cp "$RES" "$raw"
    doc=docs/BENCHMARKS.md
else
    raw="(not kept: RECORD=0)"
    doc=/dev/null
fi
# The code measured: the last commit that changed the service (this script's own commits do not).
commit="$(git log -1 --format=%h -- src routes pom.xml)$(git diff --quiet HEAD -- src routes pom.xml || echo ' with uncommitted changes')"
machine="$(uname -srm), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/{print $2}') GiB, Node $(node -v), $({ wrk -v 2>&1 || true; } | head -1 | cut -d' ' -f1-2)"
DATE=$(date +%Y-%m-%d) COMMIT="$commit" MACHINE="$machine" RAW="$raw" N8N_MISSING="$n8n_missing" \
KNOBS="DUR=$DUR CONNS=$CONNS KOMO_WARM=$KOMO_WARM FIXED_RATE=$FIXED_RATE FIXED_DUR=$FIXED_DUR IMPORT_COUNT=$IMPORT_COUNT IMPORT_PER_WEBHOOK=$IMPORT_PER_WEBHOOK" \
python3 -c '
import json, os, sys
e = os.environ
json.dump({"date": e["DATE"], "cores": os.cpu_count(), "commit": e["COMMIT"], "machine": e["MACHINE"], "raw": e["RAW"],
           "note": e.get("NOTE") or "commit " + e["COMMIT"], "knobs": e["KNOBS"], "n8n_missing": e["N8N_MISSING"]},
          open(sys.argv[1], "w"))' "$WORK/env.json"
python3 "$HERE/report.py" "$RES" "$WORK/env.json" | tee -a "$doc"
[ "${RECORD:-1}" != 1 ] || echo "appended to docs/BENCHMARKS.md; raw results: $raw"
