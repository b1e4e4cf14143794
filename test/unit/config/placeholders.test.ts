// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ops's ${account} and ${region} placeholders, not templates
import { describe, expect, it } from 'vitest';
import { externalRefs } from '../../../src/apply/preflight.js';
import { bindAccount } from '../../../src/config/refs.js';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import type { Fleet } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import { planDeploy, planToJson } from '../../../src/plan/index.js';
import { artifactsFor, emptyActual } from '../plan/builders.js';

/** Issue 12.8: `${account}` and `${region}` in the config's ARNs and a role by name, so one config works in any account. */

const resolve = (raw: unknown, region = 'eu-west-1'): Fleet =>
  resolveFleet(fleetSchema.parse(raw), { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: () => true, region });

/** A config naming everything outside the fleet with placeholders, or with a literal account and region. */
const config = (account: string, region: string, detectorRole: string): any => ({
  app: 'rescue',
  functions: {
    detector: {
      handler: 'src/detector/handler.ts',
      role: detectorRole,
      triggers: [{ sns: `arn:aws:sns:${region}:${account}:alerts` }],
      alarms: [{ metric: 'Errors', threshold: 1, snsTopicArn: `arn:aws:sns:${region}:${account}:ops` }],
      layers: [`arn:aws:lambda:${region}:${account}:layer:shared:3`],
      async: { onFailure: `arn:aws:sqs:${region}:${account}:dlq` },
    },
    worker: { handler: 'src/worker/handler.ts', role: `arn:aws:iam::${account}:role/service-role/worker` },
    // A role ops manages, whose policy names a table of this account.
    own: {
      handler: 'src/own/handler.ts',
      permissions: [{ Action: ['dynamodb:GetItem'], Resource: `arn:aws:dynamodb:${region}:${account}:table/rescue-*` }],
    },
  },
});
const placeholders = () => config('${account}', '${region}', 'AutoRescueLambdaExecutionRole');
const literal = (account: string, region: string) => config(account, region, `arn:aws:iam::${account}:role/AutoRescueLambdaExecutionRole`);

const planIn = (fleet: Fleet, account: string) =>
  planDeploy({ fleet, artifacts: artifactsFor(fleet), actual: { ...emptyActual(), accountId: account, region: 'eu-west-1' } });

describe('${account} and ${region} placeholders, a role by name', () => {
  it('the schema accepts them where it accepts ARNs, and a misspelt placeholder is refused', () => {
    expect(validateFleet(placeholders(), { stage: 'dev', exists: () => true }).problems).toEqual([]);
    const bad = placeholders();
    bad.functions.worker.role = 'arn:aws:iam::${acount}:role/x';
    bad.functions.detector.triggers[0].sns = 'arn:aws:sns:${regoin}:${account}:alerts';
    expect(validateFleet(bad, { stage: 'dev', exists: () => true }).problems.map((p) => p.path)).toEqual([
      'functions.detector.triggers.0.sns',
      'functions.worker.role',
    ]);
  });

  it('the region is filled in when the config is resolved; the account waits for STS; a role name becomes a role ARN', () => {
    const [detector, worker] = resolve(placeholders()).functions;
    expect(detector.role).toBe('arn:aws:iam::${account}:role/AutoRescueLambdaExecutionRole');
    expect(worker.role).toBe('arn:aws:iam::${account}:role/service-role/worker');
    expect(detector.triggers[0]).toMatchObject({ topicArn: 'arn:aws:sns:eu-west-1:${account}:alerts' });
    const bound = bindAccount(resolve(placeholders()), '111122223333').functions[0];
    expect(bound.role).toBe('arn:aws:iam::111122223333:role/AutoRescueLambdaExecutionRole');
    expect(JSON.stringify(bindAccount(resolve(placeholders()), '111122223333'))).not.toContain('${');
  });

  it('one config plans identically in two accounts, and as a config that spells each account out', () => {
    const fleet = resolve(placeholders());
    const a = planToJson(planIn(fleet, '123456789012'));
    const b = planToJson(planIn(fleet, '111122223333'));
    const text = (p: unknown, account: string) => JSON.stringify(p).split(account).join('<account>');
    expect(JSON.stringify(a)).not.toContain('${');
    expect(JSON.stringify(a)).toContain('arn:aws:iam::123456789012:role/AutoRescueLambdaExecutionRole');
    expect(text(a, '123456789012')).toBe(text(b, '111122223333'));
    expect(a).toEqual(planToJson(planIn(resolve(literal('123456789012', 'eu-west-1')), '123456789012')));
    expect(b).toEqual(planToJson(planIn(resolve(literal('111122223333', 'eu-west-1')), '111122223333')));
  });

  it('the preflight checks the resolved ARNs', () => {
    const fleet = bindAccount(resolve(placeholders()), '111122223333');
    const refs = externalRefs(fleet, fleet.functions).refs.map((r) => `${r.kind} ${r.arn}`);
    expect(refs).toEqual(
      expect.arrayContaining([
        'role arn:aws:iam::111122223333:role/AutoRescueLambdaExecutionRole',
        'topic arn:aws:sns:eu-west-1:111122223333:alerts',
        'topic arn:aws:sns:eu-west-1:111122223333:ops',
        'layer arn:aws:lambda:eu-west-1:111122223333:layer:shared:3',
        'queue arn:aws:sqs:eu-west-1:111122223333:dlq',
      ]),
    );
  });
});
