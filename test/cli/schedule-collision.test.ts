import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleName } from '../../src/config/naming.js';
import { validateFleet } from '../../src/config/validate.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';

// Two function names that differ only after the 30 characters a rule name keeps of them in app
// `reports`, stage `feature-branch-x` (64 - 25 for the prefix - 9 for the suffix).
const common = 'nightly-report-generator-fleet';
const stage = 'feature-branch-x';
const [a, b] = [`${common}-a`, `${common}-b`];
const config = (app: string) => ({
  app,
  region: 'us-east-1',
  functions: {
    [a]: { handler: 'src/report.ts', triggers: [{ schedule: 'rate(1 day)' }] },
    [b]: { handler: 'src/report.ts', triggers: [{ schedule: 'rate(1 day)' }, { schedule: 'rate(1 day)', name: 'daily-b' }] },
  },
});

describe('schedule rule names cut to 64 characters', () => {
  it('two functions whose rule names collide after the cut: a config problem naming both, and the fix', () => {
    expect(ruleName('reports', stage, a, '1b5084fe')).toBe(ruleName('reports', stage, b, '1b5084fe'));
    const { problems } = validateFleet(config('reports'), { stage, exists: () => true });
    expect(problems).toEqual([
      {
        path: `functions.${b}.triggers.0`,
        message: expect.stringMatching(
          new RegExp(
            `^gives the same EventBridge rule name as functions\\.${a}\\.triggers\\.0 \\(reports-${stage}-${common}-[0-9a-f]{8}: names are cut to 64 characters\\): give one of the schedules a 'name', or shorten the function names$`,
          ),
        ),
      },
    ]);
  });

  describe('ops plan', () => {
    const emu = useEmulator();
    it('reports it as a config error before any AWS call, not as an internal error', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'ops-collide-'));
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'src/report.ts'), 'export const handler = async () => ({ ok: true });\n');
      await writeFile(
        path.join(dir, 'ops.config.ts'),
        `import { defineFleet } from 'ops';\nexport default defineFleet(${JSON.stringify(config('reports'), null, 2)});\n`,
      );
      const proxy = await emu.proxy();
      const r = await runCli(['plan', '--stage', stage], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: .*1 problem in the fleet config/m);
      expect(r.stderr).toContain(`functions.${b}.triggers.0: gives the same EventBridge rule name as functions.${a}.triggers.0`);
      expect(r.stderr).not.toMatch(/internal error|two changes with id/);
      expect(proxy.requestCount).toBe(0);
    });
  });
});
