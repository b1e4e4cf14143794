import { describe, expect, it } from 'vitest';
import { validateFleet } from '../../../src/config/validate.js';

const env = { stage: 'dev', exists: (p: string) => p === 'src/a/handler.ts' };
const problemsOf = (raw: unknown) => validateFleet(raw, env).problems.map((p) => `${p.path}: ${p.message}`);
const config = (trigger: Record<string, unknown>, resources: Record<string, unknown>, timeout?: number) => ({
  app: 'shop',
  region: 'eu-west-1',
  resources,
  functions: { api: { handler: 'src/a/handler.ts', ...(timeout ? { timeout } : {}), triggers: [trigger] } },
});

describe('SQS triggers in the config', () => {
  it('accept a declared queue whose visibility timeout covers the function timeout', () => {
    expect(problemsOf(config({ sqs: 'jobs', batchSize: 5, batchWindow: 10, maxConcurrency: 2 }, { jobs: { type: 'queue' } }))).toEqual([]);
  });

  it('an unknown queue, a resource that is not a queue, a visibility timeout under the timeout: one line each', () => {
    expect(problemsOf(config({ sqs: 'job' }, { jobs: { type: 'queue' } }))).toEqual([
      "functions.api.triggers.0.sqs: no queue 'job' in resources (did you mean 'jobs'?)",
    ]);
    expect(problemsOf(config({ sqs: 'alerts' }, { alerts: { type: 'topic' } }))).toEqual([
      'functions.api.triggers.0.sqs: resources.alerts is a topic, not a queue',
    ]);
    expect(problemsOf(config({ sqs: 'jobs' }, { jobs: { type: 'queue', visibilityTimeout: 60 } }, 120))).toEqual([
      "functions.api.triggers.0.sqs: queue jobs's visibilityTimeout (60s) is shorter than the function's timeout (120s): set it to at least 720 (6× the timeout, as AWS advises)",
    ]);
  });

  it('batch settings out of range are the schema’s lines', () => {
    expect(problemsOf(config({ sqs: 'jobs', batchSize: 0, batchWindow: 301, maxConcurrency: 1 }, { jobs: { type: 'queue' } }))).toEqual([
      'functions.api.triggers.0.batchSize: batchSize is 1..10000',
      'functions.api.triggers.0.batchWindow: batchWindow is 0..300 seconds',
      'functions.api.triggers.0.maxConcurrency: maxConcurrency is 2..1000',
    ]);
  });
});
