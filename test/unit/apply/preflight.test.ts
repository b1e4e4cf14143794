import { describe, expect, it } from 'vitest';
import { externalRefs, trustsLambda } from '../../../src/apply/preflight.js';
import { ACCOUNT, fleet, fnSpec } from '../plan/builders.js';

describe('trustsLambda', () => {
  const doc = (statement: unknown) => ({ Version: '2012-10-17', Statement: statement });
  it.each([
    [doc([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }])],
    [doc({ Effect: 'Allow', Principal: { Service: ['edgelambda.amazonaws.com', 'lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] })],
    [doc([{ Effect: 'Allow', Principal: '*', Action: 'sts:*' }])],
    [doc([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }])],
  ])('lets Lambda assume the role: %j', (policy) => expect(trustsLambda(policy)).toBe(true));

  it.each([
    [doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }])],
    [doc([{ Effect: 'Deny', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }])],
    [doc([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:TagSession' }])],
    [doc([])],
    [undefined],
  ])('does not: %j', (policy) => expect(trustsLambda(policy)).toBe(false));
});

describe('externalRefs', () => {
  const role = `arn:aws:iam::${ACCOUNT}:role/shared`;
  const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`;

  it('names every field that refers to something outside the fleet, each thing once', () => {
    const a = fnSpec('a', {
      role,
      triggers: [{ kind: 'sns', topicArn: topic, statementId: 'ops-sns-1' }],
      layers: [
        { kind: 'arn', arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:lib:2` },
        { kind: 'build', key: 'own', name: 'tasks-dev-own', path: '/proj/layers/own' },
      ],
      vpc: { subnetIds: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'] },
      async: { onFailure: `arn:aws:sqs:us-east-1:${ACCOUNT}:dead` },
    });
    const b = fnSpec('b', {
      role,
      alarms: [
        {
          name: 'x',
          description: '',
          metric: 'Errors',
          statistic: 'Sum',
          threshold: 1,
          periodSeconds: 60,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          comparison: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'missing',
          snsTopicArn: topic,
        },
      ],
      // A function of this fleet: created by the same deploy, so not checked beforehand.
      async: { onFailure: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-a:live` },
    });
    const refs = externalRefs(fleet([a, b], { bucket: 'code-bucket' }), [a, b]);
    expect(refs.refs).toEqual([
      { kind: 'role', arn: role, paths: ['functions.a.role', 'functions.b.role'] },
      { kind: 'topic', arn: topic, paths: ['functions.a.triggers.0.sns', 'functions.b.alarms.0.snsTopicArn'] },
      { kind: 'layer', arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:lib:2`, paths: ['functions.a.layers.0'] },
      { kind: 'queue', arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dead`, paths: ['functions.a.async.onFailure'] },
    ]);
    expect(refs.vpcs).toEqual([
      {
        path: 'functions.a.vpc',
        subnets: [
          { id: 'subnet-1', path: 'functions.a.vpc.subnetIds.0' },
          { id: 'subnet-2', path: 'functions.a.vpc.subnetIds.1' },
        ],
        securityGroups: [{ id: 'sg-1', path: 'functions.a.vpc.securityGroupIds.0' }],
      },
    ]);
    expect(refs.bucket).toBe('code-bucket');
  });

  it('only the selected functions (ops deploy a)', () => {
    const a = fnSpec('a');
    const b = fnSpec('b', { role });
    expect(externalRefs(fleet([a, b]), [a]).refs).toEqual([]);
  });
});
