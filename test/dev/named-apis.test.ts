import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFleet } from '../../src/config/resolve.js';
import { fleetSchema } from '../../src/config/schema.js';
import { type DevServer, startDevServer } from '../../src/dev/server.js';

/** `ops dev` with several APIs (`apis`): it serves the default API's routes, says once that the named ones are not served. */
describe('ops dev: a fleet with named APIs', () => {
  let server: DevServer;
  const warnings: string[] = [];

  beforeAll(async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ops-dev-apis-'));
    await writeFile(path.join(root, 'handler.ts'), 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n');
    const raw = fleetSchema.parse({
      app: 'shop',
      apis: { approval: { type: 'rest' } },
      functions: {
        a: {
          handler: 'handler.ts',
          routes: ['GET /items', { route: 'GET /items', api: 'approval' }, { route: 'POST /x', api: 'approval' }],
        },
      },
    });
    const fleet = resolveFleet(raw, { stage: 'dev', root, configPath: path.join(root, 'ops.config.ts'), exists: () => true });
    server = await startDevServer({ fleet, port: 0, env: {}, watch: false, hooks: { warn: (m) => warnings.push(m) } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves only the default API's routes and says so once", async () => {
    expect(server.routes.map((r) => r.key)).toEqual(['GET /items']);
    expect(warnings.filter((w) => w.includes('apis approval'))).toEqual([
      'ops dev serves the default API only: the routes of apis approval are not served',
    ]);
    expect((await fetch(`${server.url}/x`, { method: 'POST' })).status).toBe(404);
  });
});
