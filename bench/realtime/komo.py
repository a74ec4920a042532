#!/usr/bin/env python3
"""Komo Sync's real-time path under load, for bench/realtime.sh (which starts the service and the sink).

Sets up, through the API, an inbound webhook integration (Standard Webhooks signing, 12 contact fields mapped, plus
the load generator's send time) and a real-time outbound webhook integration (batch size 1, rate limit out of the
way) that sends each changed contact to the sink (/crm/contacts, Email and FullName among 14 fields). Then, one
after the other, each waiting until everything accepted has reached the sink:

  warm-up   fixed 200 changes/s for --warm s (the JIT compiles the path; reported, not judged)
  open      per --conns: wrk for --duration s, as fast as the 202s come back (signed.lua, pre-signed requests)
  fixed     --fixed-rate changes/s for --fixed-duration s (signed.js pace): the 202's p99, the p99 from the send
            to the arrival at the sink, and the backlog 2 s after the last answer
  import    the outbound integration deleted, --import-count new contacts posted to an inbound-only integration
            as fast as they are accepted (signed.js post; a 429 is sent again after its Retry-After), and the time
            from the first post until the last is applied (the contacts' created_at in PostgreSQL)

Every change is a distinct contact (its own id and email), so each accepted change must reach the sink once: the
sink's distinct emails against the 202s give what was lost, its count against them what was duplicated.
One JSON line per step goes to --out."""
import argparse, base64, json, os, secrets, signal, subprocess, sys, time, urllib.error, urllib.request

from bench import Monitor, run_wrk

HERE = os.path.dirname(os.path.abspath(__file__))
QUIET_S = 2.0  # the sink counts as drained once its count has not moved for this long and covers the 202s

INBOUND_MAPPING = [
    {"komo": "email", "external": "email"},
    {"komo": "firstName", "external": "first_name"},
    {"komo": "lastName", "external": "last_name"},
    {"komo": "phone", "external": "phone"},
    {"komo": "points", "external": "lead_score"},
    {"komo": "lists", "external": "tags"},
    {"komo": "properties.company", "external": "company"},
    {"komo": "properties.title", "external": "job_title"},
    {"komo": "properties.birthDate", "external": "birth_date"},
    {"komo": "properties.city", "external": "city"},
    {"komo": "properties.country", "external": "country"},
    {"komo": "properties.leadSource", "external": "source"},
    # not a contact field: the load generator's send time, carried through to the sink to time each change
    {"komo": "properties.sentAtMs", "external": "sent_at_ms"},
]
OUTBOUND_MAPPING = [
    {"komo": "email", "external": "Email"},
    {"komo": "firstName", "external": "FirstName"},
    {"komo": "lastName", "external": "LastName"},
    {"external": "FullName", "transform": {"concat": ["firstName", "lastName"], "separator": " "}},
    {"komo": "phone", "external": "Phone"},
    {"komo": "points", "external": "LeadScore"},
    {"komo": "properties.company", "external": "Company"},
    {"komo": "properties.title", "external": "Title"},
    {"komo": "properties.birthDate", "external": "BirthDate"},
    {"komo": "properties.city", "external": "City"},
    {"komo": "properties.country", "external": "Country"},
    {"komo": "properties.leadSource", "external": "LeadSource"},
    {"komo": "updatedAt", "external": "LastModified"},
    {"komo": "properties.sentAtMs", "external": "SentAtMs"},
]


class Komo:
    def __init__(self, api, token):
        self.api, self.token = api.rstrip('/'), token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.api + path, data=data, method=method, headers={
            'Authorization': f'Bearer {self.token}', 'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise RuntimeError(f'{method} {path}: {e.code} {e.read().decode(errors="replace")}') from None

    def integration(self, definition):
        self.call('POST', '/api/integrations', definition)
        self.call('POST', f'/api/integrations/{definition["id"]}/activate',
                  {'force': True, 'reason': 'bench/realtime.sh: a push-only inbound integration cannot be test-synced'})


class Sink:
    def __init__(self, url):
        self.url = url.rstrip('/')

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=5) as r:
            return json.load(r)

    def stats(self):
        return self.get('/__stats')

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + '/__reset', data=b'', method='POST'), timeout=5).read()

    def drain(self, accepted, since, limit):
        """Waits until the sink holds at least `accepted` requests and has been quiet for QUIET_S, or has not moved
        for `limit` s. Returns the stats and the drain time: from `since` to the last arrival."""
        t0 = time.time()
        last, moved = self.stats(), time.time()
        while True:
            time.sleep(0.25)
            s = self.stats()
            if s['count'] != last['count']:
                last, moved = s, time.time()
            quiet = time.time() - moved
            if (s['count'] >= accepted and quiet >= QUIET_S) or quiet >= limit or time.time() - t0 > 3600:
                break
        drained = s['count'] >= accepted
        return s, round(max(0.0, s['lastAt'] / 1000 - since), 2) if s['lastAt'] else 0.0, drained


