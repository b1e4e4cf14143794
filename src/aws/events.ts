import { isOtherStagesOwn, notOwnedReason, ownerOf, RULE_TARGET_ID, ruleArn, ruleKey } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Actual, ActualRule } from '../model/actual.js';
import type { ScheduleChangeSpec } from '../model/specs.js';
import type { Aws } from './clients.js';
import { isNotFound, orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';
import { removeTriggerPermission, setTriggerPermission } from './settings.js';

/** EventBridge rules behind schedule and event-pattern triggers: one rule, one target (the `live` alias), one permission. */

/** EventBusName for a rule on a bus other than the default (none for the default: the calls stay as they were). */
const onBus = (bus: string | undefined) => (bus && bus !== 'default' ? { EventBusName: bus } : {});

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** What the executor writes for a schedule: the plan's spec (rule, `live` target, permission). */
export type ScheduleInput = ScheduleChangeSpec;

/** What an update rewrites; the rest is left as it is. */
export interface ScheduleUpdate {
  rule?: boolean;
  target?: boolean;
  permission?: boolean;
  /** Targets on the rule that are not ops's. */
  removeTargetIds?: string[];
  addTags?: Record<string, string>;
  removeTags?: string[];
}

function putRule(aws: Aws, s: ScheduleInput, tags?: Record<string, string>) {
  const missingBus = (error: unknown) => {
    // Ops does not create event buses: a rule on one that does not exist is the config's to fix.
    if (!s.bus || !isNotFound(error)) throw error;
    throw new UserError(`event bus ${s.bus} does not exist (rule ${s.ruleName})`, {
      hint: `create it (aws events create-event-bus --name ${s.bus}) or set the trigger's bus to an existing one`,
    });
  };
  return aws
    .events()
    .then((events) =>
      aws.write(() =>
        events.putRule({
          Name: s.ruleName,
          ...(s.expression ? { ScheduleExpression: s.expression } : {}),
          ...(s.pattern ? { EventPattern: s.pattern } : {}),
          ...onBus(s.bus),
          State: s.enabled ? 'ENABLED' : 'DISABLED',
          Description: s.description ?? '',
          ...(tags ? { Tags: toTags(tags) } : {}),
        }),
      ),
    )
    .catch(missingBus);
}

async function putTarget(aws: Aws, s: ScheduleInput): Promise<void> {
  const events = await aws.events();
  const out = await aws.write(() =>
    events.putTargets({
      Rule: s.ruleName,
      ...onBus(s.bus),
      Targets: [{ Id: RULE_TARGET_ID, Arn: s.targetArn, ...(s.input ? { Input: s.input } : {}) }],
    }),
  );
  const failed = out.FailedEntries?.[0];
  if (failed) throw new Error(`PutTargets on rule ${s.ruleName} failed: ${failed.ErrorCode ?? ''} ${failed.ErrorMessage ?? ''}`.trim());
}

/**
 * The config's rules that may be claimed when not ours (a kept name, or `adopt`), by rule key: the planner adopts
 * them or stops naming their owner. A derived name without `adopt` stays a foreign rule, warned about, as before.
 */
function claimedRules(scope: Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>>, buses: readonly string[]) {
  const prefix = `${scope.app}-${scope.stage}-`;
  const out = new Map<string, { name: string; bus: string }>();
  for (const f of scope.functions ?? [])
    for (const t of f.triggers) {
      if (t.kind !== 'schedule' && t.kind !== 'eventbridge') continue;
      const bus = t.kind === 'eventbridge' ? t.bus : 'default';
      if (buses.includes(bus) && (t.adopt || !t.ruleName.startsWith(prefix)))
        out.set(ruleKey(t.ruleName, bus === 'default' ? undefined : bus), { name: t.ruleName, bus });
    }
  return out;
}

/** DescribeRule of each claimed rule the prefix listing did not find (a kept name outside `{app}-{stage}-`). */
async function describeKept(
  aws: Aws,
  claims: Map<string, { name: string; bus: string }>,
  listed: { Name?: string; EventBusName?: string }[],
) {
  const events = await aws.events();
  const found = new Set(
    listed.map((r) => ruleKey(r.Name ?? '', r.EventBusName && r.EventBusName !== 'default' ? r.EventBusName : undefined)),
  );
  const missing = [...claims].filter(([key]) => !found.has(key)).map(([, c]) => c);
  const described = await mapLimit(missing, 8, (c) => orNotFound(read(aws, () => events.describeRule({ Name: c.name, ...onBus(c.bus) }))));
  return described.filter((r): r is NonNullable<typeof r> => !!r?.Arn);
}

/** Lets the rule invoke `live` first (so its first event is not refused), then the rule (tagged) and its target. */
export async function createSchedule(aws: Aws, s: ScheduleInput): Promise<{ ruleArn: string }> {
  const ruleArn = await scheduleRuleArn(aws, s.ruleName, s.bus);
  await setTriggerPermission(aws, {
    name: s.functionName,
    statementId: s.statementId,
    principal: 'events.amazonaws.com',
    sourceArn: ruleArn,
  });
  await putRule(aws, s, s.tags);
  await putTarget(aws, s);
  return { ruleArn };
}

/** Rewrites what `what` names: the rule (PutRule does not change tags), its target, the permission, the tags. */
export async function updateSchedule(aws: Aws, s: ScheduleInput, what: ScheduleUpdate): Promise<void> {
  const events = await aws.events();
  const ruleArn = await scheduleRuleArn(aws, s.ruleName, s.bus);
  if (what.permission) {
    await setTriggerPermission(aws, {
      name: s.functionName,
      statementId: s.statementId,
      principal: 'events.amazonaws.com',
      sourceArn: ruleArn,
    });
  }
  if (what.rule) await putRule(aws, s);
  if (what.target) await putTarget(aws, s);
  if (what.removeTargetIds?.length)
    await aws.write(() => events.removeTargets({ Rule: s.ruleName, ...onBus(s.bus), Ids: what.removeTargetIds! }));
  if (what.removeTags?.length) await aws.write(() => events.untagResource({ ResourceARN: ruleArn, TagKeys: what.removeTags! }));
  if (what.addTags && Object.keys(what.addTags).length) {
    await aws.write(() => events.tagResource({ ResourceARN: ruleArn, Tags: toTags(what.addTags!) }));
  }
}

export interface DeleteScheduleInput {
  /** Undefined: only a stale permission is left to remove. */
  ruleName?: string;
  /** Absent: the default bus. */
  bus?: string;
  targetIds: string[];
  functionName?: string;
  statementId?: string;
}

/** Removes the targets, the rule and the permission; whatever is already gone is fine. */
export async function deleteSchedule(aws: Aws, input: DeleteScheduleInput): Promise<void> {
  const events = await aws.events();
  const rule = input.ruleName;
  if (rule) {
    if (input.targetIds.length)
      await orNotFound(aws.write(() => events.removeTargets({ Rule: rule, ...onBus(input.bus), Ids: input.targetIds })));
    await orNotFound(aws.write(() => events.deleteRule({ Name: rule, ...onBus(input.bus) })));
  }
  if (input.functionName && input.statementId) await removeTriggerPermission(aws, input.functionName, input.statementId);
}

/** An adopted rule left by ops: its ops target and tags removed, the permission on `live` too; the rule stays. */
export async function releaseSchedule(aws: Aws, input: DeleteScheduleInput & { ruleName: string; removeTags: string[] }): Promise<void> {
  const events = await aws.events();
  const onRule = { Rule: input.ruleName, ...onBus(input.bus) };
  if (input.targetIds.length) await orNotFound(aws.write(() => events.removeTargets({ ...onRule, Ids: input.targetIds })));
  const arn = await scheduleRuleArn(aws, input.ruleName, input.bus);
  if (input.removeTags.length) await orNotFound(aws.write(() => events.untagResource({ ResourceARN: arn, TagKeys: input.removeTags })));
  if (input.functionName && input.statementId) await removeTriggerPermission(aws, input.functionName, input.statementId);
}

export async function scheduleRuleArn(aws: Aws, ruleName: string, bus?: string): Promise<string> {
  return ruleArn(aws.region, await aws.accountId(), ruleName, bus);
}

/**
 * Rules named `{app}-{stage}-…` on the default bus, with tags and targets. The prefix only finds
 * candidates: a rule is ours when tagged for app and stage; the rest are foreign, reported unless
 * another stage owns it under its own name (and the config wants no rule of that name).
 */
export async function readRules(
  aws: Aws,
  scope: Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>>,
  buses: readonly string[] = ['default'],
  /**
   * Rule keys (`bus/name`, or `name` on the default bus) the stage inventory lists: looked at, ours only by tags.
   * Awaited after the listing, so a lease look still under way does not hold it up.
   */
  listedElsewhere: Promise<readonly string[]> | readonly string[] = [],
  /** With a selection: which listed rules its plan can act on (the others' tags and targets are not read). */
  keep?: Promise<(name: string) => boolean>,
): Promise<{ items: Record<string, ActualRule>; foreign: Actual['foreign'] }> {
  const events = await aws.events();
  const lists = await Promise.all(
    buses.map(async (bus) => {
      const page = (NextToken?: string) =>
        read(aws, () =>
          events.listRules({ NamePrefix: `${scope.app}-${scope.stage}-`, ...onBus(bus), ...(NextToken ? { NextToken } : {}) }),
        );
      // A named bus that does not exist (yet, or any more) holds no rule.
      return (
        (await orNotFound(
          allPages(
            page,
            (p) => p.Rules,
            (p) => p.NextToken,
          ),
        )) ?? []
      );
    }),
  );
  const claims = claimedRules(scope, buses);
  const look = new Map(claims);
  for (const key of await listedElsewhere) {
    const cut = key.lastIndexOf('/');
    const bus = cut < 0 ? 'default' : key.slice(0, cut);
    if (buses.includes(bus)) look.set(key, { name: key.slice(cut + 1), bus });
  }
  const all = [...lists.flat(), ...(await describeKept(aws, look, lists.flat()))];
  const kept = keep && (await keep);
  const listed = kept ? all.filter((r) => kept(r.Name!)) : all;
  const items: Record<string, ActualRule> = {};
  const foreign: Actual['foreign'] = [];
  const rules = await mapLimit(listed, 8, async (r) => {
    const [tags, targets] = await Promise.all([
      orNotFound(read(aws, () => events.listTagsForResource({ ResourceARN: r.Arn! }))),
      orNotFound(
        allPages(
          (NextToken) =>
            read(aws, () => events.listTargetsByRule({ Rule: r.Name!, ...onBus(r.EventBusName), ...(NextToken ? { NextToken } : {}) })),
          (page) => page.Targets,
          (page) => page.NextToken,
        ),
      ),
    ]);
    if (!tags || !targets) return undefined; // deleted while we looked
    const rule: ActualRule = {
      name: r.Name!,
      arn: r.Arn!,
      ...(r.ScheduleExpression ? { scheduleExpression: r.ScheduleExpression } : {}),
      ...(r.EventPattern ? { eventPattern: r.EventPattern } : {}),
      ...(r.EventBusName && r.EventBusName !== 'default' ? { bus: r.EventBusName } : {}),
      state: r.State ?? 'ENABLED',
      description: r.Description ?? '',
      tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
      targets: targets.map((t) => ({ id: t.Id!, arn: t.Arn!, ...(t.Input ? { input: t.Input } : {}) })),
    };
    return rule;
  });
  const wanted = new Set(
    (scope.functions ?? []).flatMap((f) =>
      f.triggers.flatMap((t) => (t.kind === 'schedule' || t.kind === 'eventbridge' ? [t.ruleName] : [])),
    ),
  );
  for (const rule of rules) {
    if (!rule) continue;
    const reason = notOwnedReason(rule.tags, scope.app, scope.stage);
    if (!reason) items[ruleKey(rule.name, rule.bus)] = rule;
    else if (claims.has(ruleKey(rule.name, rule.bus))) items[ruleKey(rule.name, rule.bus)] = { ...rule, notOwned: true };
    else if (wanted.has(rule.name) || !isOtherStagesOwn(rule.name, ownerOf(rule.tags), scope.app, scope.stage))
      foreign.push({ type: 'eventbridge rule', name: rule.name, reason });
  }
  return { items, foreign };
}
