import { describe, expect, it } from 'vitest';
import { createSecret, readSecrets } from '../../src/aws/secrets.js';
import { createTopic, readTopics } from '../../src/aws/sns-topics.js';
import { UserError } from '../../src/errors.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, unique } from './helpers.js';

const emu = useEmulator();
const calls = (proxy: { requests: readonly { operation: string }[] }, op: string) =>
  proxy.requests.filter((r) => r.operation === op).length;
const own = (app: string, key: string) => ({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': key });

/** The SNS topic and Secrets Manager calls on moto, behind the fault proxy where an answer is lost. */
describe('topics and secrets on AWS', () => {
  it('CreateTopic whose answer was lost: sent again, the same topic (CreateTopic is idempotent by name)', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    proxy.addFault({ match: { service: 'sns', operation: 'CreateTopic' }, times: 1, respond: faults.dropResponse() });
    const arn = await createTopic(aws, {
      name: `${app}-dev-alerts`,
      fifo: false,
      contentBasedDeduplication: false,
      tags: own(app, 'alerts'),
    });
    expect(calls(proxy, 'CreateTopic')).toBe(2);
    expect(arn).toBe(`arn:aws:sns:us-east-1:123456789012:${app}-dev-alerts`);
    const { topics } = await readTopics(aws, { app, stage: 'dev', names: [`${app}-dev-alerts`] });
    expect(Object.keys(topics.owned)).toEqual([`${app}-dev-alerts`]);
    aws.destroy();
  });

  it('CreateSecret whose answer was lost: sent again, ResourceExistsException, and the secret (tagged ours) taken as made', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    proxy.addFault({ match: { service: 'secretsmanager', operation: 'CreateSecret' }, times: 1, respond: faults.dropResponse() });
    const arn = await createSecret(aws, { name: `${app}-dev-creds`, tags: own(app, 'creds') });
    expect(calls(proxy, 'CreateSecret')).toBe(2);
    expect(arn).toMatch(new RegExp(`:secret:${app}-dev-creds-.{6}$`));
    aws.destroy();
  });

  it('CreateSecret on a name taken by a secret not ours (made after the plan read): one line, that secret untouched', async () => {
    const aws = awsFor(emu.env);
    const app = unique();
    const sm = await aws.secretsmanager();
    await sm.createSecret({ Name: `${app}-dev-creds`, SecretString: 'theirs', Tags: [{ Key: 'owner', Value: 'bash' }] });
    const e = await createSecret(aws, { name: `${app}-dev-creds`, tags: own(app, 'creds') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe(`secret ${app}-dev-creds exists, not managed by ops`);
    expect((await sm.getSecretValue({ SecretId: `${app}-dev-creds` })).SecretString).toBe('theirs');
    aws.destroy();
  });

  it('reads owned, unowned-with-a-declared-name and foreign secrets by prefix, scheduled deletions included, never a value', async () => {
    const aws = awsFor(emu.env);
    const app = unique();
    const sm = await aws.secretsmanager();
    const tags = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
    await sm.createSecret({ Name: `${app}-dev-a`, SecretString: 'v', Tags: tags(own(app, 'a')) });
    await sm.createSecret({ Name: `${app}-dev-gone`, Tags: tags(own(app, 'gone')) });
    await sm.deleteSecret({ SecretId: `${app}-dev-gone`, RecoveryWindowInDays: 7 });
    await sm.createSecret({ Name: `${app}-dev-declared` });
    await sm.createSecret({ Name: `${app}-dev-stray` });
    await sm.createSecret({ Name: `${app}-custom`, Tags: tags(own(app, 'custom')) });
    const { secrets, foreign } = await readSecrets(aws, { app, stage: 'dev', names: [`${app}-dev-declared`, `${app}-custom`] });
    expect(Object.keys(secrets.owned).sort()).toEqual([`${app}-custom`, `${app}-dev-a`, `${app}-dev-gone`]);
    expect(secrets.owned[`${app}-dev-a`]).toMatchObject({ hasValue: true, tags: own(app, 'a') });
    expect(JSON.stringify(secrets)).not.toContain('"v"');
    expect(secrets.owned[`${app}-dev-gone`].deletedDate).toBeDefined();
    expect(secrets.owned[`${app}-custom`].hasValue).toBe(false);
    expect(Object.keys(secrets.unowned)).toEqual([`${app}-dev-declared`]);
    expect(foreign).toEqual([{ type: 'secret', name: `${app}-dev-stray`, reason: 'no ops:app/ops:stage tags' }]);
    aws.destroy();
  });
});