def sink_outcome(stats, accepted):
    return {'sink_received': stats['count'], 'sink_distinct': stats['distinct'], 'sink_bad': stats['bad'],
            'lost': max(0, accepted - stats['distinct']), 'duplicated': stats['count'] - stats['distinct'],
            'sink_new_tcp_conns': stats['conns']}


def write_requests(secret, prefix, count, work):
    path = os.path.join(work, f'{prefix}.tsv')
    subprocess.run(['node', os.path.join(HERE, 'signed.js'), 'write', secret, prefix, str(count), path], check=True)
    return path


def pg_pid(data_dir):
    try:
        return int(open(os.path.join(data_dir, 'postgres', 'postmaster.pid')).readline())
    except (OSError, ValueError):
        return None


def main():
    # Stopped by bench/realtime.sh: leave through the exception, which subprocess.run answers by killing wrk or node.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser()
    ap.add_argument('--api', required=True)
    ap.add_argument('--token', required=True)
    ap.add_argument('--sink', required=True)
    ap.add_argument('--pid', type=int, required=True, help='the JVM')
    ap.add_argument('--data-dir', required=True, help='KOMO_DATA_DIR: the embedded PostgreSQL is monitored with it')
    ap.add_argument('--psql', required=True, help='connection string for psql, to count applied contacts')
    ap.add_argument('--work', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--conns', default='16,64')
    ap.add_argument('--duration', type=int, default=20)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--pool-rate', type=int, default=6000, help='pre-signed requests per second of an open-loop step')
    ap.add_argument('--warm', type=int, default=30)
    ap.add_argument('--fixed-rate', type=int, default=1000)
    ap.add_argument('--fixed-duration', type=int, default=60)
    ap.add_argument('--import-count', type=int, default=100000)
    ap.add_argument('--import-conns', type=int, default=16)
    ap.add_argument('--import-per-webhook', type=int, default=1, help='contacts per webhook of the import')
    ap.add_argument('--drain-limit', type=int, default=60, help='s without any arrival at the sink that end a wait')
    ap.add_argument('--skip-import', action='store_true')
    a = ap.parse_args()
    komo, sink = Komo(a.api, a.token), Sink(a.sink)
    sink_port = a.sink.rsplit(':', 1)[1].rstrip('/')
    webhooks = a.api.rstrip('/') + '/webhooks/'
    roots = [a.pid] + ([pg_pid(a.data_dir)] if pg_pid(a.data_dir) else [])

    secret = 'whsec_' + base64.b64encode(secrets.token_bytes(32)).decode()
    komo.call('PUT', '/api/credentials/bench-signing', {'type': 'webhook-secret', 'secret': secret})
    inbound = {'platform': 'webhook', 'direction': 'inbound',
               'endpoint': {'baseUrl': f'http://127.0.0.1:{sink_port}'},  # never called: the platform pushes
               'auth': {'type': 'none', 'secretCredential': 'bench-signing'},
               'options': {'changedAtField': 'updated_at'}, 'mapping': INBOUND_MAPPING}
    komo.integration({'id': 'bench-inbound', 'name': 'Benchmark: the platform pushes changes', **inbound})
    komo.integration({'id': 'bench-outbound', 'name': 'Benchmark: real-time to the sink', 'platform': 'webhook',
                      'direction': 'outbound',
                      'endpoint': {'baseUrl': f'http://127.0.0.1:{sink_port}', 'path': '/crm/contacts'},
                      'auth': {'type': 'none'}, 'batchSize': 1, 'rateLimit': {'requests': 100000, 'perSeconds': 1},
                      'mapping': OUTBOUND_MAPPING})

    def emit(record):
        record['time'] = time.strftime('%Y-%m-%dT%H:%M:%S')
        print(json.dumps(record), flush=True)
        with open(a.out, 'a') as f:
            f.write(json.dumps(record) + '\n')

    def paced(label, prefix, rate, seconds):
        sink.reset()
        mon = Monitor({'sut': roots}); mon.start()
        p = subprocess.run(['node', os.path.join(HERE, 'signed.js'), 'pace', secret, prefix, str(rate), str(seconds),
                            webhooks + 'bench-inbound'], capture_output=True, text=True, check=True)
        stopped = time.time()
        mon.stop_ev.set(); mon.join()
        gen = json.loads(p.stdout.strip().splitlines()[-1])
        time.sleep(max(0.0, stopped + 2 - time.time()))
        backlog = gen['accepted'] - sink.stats()['count']
        stats, drain, drained = sink.drain(gen['accepted'], stopped, a.drain_limit)
        latency = sink.get('/__latency')
        emit({'label': label, 'kind': 'fixed', 'rate': rate, 'duration_s': seconds, **gen,
              'backlog_2s_after': backlog, 'drain_s': drain, 'drained': drained,
              'e2e_rate': round(stats['count'] / (seconds + drain), 1),
              'e2e_p50_ms': latency['p50'], 'e2e_p99_ms': latency['p99'], 'e2e_max_ms': latency['max'],
              **sink_outcome(stats, gen['accepted']), **mon.result()})

    paced('Komo Sync warm-up, fixed 200/s', 'warm', 200, a.warm)

    for conns in [int(c) for c in a.conns.split(',')]:
        prefix = f'open{conns}'
        requests = write_requests(secret, prefix, a.pool_rate * a.duration, a.work)
        sink.reset()
        mon = Monitor({'sut': roots}); mon.start()
        w = run_wrk(webhooks + 'bench-inbound', conns, a.duration, a.threads, 10, script='signed.lua',
                    script_args=(requests, str(min(a.threads, conns))))
        stopped = time.time()
        mon.stop_ev.set(); mon.join()
        os.remove(requests)
        stats, drain, drained = sink.drain(w['accepted'], stopped, a.drain_limit)
        seconds = w['duration_us'] / 1e6
        emit({'label': f'Komo Sync, open loop, {conns} connections', 'kind': 'open', 'conns': conns,
              'duration_s': round(seconds, 2), 'accepted': w['accepted'], 'refused': w['refused'],
              'accepted_per_s': round(w['accepted'] / seconds, 1), 'p50_ms': w['lat_p50_ms'],
              'p99_ms': w['lat_p99_ms'], 'max_ms': w['lat_max_ms'],
              'errors': w['err_connect'] + w['err_read'] + w['err_write'] + w['err_timeout'],
              'pool_ran_out': w['exhausted_threads'] > 0, 'drain_s': drain, 'drained': drained,
              'e2e_rate': round(stats['count'] / (seconds + drain), 1), **sink_outcome(stats, w['accepted']),
              'wrk_cpu_cores': round(w['wrk_cpu_s'] / seconds, 2), **mon.result()})

    paced(f'Komo Sync, fixed {a.fixed_rate}/s', 'fixed', a.fixed_rate, a.fixed_duration)

    if a.skip_import:
        return
    # Inbound only: nothing may leave for the sink while contacts are imported.
    komo.call('DELETE', '/api/integrations/bench-outbound')
    komo.integration({'id': 'bench-import', 'name': 'Benchmark: an import pushed by the platform', **inbound})

    def psql(sql):
        return subprocess.run(['psql', a.psql, '-AtXc', sql], capture_output=True, text=True, check=True).stdout.strip()

    mon = Monitor({'sut': roots}); mon.start()
    p = subprocess.run(['node', os.path.join(HERE, 'signed.js'), 'post', secret, 'import', str(a.import_count),
                        str(a.import_conns), webhooks + 'bench-import', str(a.import_per_webhook)],
                       capture_output=True, text=True, check=True)
    gen = json.loads(p.stdout.strip().splitlines()[-1])
    started = gen['started_at_ms'] / 1000
    applied, moved = 0, time.time()
    contacts = min(a.import_count, gen['accepted'] * a.import_per_webhook)
    while applied < contacts and time.time() - moved < a.drain_limit:
        time.sleep(0.5)
        now = int(psql("SELECT count(*) FROM contact WHERE email LIKE 'import.%'"))
        if now != applied:
            applied, moved = now, time.time()
    mon.stop_ev.set(); mon.join()
    last = float(psql("SELECT extract(epoch FROM max(created_at)) FROM contact WHERE email LIKE 'import.%'") or 0)
    emit({'label': f'Komo Sync, inbound-only import of {a.import_count} new contacts', 'kind': 'import', **gen,
          'accepted_per_s': round(gen['accepted'] / gen['elapsed_s'], 1), 'contacts': contacts, 'applied': applied,
          'lost': contacts - applied, 'applied_s': round(last - started, 2) if last else None,
          'applied_per_s': round(applied / (last - started), 1) if last else None, **mon.result()})


if __name__ == '__main__':
    main()
