#!/usr/bin/env node
// `ops logs tail` costs: `node bench/logs.mjs [runs]`.
// 1. Formatting throughput over a large synthetic page set (what a busy fleet's FilterLogEvents
//    pages hold: platform lines, runtime text lines, JSON lines, errors with stack traces).
// 2. The follow loop's FilterLogEvents calls per minute for 10 groups, against a fake client on a
//    virtual clock (10 simulated minutes per scenario, so the figure is exact and takes no time).
// 3. End to end on moto: `ops logs tail <fn> --since 1h` against `aws logs tail <group> --since 1h` (AWS CLI v2)
//    over the same 10,000 events, every event counted in both outputs (bench/logs-e2e.mjs; `--e2e`: only this).
// Parts 1 and 2 bundle the sources on the fly with esbuild (no AWS SDK is involved); part 3 runs bin/ops
// (`node scripts/build.mjs` first).
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { endToEnd } from './logs-e2e.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
if (process.argv.includes('--e2e')) {
  await endToEnd(runs);
  process.exit(0);
}

const bundle = await esbuild.build({
  stdin: {
    contents: [
      "export { createFormatter, toRecord } from './src/logs/format.ts';",
      "export { Poller } from './src/logs/poll.ts';",
      "export { ReadLimiter } from './src/aws/limiter.ts';",
      "export { Chalk } from 'chalk';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'warning',
});
const tmp = mkdtempSync(path.join(tmpdir(), 'ops-bench-logs-'));
const file = path.join(tmp, 'logs.mjs');
writeFileSync(file, bundle.outputFiles[0].text);
const { createFormatter, toRecord, Poller, ReadLimiter, Chalk } = await import(pathToFileURL(file).href);
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------- 1. format throughput

const FUNCTIONS = ['tasks-api', 'tasks-worker', 'search-flights', 'health-check', 'gateway'];
const labels = new Map(FUNCTIONS.map((key) => [`/aws/lambda/tasks-prod-${key}`, { key, name: `tasks-prod-${key}` }]));
const groups = [...labels.keys()];

/** One invocation's events, the way Lambda and the runtimes log them. */
function invocation(i, t) {
  const hex = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
  const rid = `${hex}-1111-2222-3333-444455556666`;
  const iso = (ms) => new Date(ms).toISOString();
  const events = [`START RequestId: ${rid} Version: 12\n`];
  events.push(`${iso(t)}\t${rid}\tINFO\tcreated task t-${i} for user u-${i % 97}\n`);
  events.push(
    JSON.stringify({ level: 'INFO', message: 'dynamodb put', requestId: rid, table: 'tasks', ms: 12 + (i % 40), timestamp: iso(t) }),
  );
  if (i % 25 === 0) {
    const err = {
      errorType: 'Error',
      errorMessage: 'upstream 503',
      stack: ['Error: upstream 503', '    at call (/var/task/index.mjs:10:11)', '    at async handler (/var/task/index.mjs:3:9)'],
    };
    events.push(`${iso(t)}\t${rid}\tERROR\tInvoke Error \t${JSON.stringify(err)}\n`);
  } else if (i % 7 === 0) {
    events.push(`[WARNING]\t${iso(t)}\t${rid}\tslow amadeus answer: 2400 ms\n`);
  } else {
    events.push(`plain print from the handler ${i}\n`);
  }
  events.push(`END RequestId: ${rid}\n`);
  const init = i % 50 === 0 ? `Init Duration: ${(150 + (i % 90)).toFixed(2)} ms\t` : '';
  events.push(
    `REPORT RequestId: ${rid}\tDuration: ${(20 + (i % 300)).toFixed(2)} ms\tBilled Duration: ${21 + (i % 300)} ms\tMemory Size: 512 MB\tMax Memory Used: ${80 + (i % 40)} MB\t${init}\n`,
  );
  return events;
}

/** `pages` pages of 1,000 events, as FilterLogEvents returns them. */
function pageSet(pages) {
  const out = [];
  let t = Date.UTC(2026, 10, 23, 10, 0, 0);
  let i = 0;
  for (let p = 0; p < pages; p++) {
    const page = [];
    while (page.length < 1000) {
      const group = groups[i % groups.length];
      for (const message of invocation(i, t))
        page.push({ group, stream: `2026/11/23/[12]${i % 13}`, timestamp: t++, message, id: String(i) });
      i++;
    }
    out.push(page);
  }
  return out;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PAGES = 200;
const pages = pageSet(PAGES);
const events = pages.reduce((n, p) => n + p.length, 0);

function measure(label, fn) {
  fn(pages.slice(0, 10)); // warm-up
  const rates = [];
  let lines = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    lines = fn(pages);
    rates.push(events / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return { label, rate: median(rates), lines };
}

const textRun = (level) => (set) => {
  const f = createFormatter({ color: new Chalk({ level }), labels });
  let lines = 0;
  let bytes = 0;
  for (const page of set) {
    const out = page.flatMap((e) => f.format(e));
    bytes += out.join('\n').length;
    lines += out.length;
  }
  return bytes > 0 ? lines : 0;
};
const jsonRun = (set) => {
  let lines = 0;
  for (const page of set)
    lines += page
      .map((e) => JSON.stringify(toRecord(e, labels)))
      .join('\n')
      .split('\n').length;
  return lines;
};

const results = [measure('text, colour', textRun(1)), measure('text, no colour', textRun(0)), measure('`--json`', jsonRun)];
console.log(`### Formatting (${PAGES} pages × 1,000 events = ${events.toLocaleString('en-US')} events, median of ${runs})\n`);
console.log('| output | events/s | lines printed | lines/s |\n|---|---|---|---|');
for (const r of results) {
  const linesPerSecond = (r.rate * r.lines) / events;
  console.log(`| ${r.label} | ${fmt(r.rate)} | ${fmt(r.lines)} | ${fmt(linesPerSecond)} |`);
}

// ---------------------------------------------------------------- 2. follow loop, API calls per minute

/** Virtual time: sleeps fire in deadline order once everything started before has settled. */
function virtualClock() {
  let time = Date.UTC(2026, 10, 23, 10, 0, 0);
  const timers = [];
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift();
      if (!timer) return;
      time = Math.max(time, timer.at);
      timer.fire();
      if (timers.length > 0) schedule();
    });
  };
  return {
    now: () => time,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const onAbort = () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          resolve();
        };
        const timer = {
          at: time + Math.max(0, ms),
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        schedule();
      }),
  };
}

