import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, vi } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FUNCTIONS_DIR = path.join(REPO_ROOT, 'src/functions');

/** A sample event shipped with a function: `src/functions/<fn>/events/<name>.json`. */
export function loadEvent<T = any>(fn: string, name: string): T {
  return JSON.parse(readFileSync(path.join(FUNCTIONS_DIR, fn, 'events', `${name}.json`), 'utf8')) as T;
}

/** Sets environment variables for the current test (`undefined` unsets); all restored after each test. */
export function useTestEnv(): (vars: Record<string, string | undefined>) => void {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return (vars) => {
    for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  };
}

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface Stub {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1:0 answering with `reply`, recording every request. */
export async function startStub(reply: (req: StubRequest) => StubReply | Promise<StubReply>): Promise<Stub> {
  const requests: StubRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const entry: StubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(entry);
    try {
      const r = await reply(entry);
      if (r.delayMs) await new Promise((done) => setTimeout(done, r.delayMs));
      const isJson = r.body !== undefined && typeof r.body !== 'string';
      const headers = { ...(isJson ? { 'content-type': 'application/json' } : {}), ...r.headers };
      if (res.destroyed) return;
      res.writeHead(r.status ?? 200, headers);
      res.end(isJson ? JSON.stringify(r.body) : ((r.body as string | undefined) ?? ''));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** A short random suffix so resources of parallel test files never collide on the shared moto. */
export const uniqueSuffix = () => Math.random().toString(36).slice(2, 10);

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
