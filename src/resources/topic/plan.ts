import { ADOPTED_TAG, MAX_TOPIC_SUBSCRIPTIONS, subscriptionMark, TOPIC_SUBSCRIPTIONS_TAG, topicArn } from '../../config/naming.js';
import type { TopicSpec, TopicSubscriptionSpec } from '../../config/resources.js';
import { UserError } from '../../errors.js';
import { type ActualTopic, type ActualTopicSubscription, subscriptionKey } from '../../model/topic.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { canonicalJson, compareStrings, fieldsSummary, quote } from '../../plan/fields.js';
import { assertAdoptable, desiredResourceTags, keptTagEdit, type TagEdit } from '../plan-owned.js';

export type TopicChange =
  /** CreateTopic (FIFO and content-based deduplication as attributes) with its tags. */
  | (ChangeBase & { kind: 'topic.create'; name: string; fifo: boolean; contentBasedDeduplication: boolean; tags: Record<string, string> })
  /** SetTopicAttributes (`contentBasedDeduplication` when it differs), then the tags. */
  | (ChangeBase & TagEdit & { kind: 'topic.update'; name: string; arn: string; contentBasedDeduplication?: boolean })
  /** A topic not made by ops, taken over (`adopt: true`): tagged, its attributes brought to the config; never recreated. */
  | (ChangeBase & TagEdit & { kind: 'topic.adopt'; name: string; arn: string; contentBasedDeduplication?: boolean })
  /** Subscribe a declared endpoint (email, sqs, https...). */
  | (ChangeBase & { kind: 'topic.subscribe'; topicArn: string; protocol: string; endpoint: string; filterPolicy?: string })
  /** The filter policy of one of its subscriptions (undefined: removed). */
  | (ChangeBase & { kind: 'topic.filter'; subscriptionArn: string; filterPolicy?: string })
  /** Unsubscribe an endpoint ops subscribed that the config no longer declares. */
  | (ChangeBase & { kind: 'topic.unsubscribe'; subscriptionArn: string })
  /** DeleteTopic: the topic left the config (topics hold no data); SNS removes its subscriptions with it. */
  | (ChangeBase & { kind: 'topic.delete'; name: string; arn: string });

export const TOPIC_TYPE = 'sns topic';

/** The topics the run wants: none on a destroy. */
export const desiredTopics = (ctx: PlanContext): TopicSpec[] =>
  ctx.destroy ? [] : (ctx.fleet.resources ?? []).filter((r): r is TopicSpec => r.type === 'topic');

/** The filter policy as SNS will hold it (JSON text), or undefined. */
const filterOf = (s: TopicSubscriptionSpec) => (s.filterPolicy ? (canonicalJson(s.filterPolicy) ?? s.filterPolicy) : undefined);
const endpointText = (s: { protocol: string; endpoint: string }) => `${s.protocol}:${s.endpoint}`;
const isPending = (s: ActualTopicSubscription) => !s.arn.startsWith('arn:');

/** The config's tags, ops's, and the marks of the subscriptions the config declares (the ones ops makes). */
export function desiredTopicTags(ctx: PlanContext, spec: TopicSpec): Record<string, string> {
  const marks = [...new Set(spec.subscriptions.map((s) => subscriptionMark(s.protocol, s.endpoint)))].sort();
  if (marks.length > MAX_TOPIC_SUBSCRIPTIONS)
    throw new UserError(`topic ${spec.key}: ${marks.length} subscriptions; ops manages at most ${MAX_TOPIC_SUBSCRIPTIONS} per topic`, {
      hint: 'subscribe the rest outside ops, or fan out through a queue',
    });
  return {
    ...desiredResourceTags(ctx, spec, { withRemoval: false }),
    ...(marks.length ? { [TOPIC_SUBSCRIPTIONS_TAG]: marks.join(' ') } : {}),
  };
}

