// The stand-in for the target CRM API (after ../shared/peers/n8n/sink.js): counts every request, checks that a
// body on /crm/... is JSON with Email and FullName, answers 200 '{}'.
// What it adds for bench/realtime.sh:
//   - distinct: how many different Email values arrived since the last reset (count - distinct = duplicates);
//   - lastAt: when the last request arrived (epoch ms), so a drain is timed by the sink, not by polling;
//   - latency: a body with SentAtMs > 0 (the load generator's send time, carried through Komo's mapping) adds
//     arrival - SentAtMs to the latencies; GET /__latency gives their count, p50, p99 and max in ms.
// GET /__stats -> {"count","distinct","bytes","bad","conns","lastAt","lastBody"}; POST /__reset zeroes everything.
// Usage: node sink.js [port]    (default 19090; binds 127.0.0.1)
'use strict';
const http = require('http');
const port = Number(process.argv[2] || 19090);
let count, bytes, bad, conns, lastAt, lastBody, emails, latencies;
function reset() {
  count = 0; bytes = 0; bad = 0; conns = 0; lastAt = 0; lastBody = null; emails = new Set(); latencies = [];
}
reset();
function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100) - 1)] : null;
}
function json(res, value) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
const server = http.createServer((req, res) => {
  if (req.url === '/__stats') {
    return json(res, { count, distinct: emails.size, bytes, bad, conns, lastAt, lastBody });
  }
  if (req.url === '/__latency') {
    const sorted = Float64Array.from(latencies).sort();
    return json(res, { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : null });
  }
  if (req.url === '/__reset') {
    reset();
    req.resume();
    return json(res, {});
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    count++;
    lastAt = now;
    const buf = Buffer.concat(chunks);
    bytes += buf.length;
    try {
      const j = JSON.parse(buf.toString('utf8'));
      if (req.url.startsWith('/crm')) {
        if (!j.Email || !j.FullName) bad++;
        else emails.add(j.Email);
        if (Number(j.SentAtMs) > 0) latencies.push(now - Number(j.SentAtMs));
      }
      if ((count & 1023) === 1) lastBody = j;
    } catch (e) { bad++; }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
});
server.on('connection', () => { conns++; }); // new TCP connections (shows whether the caller reuses them)
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.listen(port, '127.0.0.1', () => console.log(`sink listening on http://127.0.0.1:${port}`));
