import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Aws } from '../aws/clients.js';
import { deleteParameter, getParameter, getParameterKeyId, getParameters, putParameter, type StoredParam } from '../aws/ssm.js';
import type { Context } from '../cli/context.js';
import { loadFleetFor, selectFunctions, withAws } from '../cli/setup.js';
import { paramPrefix } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UsageError, UserError } from '../errors.js';
import { confirm } from '../ui/prompt.js';
import { missingParams, paramSetHint } from './check.js';
import { findParam, type ImportEntry, outcomeOf, type ParamTarget, planImport, type WriteOutcome } from './declared.js';
import { parseDotenvLines } from './dotenv.js';
import { paramTags, pathNotes, refuseForeignParam, refuseSharedUnset, storedParams } from './paths.js';
import {
  importSummary,
  listNotes,
  MASK,
  outcomeLine,
  overwriteSubject,
  paramDetails,
  paramRows,
  renderMissing,
  renderParamList,
} from './render.js';
import {
  dropSecretEntries,
  getSecretParam,
  refuseUnsetSecretParam,
  secretOfParam,
  setSecretParam,
  withSecretStatus,
} from './secret-param.js';
import { readParamValue } from './value.js';

/** Flags of `ops params set`. */
export interface ParamsSetOptions {
  /** Read the value from stdin (one trailing newline dropped). */
  stdin?: boolean;
  /** Read the value from a file (one trailing newline dropped). */
  fromFile?: string;
  /** KMS key id, ARN or alias for a SecureString (default: the account's `alias/aws/ssm`). */
  kmsKey?: string;
  /** Set a name the config does not declare (stored as a SecureString). */
  force?: boolean;
}

/** Flags of `ops params get`. */
export interface ParamsGetOptions {
  /** Print a SecureString's value instead of a mask. */
  reveal?: boolean;
  force?: boolean;
}

/** Flags of `ops params unset` and `ops params import`. */
export interface ParamsForceOptions {
  force?: boolean;
}

/** The fleet for the context's stage and AWS clients for its region, destroyed when `fn` is done. */
async function withFleetAws<T>(ctx: Context, fn: (fleet: Fleet, aws: Aws) => Promise<T>): Promise<T> {
  const fleet = await loadFleetFor(ctx);
  return withAws(ctx, fleet, (aws) => fn(fleet, aws));
}

/** `ops params set <name> [value]`: created, updated (after a confirm) or unchanged; never the value. */
export async function paramsSet(ctx: Context, name: string, value: string | undefined, opts: ParamsSetOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const target = findParam(fleet, name, { force: opts.force });
  if (opts.kmsKey !== undefined && secretOfParam(fleet, target.name)) {
    throw new UsageError(`--kms-key applies to SSM params; ${target.name} comes from Secrets Manager (its own key)`);
  }
  if (opts.kmsKey !== undefined && !target.secure) {
    throw new UsageError(`--kms-key applies to secure params only; ${target.name} is plain`);
  }
  // The value is read (and a secure one in argv refused) before any call to AWS.
  const input = await readParamValue(ctx, fleet, target, { value, stdin: opts.stdin, fromFile: opts.fromFile });
  const fromSecret = secretOfParam(fleet, target.name);
  if (fromSecret) return withAws(ctx, fleet, (aws) => setSecretParam(ctx, aws, target.name, fromSecret, input));
  return withAws(ctx, fleet, async (aws) => {
    const current = await getParameter(aws, target.path, { decrypt: true });
    if (current) await refuseForeignParam(aws, fleet, target);
    let outcome = outcomeOf(current, input, target.secure);
    if (outcome === 'unchanged' && opts.kmsKey !== undefined && (await getParameterKeyId(aws, target.path)) !== opts.kmsKey) {
      outcome = 'updated';
    }
    if (outcome === 'updated' && !(await confirmOverwrite(ctx, [target], current))) return 1;
    const version = outcome === 'unchanged' ? current!.version : await write(aws, fleet, target, input, current, opts.kmsKey);
    report(ctx, target, outcome, version);
    if (ctx.global.json) ctx.outJson({ name: target.name, path: target.path, type: storedType(target), outcome, version });
    return 0;
  });
}

const storedType = (t: ParamTarget) => (t.secure ? 'SecureString' : 'String');

async function write(aws: Aws, fleet: Fleet, target: ParamTarget, value: string, current: StoredParam | undefined, kmsKeyId?: string) {
  return putParameter(aws, {
    name: target.path,
    value,
    secure: target.secure,
    kmsKeyId,
    description: target.description,
    overwrite: current !== undefined,
    tags: paramTags(fleet, target),
  });
}

