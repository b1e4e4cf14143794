import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { LogWriter, tinyFleet, uniqueApp } from './support.js';

const bin = path.resolve(import.meta.dirname, '../../bin/ops');
const emu = useEmulator();

describe('bin/ops logs tail --follow as a process', () => {
  it('Ctrl-C (SIGINT) ends the follow at once with exit code 0', async () => {
    const app = uniqueApp();
    const cwd = await tinyFleet(app, ['api']);
    const writer = new LogWriter(emu.clientConfig);
    await writer.put(`/aws/lambda/${app}-dev-api`, [{ timestamp: Date.now() - 1_000, message: 'before' }]);
    writer.destroy();
    const child = spawn(process.execPath, [bin, 'logs', 'tail', '--follow', '--since', '1m', '--format', 'text', '--utc'], {
      cwd,
      env: { ...process.env, ...emu.env, NO_COLOR: '1' } as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes('polling every 2s') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(stderr).toContain('live tail not available here; polling every 2s');
    const sent = Date.now();
    child.kill('SIGINT');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - sent).toBeLessThan(1_000);
    // A minute that crosses midnight shows the date too (MM-DD).
    expect(stdout).toMatch(/^(\d\d-\d\d )?\d\d:\d\d:\d\d\.\d{3} api {16}before\n$/);
  }, 30_000); // a process start and its first poll: over the default 5 s on a busy 2-core machine (seen once)
});
