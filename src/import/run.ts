import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Aws } from '../aws/clients.js';
import { downloadFunctionCode, readFunctionForImport, type Selection, selectFunctions } from '../aws/import-functions.js';
import { httpApisRouting, rulesTargeting, subscriptionsByEndpoint } from '../aws/import-triggers.js';
import { mapLimit } from '../aws/pool.js';
import { CONFIG_FILES } from '../config/load.js';
import { UserError } from '../errors.js';
import { extractZip } from '../invoke/local/zip.js';
import { writeFileAtomic } from '../package/files.js';
import type { TemplateReader } from '../scaffold/templates.js';
import { configText, type PlannedFunction } from './config-text.js';
import { keepDeployedCode } from './keep-code.js';
import { functionKeys, handlerPlace, languageOf } from './keys.js';
import type { ImportedFleet, ImportedFunction } from './model.js';
import { sampleFiles } from './samples.js';

/* `ops import`: read the selected functions and what calls them, then write ops.config.ts and their code. */

export interface ImportResult {
  configFile: string;
  functions: { key: string; name: string; dir: string }[];
  /** What the config does not express, left as it is on AWS. */
  leftAlone: string[];
  /** `key: VAR (param name)`: environment variables whose names look secret, each a secure param resolved into it. */
  secrets: string[];
  files: string[];
}

const quoteList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** Every selected function with its rules, subscriptions and API routes. One line when nothing matches. */
export async function readImport(aws: Aws, sel: Selection, scope: { app: string; stage: string }): Promise<ImportedFleet> {
  const { names, missing } = await selectFunctions(aws, sel);
  if (missing.length)
    throw new UserError(`no function named ${quoteList(missing)} in ${aws.region}`, {
      hint: 'check the names (aws lambda list-functions), the region (--region) and the account (--profile)',
    });
  if (!names.length) {
    const what = 'prefix' in sel ? `whose name starts with '${sel.prefix}'` : 'tag' in sel ? `tagged ${sel.tag.key}=${sel.tag.value}` : '';
    throw new UserError(`no function ${what} in ${aws.region}`, {
      hint: 'check the selection, the region (--region) and the account (--profile)',
    });
  }
  const functions = await mapLimit(names, 4, (n) => readFunctionForImport(aws, n));
  const arns = functions.map((f) => f.arn);
  const [subs, http] = await Promise.all([subscriptionsByEndpoint(aws, arns), httpApisRouting(aws, new Set(names))]);
  await mapLimit(functions, 4, async (f) => {
    f.rules = await rulesTargeting(aws, [f.arn, ...f.aliases.map((a) => `${f.arn}:${a}`)]);
    f.sns = subs.get(f.arn) ?? [];
    f.routes = http.routes.get(f.name) ?? [];
  });
  return { ...scope, region: aws.region, functions, apis: http.apis };
}

/** The functions the config can hold, each with its key and handler; the others and why not. */
export function planFunctions(
  fns: readonly ImportedFunction[],
  prefix: string | undefined,
): { planned: PlannedFunction[]; skipped: string[] } {
  const keys = functionKeys(
    fns.map((f) => f.name),
    prefix,
  );
  const planned: PlannedFunction[] = [];
  const skipped: string[] = [];
  for (const fn of fns) {
    const language = languageOf(fn);
    if (typeof language !== 'string') {
      skipped.push(`${fn.name}: ${language.unsupported}; not imported, left as it is`);
      continue;
    }
    const key = keys.get(fn.name) ?? fn.name;
    planned.push({ fn, key, language, place: handlerPlace(key, language, fn.handler ?? 'index.handler') });
  }
  return { planned, skipped };
}

/** Refuses to write over a config or a function directory unless forced. */
export function checkFree(dir: string, planned: readonly PlannedFunction[], force: boolean): void {
  if (force) return;
  const taken = [...CONFIG_FILES, ...planned.map((p) => p.place.dir)].filter((p) => existsSync(path.join(dir, p)));
  if (taken.length)
    throw new UserError(`${taken.join(', ')} already there; not importing over it`, {
      hint: 'import into an empty directory, or pass --force to replace those files',
    });
}

/** Downloads and unpacks one function's deployed zip into its directory (replaced when it was there). */
async function unpackCode(aws: Aws, dir: string, p: PlannedFunction): Promise<Buffer> {
  let zip: Buffer;
  try {
    zip = await downloadFunctionCode(aws, p.fn, AbortSignal.timeout(120_000));
  } catch (e) {
    throw new UserError(`${p.fn.name}: cannot download its code: ${(e as Error).message}`, {
      hint: 'ops import needs lambda:GetFunction and the presigned code URL it gives; run again, or with --debug',
    });
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'ops-import-'));
  try {
    const file = path.join(tmp, 'code.zip');
    await writeFile(file, zip);
    const target = path.join(dir, p.place.dir);
    await rm(target, { recursive: true, force: true });
    await extractZip(file, target);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return zip;
}

/** Writes the code, the sample events and ops.config.ts (last, so a failed download leaves no config behind). */
export async function writeImport(
  aws: Aws,
  dir: string,
  fleet: ImportedFleet,
  planned: readonly PlannedFunction[],
  read: TemplateReader,
): Promise<ImportResult> {
  const zips = await mapLimit(planned, 4, (p) => unpackCode(aws, dir, p));
  const files: string[] = [];
  for (const p of planned) {
    for (const f of sampleFiles(p, { app: fleet.app, region: fleet.region }, read)) {
      await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
      await writeFileAtomic(path.join(dir, f.path), f.contents);
      files.push(f.path);
    }
  }
  const { text, leftAlone, secrets } = configText(fleet, planned);
  await writeFileAtomic(path.join(dir, 'ops.config.ts'), text);
  const kept = await keepDeployedCode(dir, fleet.stage, new Map(planned.map((p, i) => [p.key, zips[i] as Buffer])));
  for (const p of planned)
    if (!kept.includes(p.key)) leftAlone.push(`${p.key}: not built here, so its first deploy uploads ops's build of the same files`);
  return {
    configFile: 'ops.config.ts',
    functions: planned.map((p) => ({ key: p.key, name: p.fn.name, dir: p.place.dir })),
    leftAlone,
    secrets,
    files: ['ops.config.ts', ...planned.map((p) => `${p.place.dir}/`), ...files],
  };
}
