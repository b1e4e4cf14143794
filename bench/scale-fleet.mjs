// The generated fleet of bench/scale.mjs (and bench/check-ab.mjs): N small TypeScript functions that share one module.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const pad = (i) => String(i).padStart(3, '0');

/** A fleet of `n` functions in a new directory under `work`, under a new app name; one in 25 has a route. */
export function generateScaleFleet(work, n, concurrency) {
  const app = `scale${n}c${concurrency}${Math.random().toString(36).slice(2, 6)}`;
  const dir = path.join(work, app);
  mkdirSync(path.join(dir, 'src/shared'), { recursive: true });
  writeFileSync(
    path.join(dir, 'src/shared/respond.ts'),
    `export interface Reply { statusCode: number; headers: Record<string, string>; body: string }
export function respond(statusCode: number, body: unknown): Reply {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
`,
  );
  const functions = [];
  for (let i = 0; i < n; i++) {
    const key = `fn-${pad(i)}`;
    mkdirSync(path.join(dir, 'src', key), { recursive: true });
    // A table of digests makes the zip a few KB (it does not compress away), like a real small handler.
    const table = Array.from({ length: 40 }, (_, j) => {
      const digest = createHash('sha256').update(`${key}/${j}`).digest('hex');
      return `  { id: ${j}, code: '${digest}', weight: ${(j * 7919) % 101} },`;
    }).join('\n');
    writeFileSync(
      path.join(dir, 'src', key, 'handler.ts'),
      `import { type Reply, respond } from '../shared/respond.js';

const TABLE = [
${table}
];

export async function handler(event: { rawPath?: string; queryStringParameters?: Record<string, string> }): Promise<Reply> {
  const id = Number(event.queryStringParameters?.id ?? 0);
  const row = TABLE.find((r) => r.id === id);
  return row ? respond(200, { fn: '${key}', path: event.rawPath ?? '/', row }) : respond(404, { error: 'no such id', id });
}
`,
    );
    const routes = i % 25 === 0 ? `, routes: ['GET /${key}']` : '';
    functions.push(`    '${key}': { handler: 'src/${key}/handler.ts'${routes} },`);
  }
  writeFileSync(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';

export default defineFleet({
  app: '${app}',
  region: 'us-east-1',
  defaults: { runtime: 'nodejs22.x', memory: 128, timeout: 10, logRetentionDays: 7 },
  deploy: { concurrency: ${concurrency} },
  functions: {
${functions.join('\n')}
  },
});
`,
  );
  return dir;
}
