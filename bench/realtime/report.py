#!/usr/bin/env python3
"""The docs/BENCHMARKS.md section of one bench/realtime.sh run, from its results (bench.py and komo.py lines).
Usage: report.py results.jsonl env.json"""
import json, sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
env = json.load(open(sys.argv[2]))


def num(value, digits=0):
    return '–' if value is None else f'{value:,.{digits}f}'


def busy(row):
    """The CPU of the system under test's processes (PostgreSQL's with Komo Sync's JVM) / the whole machine's."""
    return f"{num(row.get('sut', {}).get('cpu_cores'), 2)} / {num(row.get('machine', {}).get('busy_cores'), 2)}"


def wrk_row(r):
    """A ceiling or n8n row (bench.py): the answer comes after the sink answered, so accepted = forwarded."""
    ok_per_s = r['ok'] / r['duration_s']
    e2e = r.get('e2e_rate', ok_per_s)
    drain = f"{num(r['drain_s'], 1)} s" if 'drain_s' in r else '–'
    errors = r['err_connect'] + r['err_read'] + r['err_write'] + r['err_timeout'] + r['non2xx']
    check = f"sink − 2xx: {r['sink_minus_ok']}" if 'sink_minus_ok' in r else '–'
    return (f"| {r['label']}, {r['conns']} connections | {num(ok_per_s)} /s | {num(r['p99_ms'], 1)} ms | {num(e2e)} /s "
            f"| {drain} | {check}{f', {errors} errors' if errors else ''} | {busy(r)} |"), e2e


def komo_row(r):
    if r['kind'] == 'open':
        load = f"Komo Sync, open loop, {r['conns']} connections, {r['duration_s']:.0f} s"
    else:
        load = r['label'] + f", {r['duration_s']} s"
    refused = r.get('refused', 0) + sum(n for s, n in r.get('statuses', {}).items() if s != '202')
    check = f"lost {r['lost']}, duplicated {r['duplicated']}, sink − 202: {r['sink_received'] - r['accepted']}"
    if refused or r.get('errors'):
        check += f", refused {refused}, errors {r['errors']}"
    if not r['drained']:
        check += ', NOT drained'
    if r.get('pool_ran_out'):
        check += ', pre-signed requests ran out (accepted/s is a lower bound)'
    return (f"| {load} | {num(r['accepted_per_s'])} /s | {num(r['p99_ms'], 1)} ms | {num(r['e2e_rate'])} /s "
            f"| {num(r['drain_s'], 1)} s | {check} | {busy(r)} |"), r['e2e_rate']


print(f"\n## Real-time path beside n8n, {env['date']}, {env['cores']} cores ({env['note']})\n")
print(f"`bench/realtime.sh` on the service at `{env['commit']}`, one run ({env['knobs']}); {env['machine']}. Raw numbers: "
      f"`{env['raw']}`. A platform POSTs signed contact changes (~1.1 KB, 12 mapped fields) to the system under "
      "test, which maps each and POSTs it to a loopback sink; for Komo Sync that is an inbound webhook integration "
      "(every change durable before the 202, merged into its contact, state and audit written) and a real-time "
      "outbound webhook integration (batch size 1) to the sink. \"Reached the sink\" is the sink's count over the "
      "load's duration plus the drain.\n")
print('| load | accepted | p99 of the answer (202 for Komo Sync) | reached the sink, end to end | drain after the load '
      'stopped | every accepted change arrived once? | CPU in cores: system under test / machine |')
print('|---|---|---|---|---|---|---|')
best = {}
for r in rows:
    if 'kind' in r:
        if r['kind'] == 'import':
            continue
        line, e2e = komo_row(r)
        group = 'komo' if r['kind'] == 'open' else None
    else:
        line, e2e = wrk_row(r)
        group = 'proxy' if 'mapping proxy' in r['label'] else 'n8n' if 'n8n' in r['label'] else None
    print(line)
    if group:
        best[group] = max(best.get(group, 0), e2e)
if env.get('n8n_missing'):
    print(f"| n8n | not measured: {env['n8n_missing']} | | | | | |")

fixed = [r for r in rows if r.get('kind') == 'fixed' and 'warm-up' not in r['label']]
imports = [r for r in rows if r.get('kind') == 'import']
print()
if 'komo' in best:
    parts = []
    if 'n8n' in best:
        ratio = best['komo'] / best['n8n']
        parts.append(f"Komo Sync / n8n = **{ratio:,.1f}** (target ≥ 50: {'met' if ratio >= 50 else 'NOT met'})")
    if 'proxy' in best:
        ratio = best['komo'] / best['proxy']
        parts.append(f"Komo Sync / plain-Node mapping proxy = **{ratio:.3f}** (target ≥ 0.5: "
                     f"{'met' if ratio >= 0.5 else 'NOT met'})")
    print("End to end, each at its best connection count in this run: " + '; '.join(parts) + '.\n' if parts
          else "End to end: no ratio in this run (neither the mapping proxy nor n8n was measured).\n")
for r in fixed:
    met = [r['p99_ms'] is not None and r['p99_ms'] <= 50, r['e2e_p99_ms'] is not None and r['e2e_p99_ms'] <= 1000,
           r['backlog_2s_after'] <= 0]
    print(f"At a fixed {r['rate']:,} changes/s for {r['duration_s']} s ({r['accepted']:,} accepted): p99 of the 202 "
          f"{num(r['p99_ms'], 1)} ms (target ≤ 50: {'met' if met[0] else 'NOT met'}); p99 from the send to the arrival "
          f"at the sink {num(r['e2e_p99_ms'])} ms (median {num(r['e2e_p50_ms'])} ms; target ≤ 1,000: "
          f"{'met' if met[1] else 'NOT met'}); backlog 2 s after the load stopped {r['backlog_2s_after']:,} changes "
          f"(target 0: {'met' if met[2] else 'NOT met'}); the load generator was at most "
          f"{num(r['max_behind_schedule_ms'])} ms behind its schedule.\n")
for r in imports:
    rate = r['applied_per_s']
    missing = '' if r['lost'] == 0 else f"; {r['lost']:,} NOT applied"
    retried = f", {r['retried']:,} sent again after a 429/503" if r['retried'] else ''
    per = r.get('per_webhook', 1)
    shape = 'one per webhook' if per == 1 else f'{per} per webhook'
    print(f"Inbound-only import: {r.get('contacts', r['accepted']):,} new contacts ({shape}, {r['conns']} connections"
          f"{retried}) accepted in {r['elapsed_s']:,.1f} s ({num(r['accepted_per_s'])} webhooks/s, p99 of the 202 "
          f"{num(r['p99_ms'], 1)} ms); "
          f"{r['applied']:,} applied {num(r['applied_s'], 1)} s after the first was sent: **{num(rate)} contacts/s** "
          f"(target ≥ 10,000: {'met' if rate and rate >= 10000 else 'NOT met'}){missing}.\n")
