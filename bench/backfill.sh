#!/usr/bin/env bash
# Backfill benchmark: contacts per second through the whole outbound pipeline (read, filter, map,
# 3-way merge, batch, HTTP delivery to a loopback fake, sync_state + sync_log writes) with audit on,
# compared in the same run with two baselines on the same data:
#   - bulk import through the API (contacts/s written by POST /api/contacts/bulk)
#   - a backfill whose scope filter matches nobody (reading and filtering only, nothing sent)
# The full backfill runs four times, each for a new integration: the first run after the start is reported
# (the JIT compiles the pipeline then), the median of the next three (warm JVM, as a service that has been
# running does it; one run alone moves by a tenth or more from run to run) is measured against the target.
# The service runs as README.md starts it (SERVICE_JAVA_OPTS below); numbers are appended to
# docs/BENCHMARKS.md. Everything binds 127.0.0.1 and every wait is bounded.
#
# Usage: mvn -B package -DskipTests && bench/backfill.sh [contacts]   (default 50000)
# BENCH_JAVA_OPTS adds JVM options to the service, e.g. a flight recording for profiling.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTACTS="${1:-50000}"
APP_PORT="${BENCH_APP_PORT:-18080}"
FAKE_PORT="${BENCH_FAKE_PORT:-19190}"
TOKEN=bench-admin-token
WORK="$(mktemp -d /tmp/komo-bench.XXXXXX)"
WIREMOCK_JAR="${WIREMOCK_JAR:-$HOME/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar}"
API="http://127.0.0.1:${APP_PORT}"
pids=()
# The work directory holds the service's database (~650 MB for 100,000 contacts): removed once the service
# has stopped, so runs do not fill the shared machine's /tmp. BENCH_APP_LOG keeps the service's log.
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
[ -f "$WIREMOCK_JAR" ] || mvn -q -B dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.2

java -Xmx512m -jar "$WIREMOCK_JAR" --port "$FAKE_PORT" --bind-address 127.0.0.1 --root-dir bench/wiremock \
    --no-request-journal --disable-banner > "$WORK/wiremock.log" 2>&1 &
pids+=($!)
# The JVM options README.md runs the service with.
SERVICE_JAVA_OPTS="-XX:+UseParallelGC"
KOMO_DATA_DIR="$WORK/data" KOMO_ADMIN_TOKEN="$TOKEN" KOMO_OUTBOUND_ALLOWLIST=127.0.0.1 QUARKUS_HTTP_PORT="$APP_PORT" \
    java -Xmx1g $SERVICE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "${BENCH_APP_LOG:-$WORK/app.log}" 2>&1 &
app_pid=$!
pids+=($app_pid)

for _ in $(seq 1 120); do
    curl -sf "$API/q/health/ready" > /dev/null && break
    sleep 1
done
curl -sf "$API/q/health/ready" > /dev/null || { tail -50 "$WORK/app.log"; exit 1; }

call() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
now_ms() { date +%s%3N; }

echo "Importing $CONTACTS contacts..."
python3 - "$CONTACTS" "$WORK" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
tiers = ["BRONZE", "SILVER", "GOLD", "PLATINUM"]
for part in range(0, n, 10000):
    with open(f"{work}/bulk-{part // 10000}.json", "w") as f:
        json.dump({"contacts": [{"email": f"bench{i}@example.com", "firstName": f"First{i}", "lastName": f"Last{i}",
                                 "tier": tiers[i % 4], "points": i, "lists": ["newsletter"] if i % 2 else [],
                                 "properties": {"shoeSize": 36 + i % 12}} for i in range(part, min(n, part + 10000))]}, f)
PY
import_start=$(now_ms)
for file in "$WORK"/bulk-*.json; do
    call -XPOST "$API/api/contacts/bulk" --data-binary "@$file" > /dev/null
done
import_ms=$(( $(now_ms) - import_start ))

