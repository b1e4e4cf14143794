import type { ApiKey, PatchOperation, UsagePlan } from '@aws-sdk/client-api-gateway';
import { API_KEY_TAG, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import type { ActualApiKey, ActualApiKeys, ActualUsagePlan } from '../model/api-keys.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { createOnce } from './once.js';
import { allPages } from './pool.js';
import { listRestApis } from './rest-api.js';
import { read, withRetry } from './retry.js';
import type { APIGateway } from './sdk/apigwrest.js';

/**
 * A REST API's keys and usage plans (API Gateway v1). A key's value is a secret: every read here asks for
 * no value (`includeValues: false`) and maps only ids, names and settings; `revealApiKey` is the one call
 * that returns it, for `ops api-key show --reveal`. CreateApiKey's answer carries the value: only its id
 * leaves this file.
 */

const isConcurrentModification = (error: unknown) =>
  nameOf(error) === 'ConflictException' && /concurrent modification/i.test((error as { message?: string }).message ?? '');
const isConflict = (error: unknown) => nameOf(error) === 'ConflictException' && !isConcurrentModification(error);

const write = <T>(aws: Aws, fn: () => Promise<T>): Promise<T> =>
  withRetry(() => aws.write(fn), { retryable: isConcurrentModification, delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry });

const owned = (tags: Record<string, string> | undefined, app: string, stage: string) =>
  tags?.[OWNER_APP_TAG] === app && tags?.[OWNER_STAGE_TAG] === stage;

async function listKeys(aws: Aws, api: APIGateway): Promise<ApiKey[]> {
  return allPages(
    (position) => read(aws, () => api.getApiKeys({ limit: 500, includeValues: false, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
}

async function listPlans(aws: Aws, api: APIGateway): Promise<UsagePlan[]> {
  return allPages(
    (position) => read(aws, () => api.getUsagePlans({ limit: 500, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
}

/** The ids of a plan's keys: GetUsagePlanKeys answers with each key's value too, which is dropped here. */
async function planKeyIds(aws: Aws, api: APIGateway, usagePlanId: string): Promise<string[]> {
  const items = await allPages(
    (position) => read(aws, () => api.getUsagePlanKeys({ usagePlanId, limit: 500, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
  return items.map((k) => k.id!).sort();
}

const mapKey = (k: ApiKey): ActualApiKey => ({
  id: k.id!,
  name: k.name ?? '',
  enabled: k.enabled ?? false,
  description: k.description ?? '',
  tags: { ...(k.tags ?? {}) },
});

// Numbers as numbers: moto answers a patched quota limit as a string.
function mapPlan(p: UsagePlan, keyIds: string[]): ActualUsagePlan {
  return {
    id: p.id!,
    name: p.name ?? '',
    description: p.description ?? '',
    ...(p.throttle ? { throttle: { rateLimit: Number(p.throttle.rateLimit ?? 0), burstLimit: Number(p.throttle.burstLimit ?? 0) } } : {}),
    ...(p.quota
      ? { quota: { limit: Number(p.quota.limit ?? 0), period: String(p.quota.period ?? ''), offset: Number(p.quota.offset ?? 0) } }
      : {}),
    stages: (p.apiStages ?? []).map((s) => `${s.apiId}:${s.stage}`).sort(),
    keyIds,
    tags: { ...(p.tags ?? {}) },
  };
}

/** The keys and usage plans tagged for the app and stage (never a value): two listings and one per owned plan. */
export async function readApiKeys(aws: Aws, scope: { app: string; stage: string }): Promise<ActualApiKeys> {
  const api = await aws.apigwRest();
  const [keys, plans] = await Promise.all([listKeys(aws, api), listPlans(aws, api)]);
  const ours = plans.filter((p) => owned(p.tags, scope.app, scope.stage));
  const keyIds = await Promise.all(ours.map((p) => planKeyIds(aws, api, p.id!)));
  return {
    keys: keys.filter((k) => owned(k.tags, scope.app, scope.stage)).map(mapKey),
    plans: ours.map((p, i) => mapPlan(p, keyIds[i])),
  };
}

/** The owned key of that name (a lost CreateApiKey answer is read back by it). */
export async function findOwnedKey(aws: Aws, name: string, tags: Record<string, string>): Promise<ActualApiKey | undefined> {
  const api = await aws.apigwRest();
  const found = (await listKeys(aws, api)).find((k) => k.name === name && owned(k.tags, tags[OWNER_APP_TAG], tags[OWNER_STAGE_TAG]));
  return found && mapKey(found);
}

export interface ApiKeyInput {
  name: string;
  description: string;
  enabled: boolean;
  tags: Record<string, string>;
}

/**
 * CreateApiKey, tagged; the value is API Gateway's unless `value` is given (from stdin, never argv). The
 * answer (which holds the value) is reduced to the id here. Sent once: a lost answer is read back by name.
 */
export async function createApiKey(aws: Aws, input: ApiKeyInput, value?: string): Promise<string> {
  const api = await aws.apigwRest();
  return createOnce(
    aws,
    async () =>
      (
        await write(aws, () =>
          api.createApiKey({
            name: input.name,
            enabled: input.enabled,
            ...(input.description ? { description: input.description } : {}),
            tags: input.tags,
            ...(value !== undefined ? { value } : {}),
          }),
        )
      ).id!,
    async () => (await findOwnedKey(aws, input.name, input.tags))?.id,
  );
}

/** UpdateApiKey: enabled and description (a key's value cannot be changed in place). */
export async function updateApiKey(aws: Aws, apiKey: string, input: { enabled: boolean; description: string }): Promise<void> {
  const api = await aws.apigwRest();
  const patchOperations: PatchOperation[] = [
    { op: 'replace', path: '/enabled', value: String(input.enabled) },
    { op: 'replace', path: '/description', value: input.description },
  ];
  await write(aws, () => api.updateApiKey({ apiKey, patchOperations }));
}

export async function deleteApiKey(aws: Aws, apiKey: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteApiKey({ apiKey })));
}

/** The key's value, for an explicit reveal only. */
export async function revealApiKey(aws: Aws, apiKey: string): Promise<string | undefined> {
  const api = await aws.apigwRest();
  return (await read(aws, () => api.getApiKey({ apiKey, includeValue: true }))).value;
}

export interface UsagePlanInput {
  name: string;
  description: string;
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string; offset: number };
  /** `{apiId}:{stage}`. */
  stages: string[];
  tags: Record<string, string>;
}

const stageOf = (s: string) => ({ apiId: s.slice(0, s.indexOf(':')), stage: s.slice(s.indexOf(':') + 1) });

/** CreateUsagePlan attached to the stages, tagged; sent once, a lost answer read back by name among the owned. */
export async function createUsagePlan(aws: Aws, input: UsagePlanInput): Promise<string> {
  const api = await aws.apigwRest();
  const find = async () =>
    (await listPlans(aws, api)).find((p) => p.name === input.name && owned(p.tags, input.tags[OWNER_APP_TAG], input.tags[OWNER_STAGE_TAG]))
      ?.id;
  return createOnce(
    aws,
    async () =>
      (
        await write(aws, () =>
          api.createUsagePlan({
            name: input.name,
            ...(input.description ? { description: input.description } : {}),
            ...(input.throttle ? { throttle: input.throttle } : {}),
            ...(input.quota ? { quota: { ...input.quota, period: input.quota.period as 'DAY' | 'WEEK' | 'MONTH' } } : {}),
            apiStages: input.stages.map(stageOf),
            tags: input.tags,
          }),
        )
      ).id!,
    find,
  );
}

/** The patch from what a plan holds to what is wanted: throttle, quota, description, stages. */
export function usagePlanPatch(want: UsagePlanInput, have: ActualUsagePlan): PatchOperation[] {
  const out: PatchOperation[] = [];
  if (want.description !== have.description) out.push({ op: 'replace', path: '/description', value: want.description });
  if (!want.throttle && have.throttle) out.push({ op: 'remove', path: '/throttle' });
  if (want.throttle && want.throttle.rateLimit !== have.throttle?.rateLimit)
    out.push({ op: 'replace', path: '/throttle/rateLimit', value: String(want.throttle.rateLimit) });
  if (want.throttle && want.throttle.burstLimit !== have.throttle?.burstLimit)
    out.push({ op: 'replace', path: '/throttle/burstLimit', value: String(want.throttle.burstLimit) });
  if (!want.quota && have.quota) out.push({ op: 'remove', path: '/quota' });
  if (want.quota) {
    const q = want.quota;
    if (q.limit !== have.quota?.limit) out.push({ op: 'replace', path: '/quota/limit', value: String(q.limit) });
    if (q.period !== have.quota?.period) out.push({ op: 'replace', path: '/quota/period', value: q.period });
    if (q.offset !== (have.quota?.offset ?? 0)) out.push({ op: 'replace', path: '/quota/offset', value: String(q.offset) });
  }
  for (const s of want.stages.filter((x) => !have.stages.includes(x))) out.push({ op: 'add', path: '/apiStages', value: s });
  for (const s of have.stages.filter((x) => !want.stages.includes(x))) out.push({ op: 'remove', path: '/apiStages', value: s });
  return out;
}

export async function updateUsagePlan(aws: Aws, usagePlanId: string, patchOperations: PatchOperation[]): Promise<void> {
  if (!patchOperations.length) return;
  const api = await aws.apigwRest();
  await write(aws, () => api.updateUsagePlan({ usagePlanId, patchOperations }));
}

/** Detaches its stages (API Gateway refuses to delete a plan still attached to one), then deletes the plan. */
export async function deleteUsagePlan(aws: Aws, usagePlanId: string, stages: string[]): Promise<void> {
  const api = await aws.apigwRest();
  const patchOperations = stages.map((value): PatchOperation => ({ op: 'remove', path: '/apiStages', value }));
  if (patchOperations.length) await orNotFound(write(aws, () => api.updateUsagePlan({ usagePlanId, patchOperations })));
  await orNotFound(write(aws, () => api.deleteUsagePlan({ usagePlanId })));
}

/** CreateUsagePlanKey; a key already attached (a retry) is fine. */
export async function attachKey(aws: Aws, usagePlanId: string, keyId: string): Promise<void> {
  const api = await aws.apigwRest();
  try {
    await write(aws, () => api.createUsagePlanKey({ usagePlanId, keyId, keyType: 'API_KEY' }));
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/** The id of the stage's named REST API (`ops:api` = key) made earlier in the run, by its tags. */
export async function findNamedRestApi(aws: Aws, tags: Record<string, string>, key: string): Promise<string | undefined> {
  return (await listRestApis(aws)).find((a) => owned(a.tags, tags[OWNER_APP_TAG], tags[OWNER_STAGE_TAG]) && a.tags?.[API_KEY_TAG] === key)
    ?.id;
}

export async function detachKey(aws: Aws, usagePlanId: string, keyId: string): Promise<void> {
  const api = await aws.apigwRest();
  await orNotFound(write(aws, () => api.deleteUsagePlanKey({ usagePlanId, keyId })));
}
