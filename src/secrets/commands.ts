import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeSecret, putSecretValue } from '../aws/secrets.js';
import type { Context } from '../cli/context.js';
import { loadFleetFor, withAws } from '../cli/setup.js';
import { didYouMean } from '../config/did-you-mean.js';
import { notOwnedReason } from '../config/naming.js';
import type { SecretSpec } from '../config/resources.js';
import type { Fleet } from '../config/types.js';
import { UsageError, UserError } from '../errors.js';
import type { ActualSecret } from '../model/secret.js';
import { askSecret, confirm } from '../ui/prompt.js';
import { renderTable } from '../ui/table.js';

/** Flags of `ops secrets set`. */
export interface SecretsSetOptions {
  /** Read the value from stdin (one trailing newline dropped). */
  stdin?: boolean;
  /** Read the value from a file (one trailing newline dropped). */
  fromFile?: string;
}

const secretsOf = (fleet: Fleet) => fleet.resources.filter((r): r is SecretSpec => r.type === 'secret');
const setHint = (fleet: Fleet, key: string) => `ops secrets set ${key} --stdin --stage ${fleet.stage}`;

/** The declared secret with this key (or physical name), or one line naming the declared ones. */
export function findSecret(fleet: Fleet, key: string): SecretSpec {
  const all = secretsOf(fleet);
  const found = all.find((s) => s.key === key || s.physicalName === key);
  if (found) return found;
  const guess = didYouMean(
    key,
    all.map((s) => s.key),
  );
  throw new UsageError(`no secret '${key}' in the config's resources`, {
    hint: guess
      ? `did you mean '${guess}'?`
      : all.length
        ? `secrets: ${all.map((s) => s.key).join(', ')}`
        : "declare it: resources: { creds: { type: 'secret' } }",
  });
}

const chompNewline = (s: string) => s.replace(/\r?\n$/, '');

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** The value from stdin, a file or a masked prompt: never from argv (shell history and `ps` keep it). */
function readSecretValue(ctx: Context, fleet: Fleet, spec: SecretSpec, value: string | undefined, opts: SecretsSetOptions) {
  return readSecretInput(ctx, { what: `secret ${spec.key}`, stage: fleet.stage, command: setHint(fleet, spec.key) }, value, opts);
}

/**
 * A secret value (a secret's, an API key's) from stdin, a file or a masked prompt; one given in argv is
 * refused without being repeated. `command` is the `--stdin` form of the command, for the hint.
 */