/** Subscribes, filter updates and unsubscribes that bring `have`'s subscriptions to the spec's. */
function planTopicSubscriptions(
  ctx: PlanContext,
  spec: TopicSpec,
  arn: string,
  have: ActualTopic | undefined,
  deps: string[],
): TopicChange[] {
  const out: TopicChange[] = [];
  const existing = new Map((have?.subscriptions ?? []).map((s) => [subscriptionKey(s), s]));
  const base = (s: { protocol: string; endpoint: string }) => ({
    resource: { type: 'sns subscription', name: `${spec.physicalName} → ${endpointText(s)}` },
    fields: [] as FieldDiff[],
  });
  for (const want of spec.subscriptions) {
    const current = existing.get(subscriptionKey(want));
    const filter = filterOf(want);
    if (!current) {
      out.push({
        ...base(want),
        kind: 'topic.subscribe',
        id: changeId('topic.subscribe', `${spec.physicalName}:${endpointText(want)}`),
        action: 'create',
        summary: `subscribe ${endpointText(want)} to topic ${spec.physicalName}${filter ? ' (filtered)' : ''}${['email', 'email-json', 'http', 'https'].includes(want.protocol) ? ' (pending until the endpoint confirms)' : ''}`,
        fields: filter ? [{ field: 'filter', to: quote(filter) }] : [],
        dependsOn: deps,
        topicArn: arn,
        protocol: want.protocol,
        endpoint: want.endpoint,
        ...(filter ? { filterPolicy: filter } : {}),
      });
      continue;
    }
    // A pending subscription's attributes cannot be read or set until it is confirmed.
    if (isPending(current) || canonicalJson(current.filterPolicy) === canonicalJson(filter)) continue;
    out.push({
      ...base(want),
      kind: 'topic.filter',
      id: changeId('topic.filter', current.arn),
      action: 'update',
      summary: `update the filter of ${endpointText(want)} on topic ${spec.physicalName}`,
      fields: [
        { field: 'filter', from: current.filterPolicy ? quote(current.filterPolicy) : '(none)', to: filter ? quote(filter) : '(none)' },
      ],
      dependsOn: [],
      subscriptionArn: current.arn,
      ...(filter ? { filterPolicy: filter } : {}),
    });
  }
  // Only what ops subscribed (its mark is on the topic) and the config dropped: never one made by hand.
  const marks = new Set((have?.tags[TOPIC_SUBSCRIPTIONS_TAG] ?? '').split(' ').filter(Boolean));
  const wanted = new Set(spec.subscriptions.map(subscriptionKey));
  const dropped = [...existing.values()].filter(
    (s) => !wanted.has(subscriptionKey(s)) && marks.has(subscriptionMark(s.protocol, s.endpoint)),
  );
  for (const s of dropped.sort((a, b) => compareStrings(subscriptionKey(a), subscriptionKey(b)))) {
    if (isPending(s)) {
      ctx.warnings.push(
        `topic ${spec.key}: ${endpointText(s)} is still pending confirmation and cannot be unsubscribed: SNS drops it if it is not confirmed within 3 days`,
      );
      continue;
    }
    out.push({
      ...base(s),
      kind: 'topic.unsubscribe',
      id: changeId('topic.unsubscribe', s.arn),
      action: 'delete',
      summary: `unsubscribe ${endpointText(s)} from topic ${spec.physicalName}`,
      dependsOn: [],
      subscriptionArn: s.arn,
    });
  }
  return out;
}

const fifoRefused = (spec: TopicSpec, have: ActualTopic) =>
  new UserError(
    `topic ${spec.key}: ${have.name} is ${have.fifo ? 'a FIFO' : 'a standard'} topic and SNS cannot change that in place; nothing was changed`,
    {
      hint: `FIFO topics end in .fifo: give resources.${spec.key} a name that matches (or remove \`name\`)`,
    },
  );

/** Attribute and tag changes of an existing topic, ours (`topic.update`) or adopted (`topic.adopt`). */
function planExisting(
  ctx: PlanContext,
  spec: TopicSpec,
  have: ActualTopic,
  kind: 'topic.update' | 'topic.adopt',
  deps: string[],
): TopicChange[] {
  if (have.fifo !== spec.fifo) throw fifoRefused(spec, have);
  const fields: FieldDiff[] = [];
  const dedup = spec.fifo && have.contentBasedDeduplication !== spec.contentBasedDeduplication;
  if (dedup)
    fields.push({
      field: 'contentBasedDeduplication',
      from: String(have.contentBasedDeduplication),
      to: String(spec.contentBasedDeduplication),
    });
  const adopt = kind === 'topic.adopt';
  // Once adopted, always adopted: the mark outlives the config entry, so the topic is kept when it leaves.
  const adopted = adopt || have.tags[ADOPTED_TAG] === 'true';
  const tags = keptTagEdit(have.tags, { ...desiredTopicTags(ctx, spec), ...(adopted ? { [ADOPTED_TAG]: 'true' } : {}) });
  fields.push(...tags.fields);
  if (!fields.length) return [];
  return [
    {
      kind,
      id: changeId(kind, spec.physicalName),
      action: 'update',
      resource: { type: TOPIC_TYPE, name: spec.physicalName },
      summary: `${adopt ? `adopt topic ${spec.physicalName} (tagged, not recreated)` : `update topic ${spec.physicalName}`}: ${fieldsSummary(fields)}`,
      fields,
      // The marks of dropped subscriptions go only once they are unsubscribed: a failed unsubscribe is retried next run.
      dependsOn: deps,
      name: spec.physicalName,
      arn: have.arn,
      ...(dedup ? { contentBasedDeduplication: spec.contentBasedDeduplication } : {}),
      addTags: tags.addTags,
      removeTags: tags.removeTags,
    },
  ];
}

