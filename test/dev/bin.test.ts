import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFleet } from '../invoke/remote-helpers.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('bin/ops dev as a process (npm test builds dist/ first)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempFleet({
      app: 'hello',
      region: 'us-east-1',
      functions: {
        hello: {
          handler:
            "export const handler = async (event: any) => { console.log('hello from', event.rawPath); return { greeting: 'hi' }; };\n",
          routes: ['GET /hello'],
        },
      },
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--port 0 prints the URL on stdout, serves, logs one access line, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/ops'), 'dev', '--port', '0', '--no-watch'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let workers: number[] = [];
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const url = stdout.trim();
      expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/hello?x=1`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ greeting: 'hi' });
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/^GET \/hello\?x=1 → 200 \d+ms hello$/m);
      expect(stderr).toMatch(/^hello │ .*hello from \/hello$/m);
      expect(stderr).toMatch(/^GET \/nope → 404 \d+ms$/m);
      expect(stderr).toMatch(/^GET \/hello\s+hello\s+http:\/\/127\.0\.0\.1:\d+\/hello$/m);
      // The function workers (esbuild's service process is not ours to check).
      workers = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('node-runtime.mjs'))
        .map((line) => Number.parseInt(line, 10));
      expect(workers.length).toBeGreaterThan(0); // the warm worker of `hello`
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('Ctrl-C: stopping');
    const alive = workers.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
