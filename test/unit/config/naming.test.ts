import { describe, expect, it } from 'vitest';
import {
  alarmArn,
  apiSourceArn,
  executeApiArn,
  FUNCTION_URL_STATEMENTS,
  functionArn,
  iamRoleArn,
  liveAliasArn,
  logGroupArn,
  ownerOf,
  ownershipTags,
  paramArn,
  partition,
  roleArn,
  rolePath,
  ruleArn,
  ruleStatementId,
  snsStatementId,
} from '../../../src/config/naming.js';
import { ACCOUNT_PLACEHOLDER } from '../../../src/config/refs.js';

// src/config/naming.ts is the one home of AWS names: src/aws and the planners both build ARNs with it,
// so its exact text is what the plan snapshots and the calls to AWS agree on.
describe('AWS names', () => {
  const fleet = { app: 'tasks', stage: 'dev', region: 'eu-west-1' };

  it('takes the partition from the region', () => {
    expect(partition('eu-west-1')).toBe('aws');
    expect(partition('cn-north-1')).toBe('aws-cn');
    expect(partition('us-gov-west-1')).toBe('aws-us-gov');
    expect(functionArn('cn-north-1', '123456789012', 'f')).toBe('arn:aws-cn:lambda:cn-north-1:123456789012:function:f');
  });

  it('builds each ARN as AWS writes it', () => {
    const a = '123456789012';
    expect(liveAliasArn('eu-west-1', a, 'tasks-dev-api')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:tasks-dev-api:live');
    expect(logGroupArn('eu-west-1', a, '/aws/lambda/x')).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x');
    expect(paramArn('eu-west-1', a, '/tasks/dev/key')).toBe('arn:aws:ssm:eu-west-1:123456789012:parameter/tasks/dev/key');
    expect(ruleArn('eu-west-1', a, 'r')).toBe('arn:aws:events:eu-west-1:123456789012:rule/r');
    expect(alarmArn('eu-west-1', a, 'al')).toBe('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:al');
    expect(executeApiArn('eu-west-1', a, 'abc')).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc');
    expect(apiSourceArn('eu-west-1', a, 'abc')).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc/*/*');
  });

  it('puts the roles ops manages under the stage path, and other roles where their name says', () => {
    expect(rolePath(fleet)).toBe('/ops/tasks/dev/');
    expect(roleArn(fleet, '123456789012', 'tasks-dev-api')).toBe('arn:aws:iam::123456789012:role/ops/tasks/dev/tasks-dev-api');
    expect(iamRoleArn('us-gov-east-1', ACCOUNT_PLACEHOLDER, 'team/runner')).toBe(
      `arn:aws-us-gov:iam::${ACCOUNT_PLACEHOLDER}:role/team/runner`,
    );
  });

  it('names statements and tags with one set of prefixes and keys', () => {
    expect(ruleStatementId('tasks-dev-api-0')).toBe('ops-rule-tasks-dev-api-0');
    expect(snsStatementId('arn:aws:sns:eu-west-1:123456789012:t')).toMatch(/^ops-sns-[0-9a-f]{8}$/);
    expect(Object.values(FUNCTION_URL_STATEMENTS)).toEqual(['ops-function-url', 'ops-function-url-invoke']);
    expect(ownershipTags('tasks', 'dev')).toEqual({ 'ops:app': 'tasks', 'ops:stage': 'dev' });
    expect(ownerOf(ownershipTags('tasks', 'dev'))).toEqual({ app: 'tasks', stage: 'dev' });
  });
});
