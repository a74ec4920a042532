#!/usr/bin/env python3
"""Bounded loopback load test of one HTTP target with wrk, plus process/machine monitoring.
(From ../shared/peers/n8n/bench.py; run_wrk also takes another wrk script, for komo.py.)

For each concurrency level: runs wrk (POST of contact.json via post.lua) for --duration seconds,
samples CPU time and RSS of the target's process tree (--pid, may repeat) and of the sink,
then waits until the sink's counter stops moving (drain; matters for "respond immediately"
webhooks that keep working after answering) and compares the sink's received count with the
number of 2xx answers wrk got. Appends one JSON object per run to --out and prints it.

Only 127.0.0.1 / localhost targets are accepted."""
import argparse, json, os, re, resource, signal, subprocess, sys, threading, time, urllib.request
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
TCK = os.sysconf('SC_CLK_TCK'); PAGE = os.sysconf('SC_PAGE_SIZE')

def proc_table():
    out = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                s = open(f'/proc/{d}/stat').read(); r = s[s.rindex(')') + 2:].split()
                out[int(d)] = (int(r[1]), int(r[11]) + int(r[12]), int(r[21]) * PAGE)
            except Exception:
                pass
    return out

def tree_of(tab, roots):
    kids = {}
    for p, (pp, _, _) in tab.items():
        kids.setdefault(pp, []).append(p)
    seen, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        if p in seen or p not in tab:
            continue
        seen.add(p); todo.extend(kids.get(p, []))
    return seen

def machine_cpu():
    v = [int(x) for x in open('/proc/stat').readline().split()[1:9]]
    return sum(v), v[3] + v[4], v[7]

class Monitor(threading.Thread):
    """Samples several process groups every `interval` seconds."""
    def __init__(self, groups, interval=0.5):
        super().__init__(daemon=True); self.groups = groups; self.interval = interval
        self.stop_ev = threading.Event()
        self.first = {g: {} for g in groups}; self.last = {g: {} for g in groups}
        self.rss = {g: [] for g in groups}; self.nproc = {g: 0 for g in groups}
    def sample(self):
        tab = proc_table()
        for g, roots in self.groups.items():
            members = tree_of(tab, roots); self.nproc[g] = max(self.nproc[g], len(members)); rss = 0
            for p in members:
                _, cpu, r = tab[p]; self.first[g].setdefault(p, cpu); self.last[g][p] = cpu; rss += r
            self.rss[g].append(rss)
    def run(self):
        self.t0 = time.time(); self.m0 = machine_cpu(); self.sample()
        while not self.stop_ev.wait(self.interval):
            self.sample()
        self.sample(); self.t1 = time.time(); self.m1 = machine_cpu()
    def result(self):
        wall = self.t1 - self.t0; res = {}
        tot = self.m1[0] - self.m0[0]; idle = self.m1[1] - self.m0[1]; steal = self.m1[2] - self.m0[2]
        for g in self.groups:
            cpu = sum(self.last[g][p] - self.first[g][p] for p in self.last[g]) / TCK
            r = self.rss[g] or [0]
            res[g] = {'cpu_cores': round(cpu / wall, 2), 'rss_max_mb': round(max(r) / 2**20, 1),
                      'rss_end_mb': round(r[-1] / 2**20, 1), 'procs': self.nproc[g]}
        res['machine'] = {'busy_cores': round((tot - idle) / tot * os.cpu_count(), 2) if tot else None,
                          'steal_pct': round(steal / tot * 100, 1) if tot else None,
                          'loadavg_1m_end': float(open('/proc/loadavg').read().split()[0])}
        return res

def sink_count(sink):
    with urllib.request.urlopen(sink.rstrip('/') + '/__stats', timeout=5) as r:
        j = json.load(r)
    return j['count'], j.get('bad', 0)

def sink_conns(sink):
    with urllib.request.urlopen(sink.rstrip('/') + '/__stats', timeout=5) as r:
        return json.load(r).get('conns', 0)

def wait_drain(sink, quiet=2.0, limit=300.0):
    """Wait until the sink count has not changed for `quiet` seconds. Returns (count, bad, seconds)."""
    t0 = time.time(); last, bad = sink_count(sink); changed = time.time()
    while time.time() - t0 < limit:
        time.sleep(0.25); c, bad = sink_count(sink)
        if c != last:
            last, changed = c, time.time()
        elif time.time() - changed >= quiet:
            return last, bad, round(max(0.0, changed - t0), 2)
    return last, bad, round(time.time() - t0, 2)

