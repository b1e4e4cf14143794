import { describe, expect, it } from 'vitest';
import { splitSample } from '../../src/invoke/events.js';
import { prettyJson } from '../../src/invoke/pretty-json.js';

describe('prettyJson', () => {
  it('indents like JSON.stringify(v, null, 2) for ordinary JSON', () => {
    const value = { a: [1, { b: 'x' }, []], c: {}, d: null, e: 'q"uo\\te, {not: a brace}', f: [true] };
    expect(prettyJson(JSON.stringify(value))).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps numbers exactly as sent (no float rounding, no dropped zeros)', () => {
    expect(prettyJson('{"id":12345678901234567890123,"price":1.50,"e":1E+3}')).toBe(
      '{\n  "id": 12345678901234567890123,\n  "price": 1.50,\n  "e": 1E+3\n}',
    );
  });

  it('scalars print as they are; non-JSON is undefined', () => {
    expect(prettyJson('"hi"')).toBe('"hi"');
    expect(prettyJson(' 42 ')).toBe('42');
    expect(prettyJson('Simple Lambda happy path OK')).toBeUndefined();
    expect(prettyJson('')).toBeUndefined();
  });
});

describe('splitSample', () => {
  it('takes payload and expect apart only when the sample has just those (and a description)', () => {
    expect(splitSample({ payload: { a: 1 }, expect: { statusCode: 200 }, description: 'x' })).toEqual({
      payload: { a: 1 },
      expect: { statusCode: 200 },
    });
    expect(splitSample({ payload: 1 })).toEqual({ payload: { payload: 1 } });
    expect(splitSample({ payload: 1, expect: 2, other: 3 })).toEqual({ payload: { payload: 1, expect: 2, other: 3 } });
    expect(splitSample([1])).toEqual({ payload: [1] });
  });
});
