import { describe, expect, it } from 'vitest';
import { externalRefs } from '../../../src/apply/preflight.js';
import { snsStatementId } from '../../../src/config/naming.js';
import { bindAccount } from '../../../src/config/refs.js';
import { resolveFleet } from '../../../src/config/resolve.js';
import { fleetSchema } from '../../../src/config/schema.js';
import { validateFleet } from '../../../src/config/validate.js';

const opts = { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: (p: string) => p === '/proj/src/a/handler.ts' };
const env = { stage: 'dev', exists: (p: string) => p === 'src/a/handler.ts' };

const config = (triggers: unknown[]) => ({
  app: 'shop',
  region: 'eu-west-1',
  resources: {
    alerts: { type: 'topic' },
    orders: { type: 'topic', fifo: true, name: 'orders-in' },
    creds: { type: 'secret' },
  },
  functions: { api: { handler: 'src/a/handler.ts', triggers } },
});
const problemsOf = (raw: unknown) => validateFleet(raw, env).problems.map((p) => `${p.path}: ${p.message}`);

describe("an SNS trigger on a topic of the fleet's resources", () => {
  it('names the topic by key: its ARN in the fleet region, the account bound by the plan, the statement id from that ARN', () => {
    const raw = config([
      { sns: 'alerts' },
      { sns: 'orders', filterPolicy: { kind: ['new'] } },
      { sns: 'arn:aws:sns:eu-west-1:111122223333:other' },
    ]);
    expect(problemsOf(raw)).toEqual([]);
    const fleet = bindAccount(resolveFleet(fleetSchema.parse(raw), opts), '123456789012');
    const arns = fleet.functions[0].triggers.map((t) => (t.kind === 'sns' ? [t.topicArn, t.statementId] : []));
    expect(arns).toEqual([
      ['arn:aws:sns:eu-west-1:123456789012:shop-dev-alerts', snsStatementId('arn:aws:sns:eu-west-1:123456789012:shop-dev-alerts')],
      ['arn:aws:sns:eu-west-1:123456789012:orders-in.fifo', snsStatementId('arn:aws:sns:eu-west-1:123456789012:orders-in.fifo')],
      ['arn:aws:sns:eu-west-1:111122223333:other', snsStatementId('arn:aws:sns:eu-west-1:111122223333:other')],
    ]);
  });

  it('a key that is no declared topic is one line with its path (and a guess); a bad ARN keeps its message', () => {
    expect(problemsOf(config([{ sns: 'alert' }, { sns: 'creds' }]))).toEqual([
      "functions.api.triggers.0.sns: no topic 'alert' in resources (did you mean 'alerts'?)",
      'functions.api.triggers.1.sns: resources.creds is a secret, not a topic',
    ]);
    expect(problemsOf(config([{ sns: 'arn:aws:sns:eu-west-1:1:x' }, { sns: 'bad key!' }]))).toEqual([
      'functions.api.triggers.0.sns: must be an SNS topic ARN (arn:aws:sns:region:account:topic) or the key of a topic in resources',
      'functions.api.triggers.1.sns: must be an SNS topic ARN (arn:aws:sns:region:account:topic) or the key of a topic in resources',
    ]);
  });

  it('the preflight checks no declared topic (the deploy creates it), only topics outside the fleet', () => {
    const raw = config([{ sns: 'alerts' }, { sns: 'arn:aws:sns:eu-west-1:111122223333:other' }]);
    const fleet = resolveFleet(fleetSchema.parse(raw), opts);
    expect(externalRefs(fleet, fleet.functions).refs.map((r) => [r.kind, r.arn])).toEqual([
      ['topic', 'arn:aws:sns:eu-west-1:111122223333:other'],
    ]);
  });
});