function report(ctx: Context, target: ParamTarget, outcome: WriteOutcome, version: number) {
  if (!ctx.global.json) ctx.out(outcomeLine(target.name, outcome, version));
}

async function confirmOverwrite(ctx: Context, targets: ParamTarget[], current?: StoredParam): Promise<boolean> {
  const what = overwriteSubject(targets, current);
  const ok = await confirm(ctx, `Overwrite ${what} with a new value?`, { refuse: `not overwriting ${what}` });
  if (!ok) ctx.log.warn(`left ${what} as it was`);
  return ok;
}

/** `ops params get <name>`: the value on stdout (a mask for secure ones unless --reveal), details on stderr. */
export async function paramsGet(ctx: Context, name: string, opts: ParamsGetOptions): Promise<number> {
  return withFleetAws(ctx, async (fleet, aws) => {
    const target = findParam(fleet, name, { force: opts.force });
    const fromSecret = secretOfParam(fleet, target.name);
    if (fromSecret) return getSecretParam(ctx, fleet, aws, target.name, fromSecret, Boolean(opts.reveal));
    // Decrypt only when the value will be printed.
    const stored = await getParameter(aws, target.path, { decrypt: Boolean(opts.reveal) });
    if (!stored) {
      throw new UserError(`${target.name} is not set for stage ${fleet.stage}`, {
        hint: `set it with \`${paramSetHint(fleet, target.name)}\``,
      });
    }
    const masked = stored.value === undefined;
    const lastModified = stored.lastModified?.toISOString();
    if (ctx.global.json) {
      ctx.outJson({
        name: target.name,
        path: target.path,
        type: stored.type,
        version: stored.version,
        lastModified,
        ...(masked ? { masked } : { value: stored.value }),
      });
      return 0;
    }
    ctx.log.info(ctx.color.dim(paramDetails(target.path, stored)));
    ctx.out(masked ? MASK : stored.value);
    if (masked) ctx.log.info(ctx.color.dim('secure value masked: pass --reveal to print it'));
    return 0;
  });
}

/** `ops params list`: every declared param (and anything else under the stage's path), never a value. */
export async function paramsList(ctx: Context): Promise<number> {
  return withFleetAws(ctx, async (fleet, aws) => {
    const prefix = paramPrefix(fleet.app, fleet.stage);
    const rows = await withSecretStatus(aws, fleet, paramRows(fleet, await storedParams(aws, fleet, prefix)));
    if (ctx.global.json) {
      ctx.outJson({ app: fleet.app, stage: fleet.stage, path: prefix, params: rows });
      return 0;
    }
    const { warnings, summary } = listNotes(fleet, rows);
    if (rows.length) for (const line of renderParamList(rows, ctx.color)) ctx.out(line);
    for (const w of warnings) ctx.log.warn(w);
    for (const note of pathNotes(fleet)) ctx.log.info(ctx.color.dim(note));
    ctx.log.info(ctx.color.dim(summary));
    return 0;
  });
}

/** `ops params unset <name>`: deletes the stage's value after a confirm. */
export async function paramsUnset(ctx: Context, name: string, opts: ParamsForceOptions): Promise<number> {
  return withFleetAws(ctx, async (fleet, aws) => {
    const target = findParam(fleet, name, { force: opts.force });
    const fromSecret = secretOfParam(fleet, target.name);
    if (fromSecret) refuseUnsetSecretParam(target.name, fromSecret);
    refuseSharedUnset(target);
    const stored = await getParameter(aws, target.path);
    if (!stored) {
      ctx.log.info(`${target.name} is not set for stage ${fleet.stage}: nothing to delete`);
      if (ctx.global.json) ctx.outJson({ name: target.name, path: target.path, outcome: 'absent' });
      return 0;
    }
    const readers = target.readers.length ? `; ${target.readers.join(', ')} read it` : '';
    const ok = await confirm(ctx, `Delete ${target.path} (version ${stored.version})${readers}?`, {
      refuse: `not deleting ${target.path}`,
    });
    if (!ok) {
      ctx.log.warn(`left ${target.path} as it was`);
      return 1;
    }
    const deleted = await deleteParameter(aws, target.path);
    const outcome = deleted ? 'deleted' : 'absent';
    if (ctx.global.json) ctx.outJson({ name: target.name, path: target.path, outcome, version: stored.version });
    else ctx.out(`${outcome} ${target.name}${deleted ? ` (was version ${stored.version})` : ''}`);
    return 0;
  });
}

