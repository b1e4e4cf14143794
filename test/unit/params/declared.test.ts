import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/aws/ssm.js';
import type { Fleet } from '../../../src/config/types.js';
import { UsageError } from '../../../src/errors.js';
import { findParam, outcomeOf, planImport } from '../../../src/params/declared.js';
import { listNotes, paramRows, renderParamList } from '../../../src/params/render.js';

const fleet = {
  app: 'tasks',
  stage: 'prod',
  params: [
    { name: 'tasks-table', path: '/tasks/prod/tasks-table', secure: false, plaintextEnv: false, readers: ['api', 'worker'] },
    { name: 'amadeus/client-id', path: '/tasks/prod/amadeus/client-id', secure: true, plaintextEnv: false, readers: ['search'] },
    { name: 'amadeus/client-secret', path: '/tasks/prod/amadeus/client-secret', secure: true, plaintextEnv: false, readers: ['search'] },
  ],
} as Fleet;

describe('findParam', () => {
  it('finds a declared param, refuses a typo with "did you mean" and the command, forces an undeclared one as secure', () => {
    expect(findParam(fleet, 'amadeus/client-id')).toMatchObject({ path: '/tasks/prod/amadeus/client-id', secure: true, declared: true });
    const typo = (() => {
      try {
        findParam(fleet, 'amadeus/client-secet');
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(typo).toBeInstanceOf(UsageError);
    expect(typo?.message).toBe("'amadeus/client-secet' is not a param of tasks");
    expect(typo?.hint).toBe("did you mean 'amadeus/client-secret'? (ops params set amadeus/client-secret --stage prod)");
    expect(() => findParam(fleet, 'zzz')).toThrow(/not a param of tasks/);
    expect(findParam(fleet, 'legacy/key', { force: true })).toEqual({
      name: 'legacy/key',
      path: '/tasks/prod/legacy/key',
      secure: true,
      declared: false,
      readers: [],
    });
    expect(() => findParam(fleet, '../etc', { force: true })).toThrow(/not a valid param name/);
  });
});

describe('outcomeOf', () => {
  const stored = (type: 'String' | 'SecureString', value?: string) => ({ name: 'n', type, version: 3, value });
  it.each([
    [undefined, 'v', true, 'created'],
    [stored('SecureString', 'v'), 'v', true, 'unchanged'],
    [stored('SecureString', 'v'), 'w', true, 'updated'],
    [stored('String', 'v'), 'v', true, 'updated'], // declared secure, stored plain: rewrite as SecureString
    [stored('String', 'v'), 'v', false, 'unchanged'],
    [stored('SecureString', undefined), 'v', true, 'updated'], // not decrypted: never assume equal
  ] as const)('%o + %s (secure %s) → %s', (current, value, secure, expected) => {
    expect(outcomeOf(current, value, secure)).toBe(expected);
  });
});

describe('planImport', () => {
  it('matches names and UPPER_SNAKE keys, reports undeclared (with a guess) and empty ones', () => {
    const plan = planImport(fleet, {
      TASKS_TABLE: 't',
      'amadeus/client-id': 'id',
      AMADEUS_CLIENT_SECERT: 'x',
      AMADEUS_CLIENT_SECRET: '',
      OTHER: 'o',
    });
    expect(plan.entries.map((e) => [e.key, e.target.name, e.target.secure])).toEqual([
      ['TASKS_TABLE', 'tasks-table', false],
      ['amadeus/client-id', 'amadeus/client-id', true],
    ]);
    expect(plan.undeclared).toEqual([
      { key: 'AMADEUS_CLIENT_SECERT', guess: 'AMADEUS_CLIENT_SECRET' },
      { key: 'OTHER', guess: undefined },
    ]);
    expect(plan.empty).toEqual(['AMADEUS_CLIENT_SECRET']);
  });

  it('forced, undeclared keys become secure params named as the key; two keys for one param are refused', () => {
    const forced = planImport(fleet, { OTHER: 'o' }, { force: true });
    expect(forced.entries.map((e) => [e.target.name, e.target.secure, e.target.declared])).toEqual([['OTHER', true, false]]);
    expect(() => planImport(fleet, { TASKS_TABLE: 'a', 'tasks-table': 'b' })).toThrow(
      "'TASKS_TABLE' and 'tasks-table' both set param tasks-table",
    );
  });
});

describe('list rows and rendering', () => {
  const when = new Date('2026-01-02T03:04:05.678Z');
  const rows = paramRows(fleet, [
    { name: '/tasks/prod/amadeus/client-id', type: 'String', version: 2, lastModified: when, value: 'plain!' },
    { name: '/tasks/prod/tasks-table', type: 'String', version: 1, lastModified: when },
    { name: '/tasks/prod/zz/left-over', type: 'SecureString', version: 4 },
  ]);

  it('declared first in config order, then what else is stored; never a value', () => {
    expect(rows.map((r) => [r.name, r.status, r.type ?? '-'])).toEqual([
      ['tasks-table', 'set', 'String'],
      ['amadeus/client-id', 'set', 'String'],
      ['amadeus/client-secret', 'missing', '-'],
      ['zz/left-over', 'undeclared', 'SecureString'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('plain!');
    expect(rows[0]).toMatchObject({ lastModified: '2026-01-02T03:04:05.678Z', readers: ['api', 'worker'] });
  });

  it('renders a table, warns about a secure param stored plain, sums up', () => {
    const lines = renderParamList(rows, new Chalk({ level: 0 }));
    expect(lines).toEqual([
      'NAME                   STATUS      TYPE          VERSION  MODIFIED              READ BY',
      'tasks-table            set         String              1  2026-01-02 03:04:05Z  api, worker',
      'amadeus/client-id      set         String              2  2026-01-02 03:04:05Z  search',
      'amadeus/client-secret  missing     SecureString        -  -                     search',
      'zz/left-over           undeclared  SecureString        4  -                     -',
    ]);
    const notes = listNotes(fleet, rows);
    expect(notes.warnings).toEqual([
      'amadeus/client-id is declared secure but stored as String: run `ops params set amadeus/client-id --stage prod` to store it as a SecureString',
    ]);
    expect(notes.summary).toBe('2 of 3 params set for stage prod; set the missing with `ops params set <name> --stage prod`');
  });
});

describe('redact', () => {
  it('replaces the value in the message and stack of an error and its cause', () => {
    const cause = new Error("Value 's3cr3t-value' at 'value' failed to satisfy constraint");
    const err = new Error('PutParameter failed: s3cr3t-value', { cause });
    redact(err, 's3cr3t-value');
    expect(err.message).toBe('PutParameter failed: [redacted]');
    expect(String(err.stack)).not.toContain('s3cr3t-value');
    expect(cause.message).toBe("Value '[redacted]' at 'value' failed to satisfy constraint");
  });
});