export async function readSecretInput(
  ctx: Context,
  target: { what: string; stage: string; command: string },
  value: string | undefined,
  opts: SecretsSetOptions,
): Promise<string> {
  const pipe = `pipe it with \`… | ${target.command}\` or pass --from-file <path>`;
  if (value !== undefined) {
    throw new UsageError(`refusing the value of ${target.what} from the command line (shell history and ps keep it)`, { hint: pipe });
  }
  if (opts.stdin && opts.fromFile !== undefined) throw new UsageError('give the value one way, not --stdin and --from-file');
  if (opts.stdin) return chompNewline(await readAll(ctx.io.stdin));
  if (opts.fromFile !== undefined) {
    try {
      return chompNewline(await readFile(path.resolve(ctx.cwd, opts.fromFile), 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read ${opts.fromFile}${code ? ` (${code})` : ''}`, { hint: 'check the path given to --from-file' });
    }
  }
  return askSecret(ctx, `Value of ${target.what} (${target.stage})`, pipe);
}

/** The secret on AWS, ours (or adopted by the config); else why no value may be put into it. */
function assertWritable(fleet: Fleet, spec: SecretSpec, there: ActualSecret | undefined): ActualSecret {
  const deploy = `run \`ops deploy --stage ${fleet.stage}\` first: it creates the secret (empty)`;
  if (!there) throw new UserError(`secret ${spec.key} (${spec.physicalName}) does not exist for stage ${fleet.stage}`, { hint: deploy });
  if (there.deletedDate)
    throw new UserError(`secret ${spec.key} (${spec.physicalName}) is scheduled for deletion`, {
      hint: `${deploy.replace('creates the secret (empty)', 'restores it')}`,
    });
  const reason = notOwnedReason(there.tags, fleet.app, fleet.stage);
  if (reason && !spec.adopt)
    throw new UserError(`secret ${spec.key}: ${spec.physicalName} exists, not managed by ops (${reason}): no value was set`, {
      hint: `set adopt: true on resources.${spec.key} and deploy to take it over`,
    });
  return there;
}

/** `ops secrets set <key>`: a new version of the secret's value, from stdin, a file or a masked prompt; never echoed. */
export async function secretsSet(ctx: Context, key: string, value: string | undefined, opts: SecretsSetOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const spec = findSecret(fleet, key);
  // The value is read (and one in argv refused) before any call to AWS.
  const input = await readSecretValue(ctx, fleet, spec, value, opts);
  if (!input)
    throw new UsageError(`an empty value for secret ${spec.key}: nothing was set`, { hint: 'Secrets Manager keeps no empty values' });
  return withAws(ctx, fleet, async (aws) => {
    const there = assertWritable(fleet, spec, await describeSecret(aws, spec.physicalName));
    if (there.hasValue) {
      const ok = await confirm(ctx, `Replace the value of secret ${spec.physicalName}?`, {
        refuse: `not replacing the value of ${spec.physicalName}`,
      });
      if (!ok) {
        ctx.log.warn(`left ${spec.physicalName} as it was`);
        return 1;
      }
    }
    const versionId = await putSecretValue(aws, spec.physicalName, input);
    if (ctx.global.json) ctx.outJson({ key: spec.key, name: spec.physicalName, outcome: there.hasValue ? 'updated' : 'set', versionId });
    else ctx.out(`${there.hasValue ? 'updated' : 'set'} ${spec.key} (${spec.physicalName}, version ${versionId.slice(0, 8)})`);
    return 0;
  });
}

/** One line of `ops secrets list`: never a value. */
export interface SecretRow {
  key: string;
  name: string;
  status: 'set' | 'empty' | 'missing' | 'scheduled for deletion' | 'not managed by ops';
  readers: string[];
}

/** `ops secrets list`: every declared secret, whether it exists and has a value, and the functions that read it. */
export async function secretsList(ctx: Context): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const specs = secretsOf(fleet);
  const found = specs.length ? await withAws(ctx, fleet, (aws) => Promise.all(specs.map((s) => describeSecret(aws, s.physicalName)))) : [];
  const rows: SecretRow[] = specs.map((s, i) => ({
    key: s.key,
    name: s.physicalName,
    status: statusOf(fleet, s, found[i]),
    readers: fleet.functions.filter((f) => f.uses.some((u) => u.type === 'secret' && u.resource === s.key)).map((f) => f.key),
  }));
  if (ctx.global.json) {
    ctx.outJson({ app: fleet.app, stage: fleet.stage, secrets: rows });
    return 0;
  }
  if (!rows.length) {
    ctx.log.info(ctx.color.dim(`no secrets declared in ${fleet.app}'s resources`));
    return 0;
  }
  for (const line of renderTable(
    ['KEY', 'NAME', 'STATUS', 'READ BY'],
    rows.map((r) => [r.key, r.name, r.status, r.readers.length ? r.readers.join(', ') : '-']),
  ))
    ctx.out(line);
  for (const r of rows.filter((x) => x.status === 'empty')) ctx.log.warn(`${r.key} has no value: \`${setHint(fleet, r.key)}\``);
  return 0;
}

function statusOf(fleet: Fleet, spec: SecretSpec, s: ActualSecret | undefined): SecretRow['status'] {
  if (!s) return 'missing';
  if (s.deletedDate) return 'scheduled for deletion';
  if (notOwnedReason(s.tags, fleet.app, fleet.stage) && !spec.adopt) return 'not managed by ops';
  return s.hasValue ? 'set' : 'empty';
}
