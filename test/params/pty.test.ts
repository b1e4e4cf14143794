import { execFile, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { paramsFleet, readBack, uniqueApp } from './fleet.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/ops');
const hasScript = spawnSync('script', ['--version']).status === 0;

/** The environment for a spawned ops: the emulator's, no CI (so a terminal counts), no colours. */
function processEnv(emuEnv: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  for (const [k, v] of Object.entries(emuEnv)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Answer {
  /** Text on the terminal that means the prompt is waiting. */
  when: string;
  /** Keys to type, Enter included (`\r`). */
  send: string;
}

/**
 * Runs the built `bin/ops` on a pseudo-terminal (util-linux `script`), typing each answer once
 * its prompt is on screen: typed too early, the terminal would still be in cooked mode and echo it.
 * Returns everything the terminal showed (stdout and stderr together) and the exit code.
 */
function opsInPty(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; answers: Answer[] },
): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, bin, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  let typedAt = 0;
  const onData = (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    const answer = opts.answers[next];
    // Look only at what arrived after the last answer, so the same prompt text is not matched twice.
    if (answer && screen.indexOf(answer.when, typedAt) !== -1) {
      next++;
      typedAt = screen.length;
      setTimeout(() => child.stdin.write(answer.send), 100);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ops ${args.join(' ')} did not finish; the terminal showed:\n${screen}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code: code ?? -1, screen });
    });
  });
}

describe.skipIf(!hasScript)('ops params on a terminal (built bin/ops under a pty)', () => {
  const emu = useEmulator();

  it('set reads a secure value from a masked prompt; overwriting asks, and "n" keeps the old value', async () => {
    const app = uniqueApp('pty');
    const dir = await paramsFleet(app);
    const env = processEnv(emu.env);
    const marker = `PTY-${app}-MARKER`;

    const first = await opsInPty(['params', 'set', 'api/key'], {
      cwd: dir,
      env,
      answers: [{ when: 'Value of api/key (dev)', send: `${marker}\r` }],
    });
    expect(first.code, first.screen).toBe(0);
    expect(first.screen).toContain('••••');
    expect(first.screen).toContain('created api/key (version 1)');
    expect(first.screen).not.toContain(marker);
    expect(await readBack(emu.clientConfig, `/${app}/dev/api/key`)).toMatchObject({ Type: 'SecureString', Value: marker });

    const declined = await opsInPty(['params', 'set', 'api/key'], {
      cwd: dir,
      env,
      answers: [
        { when: 'Value of api/key (dev)', send: `${marker}-2\r` },
        { when: 'Overwrite', send: 'n\r' },
      ],
    });
    expect(declined.code, declined.screen).toBe(1);
    expect(declined.screen).toContain(`Overwrite /${app}/dev/api/key (version 1) with a new value?`);
    expect(declined.screen).toContain('left');
    expect(declined.screen).not.toContain(marker);
    expect((await readBack(emu.clientConfig, `/${app}/dev/api/key`))?.Value).toBe(marker);

    const accepted = await opsInPty(['params', 'set', 'api/key'], {
      cwd: dir,
      env,
      answers: [
        { when: 'Value of api/key (dev)', send: `${marker}-2\r` },
        { when: 'Overwrite', send: 'y\r' },
      ],
    });
    expect(accepted.code, accepted.screen).toBe(0);
    expect(accepted.screen).toContain('updated api/key (version 2)');
    expect(accepted.screen).not.toContain(marker);
    expect((await readBack(emu.clientConfig, `/${app}/dev/api/key`))?.Value).toBe(`${marker}-2`);
  });

  it('unset on a terminal asks and deletes on "y"', async () => {
    const app = uniqueApp('pty');
    const dir = await paramsFleet(app);
    const env = processEnv(emu.env);
    const set = await promisify(execFile)(process.execPath, [bin, 'params', 'set', 'db-url', 'postgres://x'], { cwd: dir, env });
    expect(set.stdout).toBe('created db-url (version 1)\n');
    const r = await opsInPty(['params', 'unset', 'db-url'], { cwd: dir, env, answers: [{ when: 'Delete', send: 'y\r' }] });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain(`Delete /${app}/dev/db-url (version 1); api read it?`);
    expect(r.screen).toContain('deleted db-url (was version 1)');
    expect(await readBack(emu.clientConfig, `/${app}/dev/db-url`)).toBeUndefined();
  });
});

describe('ops params as a process', () => {
  const emu = useEmulator();

  it('a secure value in argv: exit 2, one line and a hint, the value nowhere', async () => {
    const app = uniqueApp('arg');
    const dir = await paramsFleet(app);
    const secret = 'argv-secret-do-not-echo';
    const r = await promisify(execFile)(process.execPath, [bin, 'params', 'set', 'api/key', secret, '--debug'], {
      cwd: dir,
      env: processEnv(emu.env),
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'error: refusing the value of secure param api/key from the command line (shell history and ps keep it)',
    );
    expect(r.stderr).toContain('hint: run `ops params set api/key --stage dev` and type it at the masked prompt');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(await readBack(emu.clientConfig, `/${app}/dev/api/key`)).toBeUndefined();
  });
});
