import type { ParsedDynamodbTrigger, ParsedEventPatternTrigger } from './event-triggers.js';
import type { KeptName } from './kept-name.js';
import { patternRuleSuffix, ruleName, ruleStatementId, sortedJson } from './naming.js';
import { keptNameFor } from './resolve-kept-name.js';
import type { DynamoTriggerSpec, EventRuleSpec } from './types.js';

/* A DynamoDB stream trigger and an EventBridge pattern trigger resolved (their schemas: src/config/event-triggers.ts). Zod-free. */

export const DEFAULT_BUS = 'default';

/** A rule trigger's kept name for the stage (`ruleName`), or undefined: ops derives it. */
export const keptRuleName = (t: { ruleName?: KeptName }, app: string, stage: string) => keptNameFor(t.ruleName, app, stage);

/** Lambda's defaults for a stream mapping, except where noted on the schema. */
export function resolveDynamodbTrigger(t: ParsedDynamodbTrigger): DynamoTriggerSpec {
  return {
    kind: 'dynamodb',
    table: t.dynamodb,
    startingPosition: t.startingPosition ?? 'LATEST',
    batchSize: t.batchSize ?? 100,
    batchWindowSeconds: t.batchWindow ?? 0,
    filters: (t.filters ?? []).map(sortedJson),
    bisectOnError: t.bisectOnError ?? false,
    retryAttempts: t.retryAttempts ?? -1,
    maxRecordAgeSeconds: t.maxRecordAge ?? -1,
    ...(t.onFailure ? { onFailure: t.onFailure } : {}),
  };
}

/** The rule's name hashes bus and pattern unless named, so a changed pattern is a new rule and the old one is pruned. */
export function resolveEventPatternTrigger(app: string, stage: string, key: string, t: ParsedEventPatternTrigger): EventRuleSpec {
  const bus = t.bus ?? DEFAULT_BUS;
  const rule = keptRuleName(t, app, stage) ?? ruleName(app, stage, key, t.name ?? patternRuleSuffix(bus, t.eventPattern));
  return {
    kind: 'eventbridge',
    ruleName: rule,
    ...(t.adopt ? { adopt: true } : {}),
    pattern: sortedJson(t.eventPattern),
    bus,
    enabled: t.enabled ?? true,
    ...(t.input !== undefined ? { input: JSON.stringify(t.input) } : {}),
    ...(t.description ? { description: t.description } : {}),
    statementId: ruleStatementId(rule),
  };
}
