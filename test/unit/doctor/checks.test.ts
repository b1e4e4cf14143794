import { describe, expect, it } from 'vitest';
import { type DoctorFacts, doctorLines } from '../../../src/doctor/checks.js';

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  today: '2026-12-06',
  node: '22.11.0',
  python: {},
  functions: [{ key: 'api', runtime: 'nodejs22.x', alarms: 1 }],
  aws: { region: 'eu-west-1', credentials: 'profile prod' },
  identity: { account: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/dev/me' },
  missingParams: [],
  declaredParams: 2,
  ...over,
});

describe('doctor checks', () => {
  it('passes every check when all is well (ops doctor exits 0)', () => {
    const lines = doctorLines(facts());
    expect(lines.filter((l) => !l.ok)).toEqual([]);
    expect(lines.map((l) => l.check)).toEqual(['node', 'credentials', 'params', 'runtime', 'alarms']);
    expect(lines.find((l) => l.check === 'credentials')?.message).toBe(
      'account 111122223333 as arn:aws:sts::111122223333:assumed-role/dev/me (region eu-west-1, profile prod)',
    );
    expect(lines.find((l) => l.check === 'params')?.message).toBe('all 2 params set');
    expect(doctorLines(facts({ declaredParams: 1 })).find((l) => l.check === 'params')?.message).toBe('the 1 param is set');
  });

  it('flags a runtime AWS has deprecated, from the one dates table, naming the newest of its language', () => {
    const lines = doctorLines(
      facts({ functions: [{ key: 'sweep', runtime: 'python3.11', alarms: 1 }], python: { 'python3.11': '3.11.7' } }),
    );
    expect(lines.find((l) => l.check === 'runtime')).toEqual({
      check: 'runtime',
      ok: false,
      message: 'python3.11 (sweep) is deprecated by AWS since 2026-06-30: no more patches, and then no creates or updates',
      fix: "set runtime: 'python3.14' on them (or in defaults), test, deploy",
    });
    // The day before the date it is still supported.
    expect(
      doctorLines(facts({ today: '2026-06-29', functions: [{ key: 'sweep', runtime: 'python3.11', alarms: 1 }] })).find(
        (l) => l.check === 'runtime',
      )?.ok,
    ).toBe(true);
  });

  it('compares the local interpreters with the runtimes: a Node major apart, no python3 at all', () => {
    const lines = doctorLines(
      facts({
        node: '20.20.2',
        functions: [
          { key: 'api', runtime: 'nodejs22.x', alarms: 1 },
          { key: 'etl', runtime: 'python3.12', alarms: 1 },
        ],
        python: { 'python3.12': undefined },
      }),
    );
    expect(lines.find((l) => l.check === 'node')).toMatchObject({
      ok: false,
      fix: 'use Node 22 locally (e.g. nvm install 22 && nvm use 22)',
    });
    expect(lines.find((l) => l.check === 'python')).toMatchObject({ ok: false, message: 'no python3 on PATH for python3.12 (etl)' });
  });
});
