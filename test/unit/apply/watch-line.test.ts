import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { pushedWhat, roundError, roundLine, touchedFunctions } from '../../../src/apply/watch-line.js';
import { ConfigError, UserError } from '../../../src/errors.js';

const c = new Chalk({ level: 0 });
const change = (id: string, kind: string, fn = 'api') => ({ id, kind, fn });

describe('ops deploy --watch: the line of a round', () => {
  it('says code, configuration or both; publish, live and pruning are not counted, anything else is', () => {
    const changes = [
      change('c', 'function.update-code'),
      change('p', 'alias.publish'),
      change('v', 'versions.prune'),
      change('f', 'function.update-config'),
      change('r', 'route.create', 'api'),
    ];
    expect(pushedWhat({ changes, applied: [{ id: 'c' }, { id: 'p' }, { id: 'v' }] })).toBe('code');
    expect(pushedWhat({ changes, applied: [{ id: 'f' }, { id: 'p' }] })).toBe('configuration');
    expect(pushedWhat({ changes, applied: changes.map((x) => ({ id: x.id })) })).toBe('code + configuration + 1 other change');
    // A change planned but not applied (failed or skipped) is not pushed.
    expect(pushedWhat({ changes, applied: [] })).toBe('');
  });

  it('prints one line: pushed and timed, nothing to push, a failed change, or an error (first line only)', () => {
    const json = { changes: [change('c', 'function.update-code')], applied: [{ id: 'c' }] };
    expect(roundLine({ functions: ['api'], ms: 1234, json }, c)).toBe('✔ api: code live in 1.2s (save to live)');
    expect(roundLine({ functions: ['api'], ms: 300, json: { changes: [], applied: [] } }, c)).toBe(
      '· api: nothing to push (AWS already runs this) in 0.3s',
    );
    expect(roundLine({ ms: 1, json: { ...json, applied: [], failed: [{ id: 'c', error: 'throttled\nmore' }] } }, c)).toBe(
      '✗ ops.config.ts (whole fleet): c failed: throttled (the loop goes on)',
    );
    const err = roundLine({ functions: ['api', 'worker'], ms: 1, error: 'api did not build: x.ts:1 error\nstack' }, c);
    expect(err).toBe('✗ api, worker: api did not build: x.ts:1 error (the loop goes on; save again to retry)');
    expect(roundLine({ functions: ['api'], ms: 1, error: 'api: esbuild could not bundle x.ts' }, c)).toBe(
      '✗ api: esbuild could not bundle x.ts (the loop goes on; save again to retry)',
    );
    expect(roundLine({ functions: ['api'], ms: 1, json, stopped: true }, c)).toBe(
      '✗ api: stopped by Ctrl-C (`ops plan` shows what is left)',
    );
  });

  it('a config that does not validate names its problems on the line, with their field paths', () => {
    const problems = [
      { path: 'functions.api.memory', message: 'must be 128..10240' },
      { path: '', message: 'unknown key "functoins"' },
    ];
    expect(roundError(new ConfigError('ops.config.ts', problems))).toBe(
      'ops.config.ts: 2 problems in the fleet config: functions.api.memory: must be 128..10240; (root): unknown key "functoins"',
    );
    expect(roundError(new UserError('api did not build'))).toBe('api did not build');
    expect(roundError('boom')).toBe('boom');
  });

  it("follows the logs of the functions a round's applied changes belong to", () => {
    const json = {
      changes: [
        change('a', 'function.update-code', 'api'),
        change('b', 'function.update-code', 'worker'),
        { id: 't', kind: 'table.create' },
      ],
      applied: [{ id: 'a' }, { id: 't' }],
    };
    expect(touchedFunctions(json)).toEqual(['api']);
    expect(touchedFunctions(undefined)).toEqual([]);
  });
});
