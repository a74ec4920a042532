// Signed contact changes for Komo's POST /webhooks/{id}, as a platform sends them (Standard Webhooks: webhook-id,
// webhook-timestamp, webhook-signature = v1,<base64 HMAC-SHA256(key, id.timestamp.body)>, secret whsec_<base64 key>).
//
// The body is contact.json (the peer recipe's 1,151-byte contact-change event) flattened into one record, as the
// webhook platform reads a pushed record (top-level members; InboundPayload): the contact's members, its address's
// members and the event's own members (event_id, occurred_at, source, changes, ...), ~1.15 KB; updated_at = the time
// it was made. Change i of a prefix is a distinct contact:
// id c_<prefix>_<i>, email <prefix>.<i>@example.com. sent_at_ms is 0, or the time it was sent (pace).
//
//   node signed.js write <secret> <prefix> <count> <file>
//       one request per line for signed.lua (wrk): webhook-id TAB webhook-timestamp TAB webhook-signature TAB body.
//       Signed now: Komo accepts a timestamp up to 5 minutes old, so write right before the load step.
//   node signed.js pace <secret> <prefix> <rate> <seconds> <url>
//       open model at a fixed rate: change i is due at start + i/rate and is signed and sent then (sent_at_ms = when
//       it was due), whatever the answers before it; prints one JSON line: sent, accepted (202), other statuses,
//       errors, and the 202's latency (p50/p99/max ms) from the send, and from when it was due.
//   node signed.js post <secret> <prefix> <count> <conns> <url> [per-webhook]
//       closed loop: changes 0..count-1 over <conns> connections, each webhook sent when the one before on its
//       connection was answered, signed then; with per-webhook > 1 (default 1) each webhook carries that many changes
//       as {"records": [...]}, as a platform's page would. A 429 or 503 is sent again after its Retry-After (at most 5 s), as a platform
//       does: every change gets in. Prints one JSON line: accepted, retried, other statuses, errors, elapsed_s,
//       the 202's latency, and when the first request was sent (epoch ms).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const event = JSON.parse(fs.readFileSync(path.join(__dirname, 'contact.json'), 'utf8'));
const { contact: { address, ...contact }, ...meta } = event;
const template = { ...meta, ...contact, ...address };

function body(prefix, i, sentAtMs) {
  return JSON.stringify({ ...template, id: `c_${prefix}_${i}`, email: `${prefix}.${i}@example.com`,
    updated_at: new Date().toISOString(), sent_at_ms: sentAtMs });
}

function signer(secret) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return (text) => {
    const id = 'msg_' + crypto.randomUUID().replace(/-/g, '');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = 'v1,' + crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${text}`).digest('base64');
    return { id, timestamp, signature };
  };
}

function write(secret, prefix, count, file) {
  const sign = signer(secret);
  const out = fs.openSync(file, 'w');
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const text = body(prefix, i, 0);
    const s = sign(text);
    chunk.push(`${s.id}\t${s.timestamp}\t${s.signature}\t${text}\n`);
    if (chunk.length === 10000) { fs.writeSync(out, chunk.join('')); chunk = []; }
  }
  fs.writeSync(out, chunk.join(''));
  fs.closeSync(out);
}

function percentile(sorted, p) {
  return sorted.length ? +sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100) - 1)].toFixed(2) : null;
}

function pace(secret, prefix, rate, seconds, url) {
  const target = loopback(url);
  const sign = signer(secret);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const statuses = {};
  const fromSend = [];
  const fromDue = [];
  let sent = 0, answered = 0, errors = 0, maxBehindMs = 0;
  const start = performance.now();
  const startEpoch = Date.now();
  function send(i) {
    const dueAt = start + (i * 1000) / rate;
    const now = performance.now();
    maxBehindMs = Math.max(maxBehindMs, now - dueAt);
    const text = body(prefix, i, Math.round(startEpoch + (i * 1000) / rate));
    const s = sign(text);
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text),
        'webhook-id': s.id, 'webhook-timestamp': s.timestamp, 'webhook-signature': s.signature } }, (res) => {
      res.resume();
      res.on('end', () => {
        const done = performance.now();
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        if (res.statusCode === 202) { fromSend.push(done - now); fromDue.push(done - dueAt); }
        answered++;
        finish();
      });
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', () => { errors++; answered++; finish(); });
    req.end(text);
    sent++;
  }
  function tick() {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (sent < due) send(sent);
    if (sent < total) setTimeout(tick, 1);
  }
  function finish() {
    if (sent < total || answered < total) return;
    const elapsed = (performance.now() - start) / 1000;
    fromSend.sort((a, b) => a - b);
    fromDue.sort((a, b) => a - b);
    console.log(JSON.stringify({ rate, seconds, sent, accepted: statuses[202] || 0, statuses, errors,
      elapsed_s: +elapsed.toFixed(2), accepted_per_s: +((statuses[202] || 0) / seconds).toFixed(1),
      p50_ms: percentile(fromSend, 50), p99_ms: percentile(fromSend, 99), max_ms: percentile(fromSend, 100),
      p99_from_due_ms: percentile(fromDue, 99), max_behind_schedule_ms: +maxBehindMs.toFixed(1) }));
    agent.destroy();
  }
  tick();
}

function post(secret, prefix, count, conns, url, perWebhook) {
  const target = loopback(url);
  const sign = signer(secret);
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const statuses = {};
  const latencies = [];
  let next = 0, errors = 0, retried = 0, running = conns;
  const startEpoch = Date.now();
  const start = performance.now();
  const webhooks = Math.ceil(count / perWebhook);
  function payload(w) {
    if (perWebhook === 1) return body(prefix, w, 0);
    const records = [];
    for (let i = w * perWebhook; i < Math.min(count, (w + 1) * perWebhook); i++) records.push(body(prefix, i, 0));
    return `{"records":[${records.join(',')}]}`;
  }
  function send(i) {
    const text = payload(i);
    const s = sign(text);
    const sentAt = performance.now();
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text),
        'webhook-id': s.id, 'webhook-timestamp': s.timestamp, 'webhook-signature': s.signature } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 429 || res.statusCode === 503) {
          retried++;
          const after = Math.min(5, Number(res.headers['retry-after']) || 1);
          return setTimeout(() => send(i), after * 1000);
        }
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        if (res.statusCode === 202) latencies.push(performance.now() - sentAt);
        another();
      });
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', () => { errors++; another(); });
    req.end(text);
  }
  function another() {
    if (next < webhooks) return send(next++);
    if (--running > 0) return;
    latencies.sort((a, b) => a - b);
    console.log(JSON.stringify({ count, per_webhook: perWebhook, conns, accepted: statuses[202] || 0, retried, statuses, errors,
      started_at_ms: startEpoch, elapsed_s: +((performance.now() - start) / 1000).toFixed(2),
      p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), max_ms: percentile(latencies, 100) }));
    agent.destroy();
  }
  for (let c = 0; c < conns; c++) another();
}

function loopback(url) {
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error('loopback targets only');
  return target;
}

const [command, ...args] = process.argv.slice(2);
if (command === 'write') write(args[0], args[1], Number(args[2]), args[3]);
else if (command === 'pace') pace(args[0], args[1], Number(args[2]), Number(args[3]), args[4]);
else if (command === 'post') post(args[0], args[1], Number(args[2]), Number(args[3]), args[4], Number(args[5] || 1));
else {
  console.error('usage: signed.js write <secret> <prefix> <count> <file> | pace <secret> <prefix> <rate> <seconds> <url>'
    + ' | post <secret> <prefix> <count> <conns> <url> [per-webhook]');
  process.exit(2);
}