def run_wrk(url, conns, duration, threads, timeout_s, script='post.lua', script_args=()):
    cmd = ['wrk', f'-t{min(threads, conns)}', f'-c{conns}', f'-d{duration}s', f'--timeout', f'{timeout_s}s',
           '--latency', '-s', os.path.join(HERE, script), url]
    if script_args:
        cmd += ['--', *script_args]
    env = dict(os.environ); env.setdefault('BODY_FILE', os.path.join(HERE, 'contact.json'))
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + timeout_s + 30)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = p.stdout
    m = re.search(r'WRKJSON (\{.*\})', out)
    if not m:
        raise RuntimeError('wrk failed: ' + out + p.stderr)
    j = json.loads(m.group(1))
    n = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    j['non2xx'] = int(n.group(1)) if n else 0
    j['wrk_cpu_s'] = round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 2)
    j['raw'] = out
    return j

def main():
    # Stopped by bench/realtime.sh: leave through the exception, which subprocess.run answers by killing wrk.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser()
    ap.add_argument('--label', required=True)
    ap.add_argument('--url', required=True)
    ap.add_argument('--pid', type=int, action='append', default=[], help='root PID(s) of the system under test')
    ap.add_argument('--sink', default='http://127.0.0.1:19090')
    ap.add_argument('--sink-pid', type=int, default=None)
    ap.add_argument('--conns', default='16,64')
    ap.add_argument('--duration', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=10, help='seconds of unrecorded load before the first level')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--timeout', type=int, default=10, help='wrk per-request timeout, s')
    ap.add_argument('--no-sink', action='store_true', help='target does not forward to the sink')
    ap.add_argument('--note', default='')
    ap.add_argument('--out', default=os.path.join(HERE, 'results.jsonl'))
    a = ap.parse_args()
    host = urlparse(a.url).hostname
    assert host in ('127.0.0.1', 'localhost', '::1'), 'loopback targets only'
    assert urlparse(a.sink).hostname in ('127.0.0.1', 'localhost', '::1'), 'loopback sink only'
    assert a.duration <= 300 and a.warmup <= 120, 'bounded runs only'
    if a.warmup:
        c0 = int(a.conns.split(',')[0])
        run_wrk(a.url, c0, a.warmup, a.threads, a.timeout)
        if not a.no_sink:
            wait_drain(a.sink)
    for c in [int(x) for x in a.conns.split(',')]:
        before, bad0 = (0, 0) if a.no_sink else wait_drain(a.sink)[:2]
        conns0 = 0 if a.no_sink else sink_conns(a.sink)
        groups = {'sut': a.pid} if a.pid else {}
        if a.sink_pid:
            groups['sink'] = [a.sink_pid]
        mon = Monitor(groups); mon.start()
        w = run_wrk(a.url, c, a.duration, a.threads, a.timeout)
        mon.stop_ev.set(); mon.join(); res = mon.result()
        rec = {'label': a.label, 'note': a.note, 'conns': c, 'duration_s': a.duration, 'threads': min(a.threads, c),
               'time': time.strftime('%Y-%m-%dT%H:%M:%S'),
               'rps': round(w['rps'], 1), 'p50_ms': w['lat_p50_ms'], 'p90_ms': w['lat_p90_ms'], 'p99_ms': w['lat_p99_ms'],
               'p999_ms': w['lat_p999_ms'], 'max_ms': w['lat_max_ms'], 'requests': w['requests'], 'non2xx': w['non2xx'],
               'err_connect': w['err_connect'], 'err_read': w['err_read'], 'err_write': w['err_write'],
               'err_timeout': w['err_timeout'], 'ok': w['requests'] - w['non2xx'], 'wrk_cpu_cores': round(w['wrk_cpu_s'] / a.duration, 2)}
        if not a.no_sink:
            after, bad1, drain = wait_drain(a.sink)
            rec.update({'sink_received': after - before, 'sink_bad': bad1 - bad0, 'sink_minus_ok': after - before - rec['ok'],
                        'drain_s': drain, 'e2e_rate': round((after - before) / (a.duration + drain), 1),
                        'sink_new_tcp_conns': sink_conns(a.sink) - conns0})
        rec.update({k: v for k, v in res.items()})
        print(json.dumps(rec), flush=True)
        with open(a.out, 'a') as f:
            f.write(json.dumps(rec) + '\n')
        with open(a.out.replace('.jsonl', '') + '.wrk.log', 'a') as f:
            f.write(f"### {a.label} c={c}\n{w['raw']}\n")

if __name__ == '__main__':
    main()