/** A fake FilterLogEvents: each group logs `perSecond` events; pages hold `pageSize`. */
function fakeSource(clock, perSecond, pageSize) {
  const started = clock.now();
  const lastRead = new Map();
  let maxGap = 0;
  const calls = { n: 0 };
  return {
    calls,
    maxGap: () => maxGap,
    async filter(q) {
      calls.n++;
      const now = clock.now();
      if (!q.nextToken) {
        if (lastRead.has(q.group)) maxGap = Math.max(maxGap, now - lastRead.get(q.group));
        lastRead.set(q.group, now);
      }
      const from = Math.max(q.startTime ?? started, started);
      const count = Math.floor(((now - from) / 1000) * perSecond);
      const offset = Number(q.nextToken ?? 0);
      const n = Math.max(0, Math.min(pageSize, count - offset));
      const evs = Array.from({ length: n }, (_, k) => {
        const ts = from + Math.floor(((offset + k) * 1000) / perSecond);
        return { group: q.group, stream: 's', timestamp: ts, message: 'm', id: `${ts}-${offset + k}` };
      });
      return { events: evs, ...(offset + n < count ? { nextToken: String(offset + n) } : {}) };
    },
    async existing(gs) {
      return new Set(gs);
    },
    async liveTail() {
      throw new Error('not here');
    },
  };
}

async function followFor(minutes, { groups: n, intervalMs, rate, perSecond = 0, pageSize = 10_000 }) {
  const clock = virtualClock();
  const source = fakeSource(clock, perSecond, pageSize);
  const controller = new AbortController();
  setMaxListeners(n * 3 + 20, controller.signal); // every group waiting for its budget listens to it
  const start = clock.now();
  let printed = 0;
  const poller = new Poller({
    source: {
      ...source,
      filter: async (q) => {
        if (clock.now() - start >= minutes * 60_000) controller.abort();
        return source.filter(q);
      },
    },
    intervalMs,
    limiter: new ReadLimiter({ rate: rate ?? 1e9, burst: rate ? undefined : 1e9, clock }),
    clock,
    signal: controller.signal,
    onEvents: (evs) => (printed += evs.length),
  });
  for (let g = 0; g < n; g++) poller.add(`/aws/lambda/app-prod-f${g}`, start);
  await poller.run();
  return { callsPerMinute: source.calls.n / minutes, maxGapMs: source.maxGap(), printed };
}

const scenarios = [
  ['quiet groups, default (4 calls/s budget)', { groups: 10, intervalMs: 2_000, rate: 4 }],
  ['quiet groups, no budget', { groups: 10, intervalMs: 2_000 }],
  ['busy groups (20 events/s each, 1,000 per page), default', { groups: 10, intervalMs: 2_000, rate: 4, perSecond: 20, pageSize: 1_000 }],
  ['20 quiet groups, default', { groups: 20, intervalMs: 2_000, rate: 4 }],
];
console.log('\n### Follow by polling: FilterLogEvents calls per minute (fake client, 10 virtual minutes)\n');
console.log(
  '| scenario | groups | interval | calls/min | calls/min per group | longest wait between reads of a group |\n|---|---|---|---|---|---|',
);
for (const [label, s] of scenarios) {
  const r = await followFor(10, s);
  console.log(
    `| ${label} | ${s.groups} | ${s.intervalMs / 1000}s | ${r.callsPerMinute.toFixed(0)} | ${(r.callsPerMinute / s.groups).toFixed(1)} | ${(r.maxGapMs / 1000).toFixed(2)} s |`,
  );
}
console.log(`\n${runs} runs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
await endToEnd(runs);
