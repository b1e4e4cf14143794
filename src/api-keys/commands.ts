import { attachKey, createApiKey, deleteApiKey, readApiKeys, revealApiKey } from '../aws/api-keys.js';
import type { Aws } from '../aws/clients.js';
import type { Context } from '../cli/context.js';
import { loadFleetFor, withAws } from '../cli/setup.js';
import { didYouMean } from '../config/did-you-mean.js';
import { RESOURCE_KEY_TAG } from '../config/naming.js';
import type { ApiKeySpec } from '../config/resolve-api-keys.js';
import type { Fleet } from '../config/types.js';
import { UsageError, UserError } from '../errors.js';
import type { ActualApiKey, ActualApiKeys } from '../model/api-keys.js';
import { readSecretInput, type SecretsSetOptions } from '../secrets/commands.js';
import { confirm } from '../ui/prompt.js';

/** Flags of `ops api-key set`: as `ops secrets set`. */
export type ApiKeySetOptions = SecretsSetOptions;

export interface ApiKeyShowOptions {
  reveal?: boolean;
}

/** API Gateway's bounds on a key's value. */
const MIN_VALUE = 20;
const MAX_VALUE = 128;

const setHint = (fleet: Fleet, name: string) => `ops api-key set ${name} --stdin --stage ${fleet.stage}`;

/** The declared key of that name (or physical name), or one line naming the declared ones. */
export function findKeySpec(fleet: Fleet, name: string): ApiKeySpec {
  // Every REST API's keys, the default API's first: a name two APIs share is that one's (the physical name picks either).
  const all = [fleet.api, ...(fleet.apis ?? [])].flatMap((a) => (a?.type === 'rest' ? (a.keys ?? []) : []));
  const found = all.find((k) => k.physicalName === name) ?? all.find((k) => k.name === name);
  if (found) return found;
  const guess = didYouMean(
    name,
    all.map((k) => k.name),
  );
  throw new UsageError(`no API key '${name}' in the config's api.keys`, {
    hint: guess
      ? `did you mean '${guess}'?`
      : all.length
        ? `keys: ${all.map((k) => k.name).join(', ')}`
        : "declare it: api: { type: 'rest', keys: { partner: { value: 'stdin' } }, usagePlans: { ... } }",
  });
}

const ownedKey = (have: ActualApiKeys, spec: ApiKeySpec): ActualApiKey | undefined => have.keys.find((k) => k.name === spec.physicalName);

/**
 * `ops api-key set <name>`: the key gets the value read from stdin, a file or a masked prompt. A key's value
 * cannot change in place: an existing key is replaced (a new key with the value, put in the old one's usage
 * plans, then the old one deleted), after a confirmation. Never echoed.
 */
export async function apiKeySet(ctx: Context, name: string, value: string | undefined, opts: ApiKeySetOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const spec = findKeySpec(fleet, name);
  const input = await readSecretInput(
    ctx,
    { what: `api key ${spec.name}`, stage: fleet.stage, command: setHint(fleet, spec.name) },
    value,
    opts,
  );
  if (input.length < MIN_VALUE || input.length > MAX_VALUE)
    throw new UsageError(
      `the value of api key ${spec.name} has ${input.length} characters: API Gateway takes ${MIN_VALUE} to ${MAX_VALUE}`,
    );
  return withAws(ctx, fleet, async (aws) => {
    const have = await readApiKeys(aws, fleet);
    const old = ownedKey(have, spec);
    if (old) {
      const ok = await confirm(ctx, `Replace the value of api key ${spec.physicalName}? Clients sending the old one get 403`, {
        refuse: `not replacing api key ${spec.physicalName}`,
      });
      if (!ok) {
        ctx.log.warn(`left ${spec.physicalName} as it was`);
        return 1;
      }
    }
    const id = await replaceKey(aws, fleet, spec, old, have, input);
    if (ctx.global.json) ctx.outJson({ name: spec.name, keyName: spec.physicalName, id, outcome: old ? 'replaced' : 'created' });
    else ctx.out(`${old ? 'replaced' : 'created'} api key ${spec.name} (${spec.physicalName}, id ${id})`);
    if (!old) ctx.log.info(ctx.color.dim(`\`ops deploy --stage ${fleet.stage}\` attaches it to its usage plans`));
    return 0;
  });
}

async function replaceKey(aws: Aws, fleet: Fleet, spec: ApiKeySpec, old: ActualApiKey | undefined, have: ActualApiKeys, value: string) {
  const tags = { ...fleet.tags, [RESOURCE_KEY_TAG]: spec.name };
  const id = await createApiKey(aws, { name: spec.physicalName, enabled: spec.enabled, description: spec.description, tags }, value);
  if (!old) return id;
  // The new key meters where the old one did before the old one goes: no window in which no key is accepted.
  for (const p of have.plans.filter((x) => x.keyIds.includes(old.id))) await attachKey(aws, p.id, id);
  await deleteApiKey(aws, old.id);
  return id;
}

/** `ops api-key show <name>`: id, state, usage plans; the value on stdout only with --reveal. */
export async function apiKeyShow(ctx: Context, name: string, opts: ApiKeyShowOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const spec = findKeySpec(fleet, name);
  return withAws(ctx, fleet, async (aws) => {
    const have = await readApiKeys(aws, fleet);
    const key = ownedKey(have, spec);
    if (!key)
      throw new UserError(`api key ${spec.name} (${spec.physicalName}) does not exist for stage ${fleet.stage}`, {
        hint: spec.fromStdin ? `run \`… | ${setHint(fleet, spec.name)}\`` : `run \`ops deploy --stage ${fleet.stage}\`: it creates the key`,
      });
    const plans = have.plans.filter((p) => p.keyIds.includes(key.id)).map((p) => p.name);
    const value = opts.reveal ? await revealApiKey(aws, key.id) : undefined;
    if (ctx.global.json) {
      ctx.outJson({
        name: spec.name,
        keyName: key.name,
        id: key.id,
        enabled: key.enabled,
        usagePlans: plans,
        ...(opts.reveal ? { value } : {}),
      });
      return 0;
    }
    ctx.log.info(
      `${key.name} (id ${key.id}) ${key.enabled ? 'enabled' : 'disabled'}; usage plans: ${plans.length ? plans.join(', ') : 'none'}`,
    );
    if (opts.reveal) ctx.out(value ?? '');
    else ctx.log.info(ctx.color.dim('value masked: pass --reveal to print it'));
    return 0;
  });
}
