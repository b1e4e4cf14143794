import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { IAM_NOTE, JWT_SIGNATURE_NOTE } from '../../src/dev/authorizers.js';
import { type DevServer, startDevServer } from '../../src/dev/server.js';

/**
 * `ops dev` checks routes' authorizers locally, answering as API Gateway (HTTP API) does: a JWT route
 * checks the bearer token's issuer, audience and expiry (401 otherwise; not its signature, said once on
 * stderr), a Lambda authorizer route runs the fleet's authorizer function (isAuthorized false: 403), an
 * IAM route is accepted unsigned (said once).
 */
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const token = (claims: Record<string, unknown>) =>
  ['{"alg":"RS256","kid":"k"}', JSON.stringify(claims), 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.');

const API = `export const handler = async (event: any) => ({ authorizer: event.requestContext.authorizer ?? null });\n`;
const AUTHZ = `export const handler = async (event: any) => ({ isAuthorized: event.headers['x-key'] === 'open', context: { who: 'tester' } });\n`;

describe('ops dev: authorizers', () => {
  const warnings: string[] = [];
  let dir: string;
  let server: DevServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-dev-auth-'));
    for (const [key, code] of Object.entries({ api: API, authz: AUTHZ })) {
      await mkdir(path.join(dir, 'src', key), { recursive: true });
      await writeFile(path.join(dir, 'src', key, 'handler.ts'), code);
    }
    await writeFile(
      path.join(dir, 'ops.config.ts'),
      `export default {
  app: 'authdev',
  region: 'us-east-1',
  api: {
    authorizers: {
      cognito: { type: 'jwt', issuer: '${ISSUER}', audience: ['client-1'] },
      custom: { type: 'lambda', function: 'authz', identitySource: ['$request.header.x-key'] },
    },
    defaultAuthorizer: 'cognito',
  },
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /me', { route: 'GET /custom', auth: 'custom' }, { route: 'GET /admin', auth: 'iam' }, { route: 'GET /open', auth: 'none' }] },
    authz: { handler: 'src/authz/handler.ts' },
  },
};\n`,
    );
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env: {} });
    server = await startDevServer({ fleet, port: 0, env: process.env, watch: false, hooks: { warn: (m) => warnings.push(m) } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (p: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${p}`, { headers });
    return { status: res.status, body: await res.text(), wwwAuthenticate: res.headers.get('www-authenticate') };
  };
  const bearer = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${token(claims)}` });
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;

  it('JWT: valid claims reach the handler with them; expired or wrong audience give 401 as API Gateway answers', async () => {
    const ok = await get('/me', bearer({ iss: ISSUER, aud: 'client-1', exp: inAnHour, sub: 'u1' }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).authorizer.jwt.claims).toMatchObject({ sub: 'u1', aud: 'client-1' });

    const expired = await get('/me', bearer({ iss: ISSUER, aud: 'client-1', exp: Math.floor(Date.now() / 1000) - 10 }));
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.body)).toEqual({ message: 'Unauthorized' });
    expect(expired.wwwAuthenticate).toContain('expired');

    const audience = await get('/me', bearer({ iss: ISSUER, aud: 'someone-else', exp: inAnHour }));
    expect(audience.status).toBe(401);
    expect(audience.wwwAuthenticate).toContain('audience');
    // A Cognito access token carries the app client in client_id, not aud.
    expect((await get('/me', bearer({ iss: ISSUER, client_id: 'client-1', exp: inAnHour }))).status).toBe(200);
    expect((await get('/me', bearer({ iss: 'https://elsewhere', aud: 'client-1', exp: inAnHour }))).status).toBe(401);
    expect((await get('/me')).status).toBe(401);
    expect(warnings.filter((w) => w === JWT_SIGNATURE_NOTE)).toHaveLength(1);
  });

  it('Lambda authorizer: the fleet function runs locally; isAuthorized false gives 403, a missing identity source 401', async () => {
    expect((await get('/custom', { 'x-key': 'closed' })).status).toBe(403);
    expect((await get('/custom')).status).toBe(401);
    const ok = await get('/custom', { 'x-key': 'open' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).authorizer).toEqual({ lambda: { who: 'tester' } });
  });

  it("IAM routes are accepted unsigned (said once), 'none' routes need nothing", async () => {
    expect((await get('/admin')).status).toBe(200);
    expect((await get('/admin')).status).toBe(200);
    expect(warnings.filter((w) => w === IAM_NOTE)).toHaveLength(1);
    expect(JSON.parse((await get('/open')).body)).toEqual({ authorizer: null });
  });
});
