#!/usr/bin/env node
// `ops dev` under load: requests/s and latency for a warm handler (the gateway's GET /api/health),
// with keep-alive connections on loopback. `node bench/dev.mjs [seconds] [connections...]`
// (default 10 s; 1 and 32 connections). Needs dist/ (node scripts/build.mjs). Prints a markdown table.
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 10);
const connectionCounts = process.argv.slice(3).map(Number);
if (connectionCounts.length === 0) connectionCounts.push(1, 32);
const PATH = '/api/health';

/** Starts `ops dev --port 0` on the repo fleet and resolves with its URL and a stop function. */
function startOpsDev(extraArgs = []) {
  const child = spawn(process.execPath, [path.join(root, 'bin/ops'), 'dev', '--port', '0', '--no-watch', ...extraArgs], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'ignore'], // stderr carries one access line per request: not read, not kept
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ url: out.trim(), stop: () => stop(child) });
    });
    child.once('exit', (code) => reject(new Error(`ops dev exited ${code} before listening`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
}

/** A plain node:http server answering like the handler does: the floor for any local HTTP server. */
function startBareServer() {
  const body = JSON.stringify({ status: 'ok', function: 'bare', version: '$LATEST', region: 'us-east-1', coldStart: false, uptimeMs: 0 });
  const server = http.createServer({ keepAlive: true }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(r)) });
    });
  });
}

function request(agent, url) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}${PATH}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
  });
}

/** `connections` loops, each sending its next request when the previous answer arrives. */
async function load(url, connections, ms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  const end = performance.now() + ms;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const status = await request(agent, url);
        if (status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = performance.now() - started;
  agent.destroy();
  return { latencies, errors, elapsed };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(label, server, connections) {
  await load(server.url, connections, 1000); // warm-up: every worker the load needs is started
  const { latencies, errors, elapsed } = await load(server.url, connections, seconds * 1000);
  const sorted = latencies.sort((a, b) => a - b);
  return [
    label,
    String(connections),
    String(sorted.length),
    (sorted.length / (elapsed / 1000)).toFixed(0),
    percentile(sorted, 50).toFixed(2),
    percentile(sorted, 99).toFixed(2),
    sorted.at(-1).toFixed(1),
    String(errors),
  ];
}

const rows = [];
for (const [label, start] of [
  ['`ops dev` GET /api/health', () => startOpsDev()],
  ['`ops dev --max-workers 1`', () => startOpsDev(['--max-workers', '1'])],
  ['bare `node:http` (floor)', () => startBareServer()],
]) {
  const server = await start();
  try {
    for (const c of connectionCounts) rows.push(await measure(label, server, c));
  } finally {
    await server.stop();
  }
}

console.log('| server | connections | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\n${seconds} s per row after 1 s of warm-up, keep-alive, loopback; ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
