import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFleet } from '../../src/config/resolve.js';
import { fleetSchema } from '../../src/config/schema.js';
import type { Fleet } from '../../src/config/types.js';
import { devApiView } from '../../src/dev/api-view.js';
import { type DevServer, startDevServer } from '../../src/dev/server.js';

/** `ops dev` with several APIs (`apis`): it serves the default API's routes, says once that the named ones are not served. */
describe('ops dev: a fleet with named APIs', () => {
  let server: DevServer;
  let fleet: Fleet;
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
    fleet = resolveFleet(raw, { stage: 'dev', root, configPath: path.join(root, 'ops.config.ts'), exists: () => true });
    server = await startDevServer({ fleet, port: 0, env: {}, watch: false, hooks: { warn: (m) => warnings.push(m) } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves only the default API's routes and says so once", async () => {
    expect(server.routes.map((r) => r.key)).toEqual(['GET /items']);
    expect(warnings.filter((w) => w.includes('apis approval'))).toEqual([
      'ops dev serves the default API: the routes of apis approval are not served here (ops dev --api approval --port <another> serves one)',
    ]);
    expect((await fetch(`${server.url}/x`, { method: 'POST' })).status).toBe(404);
  });

  it('--api approval serves that REST API alone, under its stage, with payload 1.0 events', async () => {
    const named = await startDevServer({ fleet: devApiView(fleet, 'approval'), port: 0, env: {}, watch: false });
    try {
      expect(named.routes.map((r) => r.key).sort()).toEqual(['GET /items', 'POST /x']);
      expect(named.url).toMatch(/\/prod$/);
      const r = await fetch(`${named.url}/x`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('ok');
    } finally {
      await named.close();
    }
  });

  it('--api with a key the config does not declare is one line with a suggestion', () => {
    expect(() => devApiView(fleet, 'aproval')).toThrow(/--api aproval: the config's apis are approval \(did you mean 'approval'\?\)/);
  });
});
