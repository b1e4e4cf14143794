import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import { localResourceEnv } from '../../../src/invoke/local-uses.js';
import { resourceEnvironment } from '../../../src/resources/links.js';
import { type Stub, startStub } from '../../functions/support/helpers.js';

const ACCOUNT = '210987654321';
const resources = {
  alerts: { type: 'table', partitionKey: 'id' },
  files: { type: 'bucket' },
  jobs: { type: 'queue' },
  events: { type: 'topic' },
  creds: { type: 'secret', name: 'tasks/creds' },
};

function fleetWith(uses: Record<string, string> | undefined) {
  const cfg = fleetSchema.parse({
    app: 'tasks',
    region: 'eu-west-1',
    resources,
    functions: { worker: { handler: 'src/a/handler.ts', ...(uses ? { uses } : {}) } },
  });
  const fleet = resolveFleet(cfg, { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: () => true });
  return { fleet, fn: fleet.functions[0] };
}

const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
const ALL = { alerts: 'read', files: 'write', jobs: 'send', events: 'publish', creds: 'read' };

/** Issue 14 item 7: local runs get the variables of a function's `uses` as the deploy sets them. */
describe('localResourceEnv', () => {
  let sts: Stub;
  beforeAll(async () => {
    // STS as the deploy asks it for the account: GetCallerIdentity (query protocol, XML answer).
    sts = await startStub(() => ({
      headers: { 'content-type': 'text/xml' },
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/dev</Arn><UserId>AIDEXAMPLE</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    }));
  });
  afterAll(() => sts.close());

  it('with the account from STS: exactly the deployed variables, and one line naming each resource', async () => {
    const { fleet, fn } = fleetWith(ALL);
    const warnings: string[] = [];
    const got = await localResourceEnv(fleet, fn, { env: CREDS, endpointUrl: sts.url, warn: (m) => warnings.push(m) });
    expect(got.env).toEqual(resourceEnvironment(fleet, fn, ACCOUNT));
    expect(got.env.JOBS_QUEUE_URL).toBe(`https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/tasks-dev-jobs`);
    expect(got.note).toBe(
      'worker uses: alerts -> table tasks-dev-alerts, creds -> secret tasks/creds, ' +
        `events -> topic arn:aws:sns:eu-west-1:${ACCOUNT}:tasks-dev-events, files -> bucket tasks-dev-files, ` +
        `jobs -> queue https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/tasks-dev-jobs`,
    );
    expect(warnings).toEqual([]);
    expect(sts.requests).toHaveLength(1);
  });

  it('asks AWS nothing when no queue or topic is used, nor without uses', async () => {
    const before = sts.requests.length;
    const names = fleetWith({ alerts: 'read', creds: 'read' });
    const got = await localResourceEnv(names.fleet, names.fn, { env: CREDS, endpointUrl: sts.url });
    expect(got).toEqual({
      env: { ALERTS_TABLE: 'tasks-dev-alerts', CREDS_SECRET_NAME: 'tasks/creds' },
      note: 'worker uses: alerts -> table tasks-dev-alerts, creds -> secret tasks/creds',
    });
    const none = fleetWith(undefined);
    expect(await localResourceEnv(none.fleet, none.fn, { env: CREDS, endpointUrl: sts.url })).toEqual({ env: {} });
    expect(sts.requests.length).toBe(before);
  });

  it('without credentials or with AWS unreachable: names still set, a queue URL and topic ARN left out with one warning each', async () => {
    const { fleet, fn } = fleetWith(ALL);
    const warnings: string[] = [];
    const got = await localResourceEnv(fleet, fn, { env: {}, warn: (m) => warnings.push(m) });
    expect(got.env).toEqual({ ALERTS_TABLE: 'tasks-dev-alerts', FILES_BUCKET: 'tasks-dev-files', CREDS_SECRET_NAME: 'tasks/creds' });
    expect(warnings).toEqual([
      "worker: EVENTS_TOPIC_ARN is not set in this local run: the topic's ARN needs the account id (no AWS credentials)",
      "worker: JOBS_QUEUE_URL is not set in this local run: the queue's URL needs the account id (no AWS credentials)",
    ]);

    const closed = await startStub(() => ({}));
    await closed.close();
    const unreachable: string[] = [];
    const down = await localResourceEnv(fleet, fn, { env: CREDS, endpointUrl: closed.url, warn: (m) => unreachable.push(m) });
    expect(down.env).toEqual(got.env);
    expect(unreachable).toHaveLength(2);
    expect(unreachable[1]).toMatch(
      /^worker: JOBS_QUEUE_URL is not set in this local run: the queue's URL needs the account id \(AWS not reachable: /,
    );
  });
});
