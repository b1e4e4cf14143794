import { describe, expect, it } from 'vitest';
import { parseDotenv, parseDotenvLines } from '../../../src/params/dotenv.js';

describe('parseDotenvLines', () => {
  it('reads KEY=value, export, quotes, comments and blank lines', () => {
    const text = [
      '# a comment',
      '',
      'db-url=postgres://db/tasks # trailing comment',
      'export API_KEY=k1',
      `api/secret="two words # not a comment \\"quoted\\" C:\\\\new"`,
      "SINGLE='its'",
      'QUOTED_WITH_COMMENT="v" # note',
      'EMPTY=',
    ].join('\n');
    expect(parseDotenvLines(text)).toEqual({
      values: {
        'db-url': 'postgres://db/tasks',
        API_KEY: 'k1',
        'api/secret': 'two words # not a comment "quoted" C:\\new',
        SINGLE: 'its',
        QUOTED_WITH_COMMENT: 'v',
        EMPTY: '',
      },
      malformed: [],
    });
  });

  it('reports every malformed line by number and reason, never its text', () => {
    const text = ['GOOD=1', 'hunter2', 'MY KEY=secret-a', 'MULTI="first line', 'second line"', "TAIL='x' y", 'OK=2'].join('\r\n');
    const { malformed } = parseDotenvLines(text);
    expect(malformed).toEqual([
      { line: 2, reason: 'no = sign' },
      { line: 3, reason: 'the key has a character other than A-Z a-z 0-9 _ . / -' },
      { line: 4, reason: 'the double quote is not closed on this line' },
      { line: 5, reason: 'no = sign' },
      { line: 6, reason: 'text after the closing quote' },
    ]);
    expect(JSON.stringify(malformed)).not.toMatch(/hunter2|secret-a|first line/);
  });

  it('parseDotenv (local runs) stays lenient: well-formed lines only', () => {
    expect(parseDotenv('A=1\nbroken\nB="x y"\n')).toEqual({ A: '1', B: 'x y' });
  });
});