integration() {
    local id=$1 filter=$2
    call -XPOST "$API/api/integrations" -d @- > /dev/null <<JSON
{"id": "$id", "platform": "webhook", "name": "Benchmark $id", "direction": "outbound",
 "endpoint": {"baseUrl": "http://127.0.0.1:${FAKE_PORT}", "path": "/hook"},
 "auth": {"type": "none"}, "batchSize": 1000, "scope": {"filter": "$filter"},
 "rateLimit": {"requests": 100000, "perSeconds": 1},
 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
             {"komo": "lastName", "external": "last_name"}, {"komo": "tier", "external": "tier"},
             {"komo": "points", "external": "points"}, {"komo": "properties.shoeSize", "external": "shoe_size"}]}
JSON
}

backfill() {
    local id=$1 run status
    run=$(call -XPOST "$API/api/integrations/$id/runs" -d '{"type": "full"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
    # While the run goes, only the shell reads its answers: each python3 here cost ~0.45 s of CPU (a pyenv
    # shim starting an interpreter), a quarter of the machine's two cores taken from the run being measured.
    for _ in $(seq 1 1800); do
        status=$(call "$API/api/integrations/$id/runs/$run")
        case "$status" in
            *'"status":"completed"'*) echo "$status"; return 0 ;;
            *'"status":"failed"'*) echo "$status" >&2; return 1 ;;
        esac
        sleep 0.5
    done
    echo "run $run did not finish in 15 minutes" >&2
    return 1
}

integration bench-nothing "tier == 'NONE'"
integration bench-first "tier != 'NONE'"
for i in 1 2 3; do integration "bench-warm-$i" "tier != 'NONE'"; done
first=$(backfill bench-first)
baseline=$(backfill bench-nothing)
warm=()
for i in 1 2 3; do warm+=("$(backfill "bench-warm-$i")"); done
rss_kb=$(ps -o rss= -p "$app_pid" | tr -d ' ')

python3 - "$CONTACTS" "$import_ms" "$rss_kb" "$baseline" "$first" "${warm[@]}" <<'PY' | tee -a docs/BENCHMARKS.md
import json, sys, datetime, os, statistics
n, import_ms, rss_kb = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
baseline, first, *warm = (json.loads(a) for a in sys.argv[4:])
def rate(run):
    s = datetime.datetime.fromisoformat(run["startedAt"].replace("Z", "+00:00"))
    f = datetime.datetime.fromisoformat(run["finishedAt"].replace("Z", "+00:00"))
    return run["processed"] / max((f - s).total_seconds(), 0.001)
warm_rates = [rate(run) for run in warm]
full_rate = statistics.median(warm_rates)
first_rate, base_rate = rate(first), rate(baseline)
import_rate = n / (import_ms / 1000)
print(f"\n## Backfill, {datetime.date.today().isoformat()}, {n} contacts, {os.cpu_count()} cores\n")
print("| measure | contacts/s | ratio to full backfill |")
print("|---|---|---|")
print(f"| full backfill through the pipeline (filter, map, merge, batch 1000, HTTP to a loopback fake, state + audit), "
      f"median of the 2nd to 4th after the start, warm JVM ({', '.join(f'{r:,.0f}' for r in warm_rates)}) | {full_rate:,.0f} | 1.00 |")
print(f"| the same, first backfill after the service started (JIT compiling) | {first_rate:,.0f} | {first_rate / full_rate:.2f} |")
print(f"| baseline: backfill whose filter matches nobody (read + filter only) | {base_rate:,.0f} | {base_rate / full_rate:.2f} |")
print(f"| baseline: bulk import through POST /api/contacts/bulk | {import_rate:,.0f} | {import_rate / full_rate:.2f} |")
delivered = ", ".join(f"{run['succeeded']} of {run['processed']} ({run['failed']} dead-lettered)" for run in [first, *warm])
print(f"\nDelivered per full backfill: {delivered}; App RSS after the runs: {rss_kb // 1024} MB. "
      f"Target: >= 20,000 contacts/s — {'met' if full_rate >= 20000 else 'NOT met'}.")
PY