function planTopic(ctx: PlanContext, spec: TopicSpec): TopicChange[] {
  const owned = ctx.actual.topics?.owned[spec.physicalName];
  const unowned = owned ? undefined : ctx.actual.topics?.unowned[spec.physicalName];
  if (unowned) assertAdoptable('topic', spec, unowned.tags);
  const have = owned ?? unowned;
  const arn = have?.arn ?? topicArn(ctx.region, ctx.accountId, spec.physicalName);
  if (!have) {
    const create: TopicChange = {
      kind: 'topic.create',
      id: changeId('topic.create', spec.physicalName),
      action: 'create',
      resource: { type: TOPIC_TYPE, name: spec.physicalName },
      summary: `create topic ${spec.physicalName}${spec.fifo ? ` (FIFO${spec.contentBasedDeduplication ? ', content-based deduplication' : ''})` : ''}`,
      fields: [],
      dependsOn: [],
      name: spec.physicalName,
      fifo: spec.fifo,
      contentBasedDeduplication: spec.fifo && spec.contentBasedDeduplication,
      tags: desiredTopicTags(ctx, spec),
    };
    return [create, ...planTopicSubscriptions(ctx, spec, arn, undefined, [create.id])];
  }
  // Adopting: the topic is ours (tagged) before anything is subscribed to it.
  const kind = owned ? 'topic.update' : 'topic.adopt';
  const subs = planTopicSubscriptions(ctx, spec, arn, have, unowned ? [changeId(kind, spec.physicalName)] : []);
  const unsubscribes = subs.filter((c) => c.kind === 'topic.unsubscribe').map((c) => c.id);
  const update = planExisting(ctx, spec, have, kind, unsubscribes);
  // A subscribe waits for an adoption only when there is one.
  if (!update.length) for (const c of subs) c.dependsOn = c.dependsOn.filter((d) => d !== changeId(kind, spec.physicalName));
  return [...update, ...subs];
}

/**
 * The fleet's SNS topics: created with their subscriptions to endpoints that are not functions, updated in place
 * (content-based deduplication, tags, subscriptions), adopted when the config says so; an existing topic not ours
 * stops the plan. Topics hold no data: one that leaves the config is deleted (subscriptions with it), unless ops adopted
 * it rather than created it (tagged `ops:adopted`: someone else made it, and may still use it). A deploy or
 * destroy of named functions leaves topics alone.
 */
export function planTopics(ctx: PlanContext): TopicChange[] {
  if (ctx.scope && ctx.destroy) return [];
  const specs = desiredTopics(ctx);
  const out = specs.flatMap((spec) => planTopic(ctx, spec));
  if (ctx.scope) return out;
  const desired = new Set(specs.map((s) => s.physicalName));
  const leaving = Object.values(ctx.actual.topics?.owned ?? {})
    .filter((t) => !desired.has(t.name))
    .sort((a, b) => compareStrings(a.name, b.name));
  for (const t of leaving) {
    if (t.tags[ADOPTED_TAG] === 'true') {
      ctx.warnings.push(
        `topic ${t.name}: kept: ops adopted it, did not create it (its subscriptions stay; \`aws sns delete-topic\` removes it if it is not needed)`,
      );
      continue;
    }
    const n = t.subscriptions.length;
    out.push({
      kind: 'topic.delete',
      id: changeId('topic.delete', t.name),
      action: 'delete',
      resource: { type: TOPIC_TYPE, name: t.name },
      summary: `delete topic ${t.name}${n ? ` and its ${n} subscription${n === 1 ? '' : 's'} to endpoints` : ''}`,
      fields: [],
      dependsOn: [],
      name: t.name,
      arn: t.arn,
    });
  }
  return out;
}
