import { describe, expect, it } from 'vitest';
import { isConditionOperator, scheduleProblem } from '../../../src/config/iam.js';
import { ruleName } from '../../../src/config/naming.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import { settingsFleet, settingsFleetConfig } from '../plan/settings-fleet.js';

const everything: ValidateEnv = { stage: 'dev', exists: () => true };
const problemsOf = (cfg: unknown, env = everything) =>
  Object.fromEntries(validateFleet(cfg, env).problems.map((p) => [p.path, p.message])) as Record<string, string>;
const withDetector = (patch: Record<string, unknown>) => {
  const cfg = settingsFleetConfig();
  Object.assign(cfg.functions.detector, patch);
  return cfg;
};

describe('a fleet with triggers, alarms and settings', () => {
  it('accepts it and resolves the rule and alarm names for the stage', () => {
    expect(validateFleet(settingsFleetConfig(), everything).problems).toEqual([]);
    const f = settingsFleet();
    const detector = f.functions.find((x) => x.key === 'detector')!;
    expect(detector.triggers.map((t) => (t.kind === 'schedule' ? [t.ruleName, t.statementId] : t.kind))).toEqual([
      ['tasks-dev-detector-1b5084fe', 'ops-rule-tasks-dev-detector-1b5084fe'],
      ['tasks-dev-detector-noon', 'ops-rule-tasks-dev-detector-noon'],
    ]);
    expect(detector.alarms.map((a) => `${a.name} ${a.statistic} ${a.comparison}`)).toEqual([
      'tasks-dev-detector-Errors-1 Sum GreaterThanOrEqualToThreshold',
      'tasks-dev-detector-Duration-1 p99 GreaterThanOrEqualToThreshold',
      'tasks-dev-detector-Errors-2 Average GreaterThanThreshold',
    ]);
  });

  it('rule names stay within 64 characters, keeping the prefix they are found by and the suffix', () => {
    const name = ruleName('app', 'feature-branch-x', 'a-rather-long-function-name-of-forty-ch', '1b5084fe');
    expect(name.length).toBe(64);
    expect(name.startsWith('app-feature-branch-x-a-rather')).toBe(true);
    expect(name.endsWith('-1b5084fe')).toBe(true);
  });
});

describe('inline policies: IAM grammar, checked before any call', () => {
  it('names the action, resource and condition that IAM would refuse, with their paths', () => {
    const p = problemsOf(
      withDetector({
        permissions: [
          { Action: ['dynamodb:PutItem', 'dynamodb PutItem'], Resource: 'arn:aws:dynamodb:*:*:table/alerts' },
          { Action: 's3:GetObject', Resource: ['bucket/*'] },
          { Action: 's3:GetObject', Resource: '*', Condition: { StringEqual: { 's3:prefix': 'a' }, StringLike: { prefix: 'a' } } },
          { Resource: '*' },
          { Action: '*', NotAction: 's3:*', Resource: '*' },
        ],
      }),
    );
    expect(p).toEqual({
      'functions.detector.permissions.0.Action.1': "'dynamodb PutItem' is not service:Action",
      'functions.detector.permissions.1.Resource.0': "'bucket/*' is not an ARN (arn:partition:service:region:account:resource) or *",
      'functions.detector.permissions.2.Condition.StringEqual': "'StringEqual' is not a condition operator (did you mean 'StringEquals'?)",
      'functions.detector.permissions.2.Condition.StringLike.prefix': "'prefix' is not a condition key (service:key)",
      'functions.detector.permissions.3.Action': 'is required (or NotAction)',
      'functions.detector.permissions.4.NotAction': 'a statement has Action or NotAction, not both',
    });
  });

  it('accepts what the seeds write: wildcards, S3 ARNs without region and account, condition operators with qualifiers', () => {
    const p = problemsOf(
      withDetector({
        permissions: [
          { Action: ['s3:PutObject', 's3:Get*'], Resource: 'arn:aws:s3:::domain-alert-analysis/*' },
          { Action: 'logs:*', Resource: 'arn:aws:logs:*:*:*' },
          { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::aws:policy/ReadOnly' },
          {
            Action: 'dynamodb:Query',
            Resource: '*',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['a'] }, BoolIfExists: { 'aws:SecureTransport': true } },
          },
        ],
      }),
    );
    expect(p).toEqual({});
    expect(isConditionOperator('NullIfExists')).toBe(false);
    expect(isConditionOperator('ForAnyValue:ArnLikeIfExists')).toBe(true);
  });
});

describe('triggers, layers, alarms, async: what AWS would refuse', () => {
  it('schedule expressions as EventBridge reads them', () => {
    expect(scheduleProblem('rate(5 minutes)')).toBeUndefined();
    expect(scheduleProblem('rate(1 hour)')).toBeUndefined();
    expect(scheduleProblem('cron(0/5 * ? * MON-FRI *)')).toBeUndefined();
    expect(scheduleProblem('rate(1 minutes)')).toContain('rate(1 minute)');
    expect(scheduleProblem('rate(5 minute)')).toContain('rate(5 minutes)');
    expect(scheduleProblem('cron(0 12 * * *)')).toContain('6 fields');
    expect(scheduleProblem('cron(0 12 * * MON *)')).toContain('?');
    expect(scheduleProblem('every 5 minutes')).toContain('rate(5 minutes) or cron');
  });

  it('reports each problem at its path', () => {
    const cfg = withDetector({
      triggers: [
        { schedule: 'rate(5 minutes)' },
        { schedule: 'rate(5 minutes)', input: { other: true } },
        { schedule: 'rate(1 minutes)' },
        { sns: 'arn:aws:sns:us-east-1:123456789012:t' },
        { sns: 'arn:aws:sns:us-east-1:123456789012:t' },
        { sns: 'execution-trigger' },
      ],
      alarms: [{ metric: 'Errors', threshold: 1, snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:t', periodSeconds: 90 }],
      layers: ['arn:aws:lambda:us-east-1:123456789012:layer:shared', { path: 'layers/missing' }],
      async: { onFailure: 'nowhere' },
    });
    const p = problemsOf(cfg, { stage: 'dev', exists: (rel) => !rel.includes('missing') });
    expect(p).toMatchObject({
      'functions.detector.triggers.1': expect.stringContaining('give the schedules different names'),
      'functions.detector.triggers.2.schedule': expect.stringContaining('rate(1 minute)'),
      'functions.detector.triggers.4.sns': "'arn:aws:sns:us-east-1:123456789012:t' is already triggers.3",
      'functions.detector.triggers.5.sns':
        "no topic 'execution-trigger' in resources: sns takes a topic ARN or the key of a declared topic",
      'functions.detector.alarms.0.periodSeconds': 'a period is 10, 30 or a multiple of 60 seconds',
      'functions.detector.layers.0': expect.stringContaining('layer version ARN'),
      'functions.detector.layers.1.path': 'directory not found: layers/missing',
      'functions.detector.async.onFailure': "'nowhere' is neither an SQS, SNS, Lambda or EventBridge ARN nor a function of this fleet",
    });
  });

  it('one layer name, one directory', () => {
    const cfg = settingsFleetConfig();
    cfg.functions.worker.layers = [{ path: 'other/sdk' }];
    expect(problemsOf(cfg)).toEqual({
      'functions.worker.layers.0': "layer 'sdk' is already built from layers/sdk (functions.executor.layers.0): give this one another name",
    });
  });
});
