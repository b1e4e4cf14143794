import { describe, expect, it } from 'vitest';
import { POLICY_MARKER_TAG, RESERVED_MARKER_TAG } from '../../../src/config/naming.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { functionTags } from '../../../src/resources/function-settings/plan.js';
import { actualFrom, expectOrder, expectTopological } from '../plan/builders.js';
import { resolveConfig, settingsFleetConfig } from '../plan/settings-fleet.js';

/**
 * The whole-stage read asks for a function's `live` policy and reserved concurrency only where a marker tag (or the
 * config) says there is one (src/aws/lambda-read.ts). So the markers must follow the config, go on before what they
 * mark is made, and come off only after it is gone.
 */
describe('marker tags of what the reader asks about', () => {
  const withRoutesAndAuthorizer = () => {
    const cfg = settingsFleetConfig();
    cfg.functions.api = { handler: 'src/api/handler.ts', routes: ['GET /a'] };
    cfg.functions.auth = { handler: 'src/auth/handler.ts' };
    cfg.functions.consumer = { handler: 'src/consumer/handler.ts', url: true };
    cfg.api = { authorizers: { mine: { type: 'lambda', function: 'auth' } } };
    return cfg;
  };

  it('marks the functions whose live policy holds statements: routes, rule and topic triggers, a URL, an authorizer', () => {
    const f = resolveConfig(withRoutesAndAuthorizer());
    const marked = f.functions.filter((fn) => functionTags(fn)[POLICY_MARKER_TAG] === '1').map((fn) => fn.key);
    // detector: schedules; executor: an SNS topic; worker: none (its async destination is a setting, not a statement).
    expect(marked.sort()).toEqual(['api', 'auth', 'consumer', 'detector', 'executor']);
    const reserved = f.functions.filter((fn) => functionTags(fn)[RESERVED_MARKER_TAG] === '1').map((fn) => fn.key);
    expect(reserved).toEqual(['detector']);
    // Only the function carries it: roles, log groups and alarms keep the config's tags.
    expect(f.functions.every((fn) => fn.tags[POLICY_MARKER_TAG] === undefined)).toBe(true);
  });

  it('an existing function gains the marker before its first statement, and loses it only after its last', () => {
    const before = resolveConfig(settingsFleetConfig());
    // Deployed without the topic trigger: executor is unmarked; then the config adds a route to it.
    const noTrigger = settingsFleetConfig();
    noTrigger.functions.executor.triggers = [];
    const deployed = resolveConfig(noTrigger);
    const adding = planDeploy({ fleet: before, artifacts: {}, actual: actualFrom(deployed), paramValues: {} });
    expectTopological(adding);
    const tag = 'function.tag:tasks-dev-executor';
    const sub = adding.changes.find((c) => c.kind === 'subscription.create')!;
    expect(adding.changes.find((c) => c.id === tag)).toMatchObject({ add: { [POLICY_MARKER_TAG]: '1' } });
    expectOrder(adding, tag, sub.id);

    // And back: the trigger leaves the config; the unsubscribe (and its statement) goes first, then the marker.
    const removing = planDeploy({ fleet: deployed, artifacts: {}, actual: actualFrom(before), paramValues: {} });
    expectTopological(removing);
    const unsub = removing.changes.find((c) => c.kind === 'subscription.delete')!;
    expect(removing.changes.find((c) => c.id === tag)).toMatchObject({ remove: [POLICY_MARKER_TAG] });
    expectOrder(removing, unsub.id, tag);
  });

  it('reserved concurrency dropped from the config: the delete goes before the marker comes off', () => {
    const cfg = settingsFleetConfig();
    delete cfg.functions.detector.reservedConcurrency;
    const p = planDeploy({
      fleet: resolveConfig(cfg),
      artifacts: {},
      actual: actualFrom(resolveConfig(settingsFleetConfig())),
      paramValues: {},
    });
    expectOrder(p, 'reserved.delete:tasks-dev-detector', 'function.tag:tasks-dev-detector');
  });
});
