import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

// The repo's own rules (.dependency-cruiser.cjs), run by the CLI as `npm run lint` runs it, on small
// trees that mirror src/: each rule must fire on the import it forbids and stay quiet on the layout main has.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const depcruise = path.join(repo, 'node_modules/.bin/depcruise');
const config = path.join(repo, '.dependency-cruiser.cjs');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fixture tree with a tsconfig like the repo's and stand-ins for the packages it imports. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ops-depcruise-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    'node_modules/@aws-sdk/client-lambda/package.json': JSON.stringify({ name: '@aws-sdk/client-lambda', main: 'index.js' }),
    'node_modules/@aws-sdk/client-lambda/index.js': 'exports.LambdaClient = class {};\n',
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

interface Violation {
  rule: string;
  from: string;
  to: string;
}

interface CruiseOutput {
  modules: { source: string; dependencies: { module: string; couldNotResolve: boolean }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

/** Runs depcruise with the repo's config in `dir`: its violations as `rule from → to`, and what it read. */
async function cruise(dir: string): Promise<{ violations: Violation[]; output: CruiseOutput }> {
  const r = await execa(depcruise, ['--config', config, '--output-type', 'json', 'src'], { cwd: dir, reject: false });
  if (!r.stdout) throw new Error(`depcruise printed nothing (exit ${r.exitCode}): ${r.stderr}`);
  const output = JSON.parse(r.stdout) as CruiseOutput;
  return { violations: output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })), output };
}

describe('.dependency-cruiser.cjs', () => {
  it('reports each forbidden import under its rule', async () => {
    const dir = await tree({
      'src/plan/x.ts': "import { LambdaClient } from '@aws-sdk/client-lambda';\nexport const c = LambdaClient;\n",
      'src/cyc/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/cyc/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/commands/shared.ts': 'export const loadFleetFor = () => 1;\n',
      'src/logs/tail.ts': "import { loadFleetFor } from '../commands/shared.js';\nexport const t = loadFleetFor;\n",
      'src/aws/read.ts': 'export const readActual = () => 1;\n',
      'src/ui/view.ts': "import { readActual } from '../aws/read.js';\nexport const v = readActual;\n",
      'src/resources/queue/plan.ts': "import { readFileSync } from 'node:fs';\nexport const p = readFileSync;\n",
      // A resource module may read and apply: only its plan*.ts files are held to the pure rule.
      'src/resources/queue/index.ts': "import { readActual } from '../../aws/read.js';\nexport const r = readActual;\n",
    });
    const { violations: found } = await cruise(dir);
    const has = (rule: string, from: string, to: RegExp) => found.some((v) => v.rule === rule && v.from === from && to.test(v.to));

    expect(has('aws-sdk-only-in-aws', 'src/plan/x.ts', /node_modules\/@aws-sdk\/client-lambda\//)).toBe(true);
    expect(has('planners-are-pure', 'src/plan/x.ts', /node_modules\/@aws-sdk\/client-lambda\//)).toBe(true);
    expect(has('no-circular', 'src/cyc/a.ts', /^src\/cyc\/b\.ts$/)).toBe(true);
    expect(has('commands-only-from-cli', 'src/logs/tail.ts', /^src\/commands\/shared\.ts$/)).toBe(true);
    expect(has('ui-renders-only', 'src/ui/view.ts', /^src\/aws\/read\.ts$/)).toBe(true);
    expect(has('planners-are-pure', 'src/resources/queue/plan.ts', /^(node:)?fs$/)).toBe(true);
    // Nothing else: in particular the resource module may read through src/aws.
    expect(found.filter((v) => v.from === 'src/resources/queue/index.ts')).toEqual([]);
    expect(new Set(found.map((v) => v.from))).toEqual(
      new Set(['src/plan/x.ts', 'src/cyc/a.ts', 'src/logs/tail.ts', 'src/ui/view.ts', 'src/resources/queue/plan.ts']),
    );
  });

  it('passes the layout main has: setup below the commands, pure planners, type-only cycles', async () => {
    const dir = await tree({
      'src/cli/main.ts': "import { commands } from '../commands/index.js';\nexport const main = () => commands;\n",
      'src/cli/setup.ts': "import { createAws } from '../aws/clients.js';\nexport const awsFor = () => createAws();\n",
      'src/commands/index.ts': "export const commands = [() => import('../apply/deploy.js')];\n",
      'src/apply/deploy.ts':
        "import { awsFor } from '../cli/setup.js';\nimport { plan } from '../plan/plan.js';\nexport const deploy = () => plan(awsFor());\n",
      'src/aws/clients.ts':
        "import { LambdaClient } from '@aws-sdk/client-lambda';\nimport { retry } from './retry.js';\nexport const createAws = () => retry(new LambdaClient());\n",
      // The type-only edge back to clients.ts is erased at run time: not a cycle.
      'src/aws/retry.ts':
        "import type { createAws } from './clients.js';\nexport const retry = <T>(c: T): T => c as T & ReturnType<typeof createAws>;\n",
      'src/functions/h/handler.ts':
        "import { LambdaClient } from '@aws-sdk/client-lambda';\nexport const handler = () => new LambdaClient();\n",
      'src/model/actual.ts': 'export interface Actual { functions: Record<string, unknown> }\n',
      'src/plan/plan.ts':
        "import type { Actual } from '../model/actual.js';\nimport { planQueue } from '../resources/queue/plan.js';\nexport const plan = (a: unknown) => planQueue(a as Actual);\n",
      'src/resources/queue/plan.ts': "import type { Actual } from '../../model/actual.js';\nexport const planQueue = (a: Actual) => a;\n",
      'src/resources/queue/index.ts':
        "import { createAws } from '../../aws/clients.js';\nimport { planQueue } from './plan.js';\nexport const queue = { read: createAws, plan: planQueue };\n",
      'src/ui/status.ts': "import type { Actual } from '../model/actual.js';\nexport const render = (a: Actual) => String(a);\n",
    });
    const { violations: found, output } = await cruise(dir);
    expect(found).toEqual([]);
    // Quiet because every import was read and resolved, not because none was.
    const local = output.modules.filter((m) => m.source.startsWith('src/'));
    expect(local).toHaveLength(12);
    expect(local.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} → ${d.module}`))).toEqual([]);
    expect(local.reduce((n, m) => n + m.dependencies.length, 0)).toBe(15);
  });
});