/** `ops params import <file>`: bulk set from dotenv; a summary of what changed, never a value. */
export async function paramsImport(ctx: Context, file: string, opts: ParamsForceOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  let text: string;
  try {
    text = await readFile(path.resolve(ctx.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}${code ? ` (${code})` : ''}`, { hint: 'give the path of a dotenv file (KEY=value lines)' });
  }
  const { values, malformed } = parseDotenvLines(text);
  // Stricter than skipping: a dropped line is a param silently not set, found only at invoke time.
  if (malformed.length) {
    const n = malformed.length;
    throw new UserError(
      `${file}: ${n} malformed line${n === 1 ? '' : 's'}, nothing imported:\n${malformed.map((m) => `  ${file}:${m.line}: ${m.reason}`).join('\n')}`,
      { hint: `each line is KEY=value (quote a value with spaces or # in "..." or '...', one line per value), a # comment, or blank` },
    );
  }
  const plan = planImport(fleet, values, { force: opts.force });
  for (const u of plan.undeclared) {
    ctx.log.warn(`skipped ${u.key}: not a declared param${u.guess ? ` (did you mean '${u.guess}'?)` : ''}; --force sets it anyway`);
  }
  for (const key of plan.empty) ctx.log.warn(`skipped ${key}: empty value`);
  const viaSecret = dropSecretEntries(ctx, fleet, plan);
  const skipped = [...plan.undeclared.map((u) => u.key), ...plan.empty, ...viaSecret];
  return withAws(ctx, fleet, async (aws) => {
    const current = await getParameters(
      aws,
      plan.entries.map((e) => e.target.path),
      { decrypt: true },
    );
    for (const e of plan.entries) if (current.has(e.target.path)) await refuseForeignParam(aws, fleet, e.target);
    const decided = plan.entries.map((e) => ({ ...e, outcome: outcomeOf(current.get(e.target.path), e.value, e.target.secure) }));
    const overwrites = decided.filter((e) => e.outcome === 'updated').map((e) => e.target);
    if (overwrites.length && !(await confirmOverwrite(ctx, overwrites))) return 1;
    const results: { entry: ImportEntry; outcome: WriteOutcome; version: number }[] = [];
    // One at a time: PutParameter's rate limit is low (a few per second by default).
    for (const e of decided) {
      const existing = current.get(e.target.path);
      const version = e.outcome === 'unchanged' ? existing!.version : await write(aws, fleet, e.target, e.value, existing);
      results.push({ entry: e, outcome: e.outcome, version });
      report(ctx, e.target, e.outcome, version);
    }
    if (ctx.global.json) {
      const names = (o: WriteOutcome) =>
        results.filter((r) => r.outcome === o).map((r) => ({ name: r.entry.target.name, version: r.version }));
      ctx.outJson({
        file,
        stage: fleet.stage,
        created: names('created'),
        updated: names('updated'),
        unchanged: names('unchanged'),
        skipped,
      });
      return 0;
    }
    const prefix = paramPrefix(fleet.app, fleet.stage);
    ctx.log.success(
      importSummary(
        path.basename(file),
        prefix,
        results.map((r) => r.outcome),
        skipped.length,
      ),
    );
    return 0;
  });
}

/** `ops params check [functions...]`: exit 1 with each missing param and the command to set it. */
export async function paramsCheck(ctx: Context, functions: string[]): Promise<number> {
  return withFleetAws(ctx, async (fleet, aws) => {
    const fns = functions.length ? selectFunctions(fleet, functions) : undefined;
    const considered = fns ? new Set(fns.flatMap((f) => f.params.map((p) => p.name))).size : fleet.params.length;
    const missing = await missingParams(aws, fleet, fns);
    if (ctx.global.json) {
      ctx.outJson({
        app: fleet.app,
        stage: fleet.stage,
        total: considered,
        missing: missing.map((m) => ({ ...m, command: paramSetHint(fleet, m.name) })),
      });
      return missing.length ? 1 : 0;
    }
    const scope = fns ? ` read by ${fns.map((f) => f.key).join(', ')}` : '';
    if (!missing.length) {
      ctx.log.success(`all ${considered} params${scope} set for stage ${fleet.stage}`);
      return 0;
    }
    ctx.log.error(`${missing.length} of ${considered} params${scope} not set for stage ${fleet.stage}`);
    for (const line of renderMissing(fleet, missing, ctx.color)) ctx.out(line);
    return 1;
  });
}
