/** A line that is neither `KEY=value`, a comment nor blank: its number (from 1) and why, never its text (it may hold a secret). */
export interface MalformedLine {
  line: number;
  reason: string;
}

export interface DotenvParse {
  values: Record<string, string>;
  malformed: MalformedLine[];
}

const KEY_VALUE = /^(?:export\s+)?([A-Za-z0-9_./-]+)\s*=\s*(.*)$/;

/**
 * Parses a dotenv file: `KEY=value`, `export KEY=value`, quotes ('…' literal, "…" with \n escapes),
 * `#` comments, blank lines. Keys may hold `/`, `.` and `-` so param names like `amadeus/client-id` work.
 * Every other line is reported in `malformed` (a value that spans lines is one of them).
 */
export function parseDotenvLines(text: string): DotenvParse {
  const values: Record<string, string> = {};
  const malformed: MalformedLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = KEY_VALUE.exec(line);
    if (!m) {
      malformed.push({ line: i + 1, reason: line.includes('=') ? 'the key has a character other than A-Z a-z 0-9 _ . / -' : 'no = sign' });
      return;
    }
    const parsed = parseValue(m[2]);
    if ('reason' in parsed) malformed.push({ line: i + 1, reason: parsed.reason });
    values[m[1]] = parsed.value;
  });
  return { values, malformed };
}

/** Lenient: the values of the well-formed lines (local runs read `.env.<stage>` this way). */
export function parseDotenv(text: string): Record<string, string> {
  return parseDotenvLines(text).values;
}

/** A value as written after `=`: quoted (then only a comment may follow) or bare (a ` #` starts a comment). */
function parseValue(v: string): { value: string } | { value: string; reason: string } {
  const quote = v[0];
  if (quote !== '"' && quote !== "'") return { value: v.replace(/\s+#.*$/, '').trim() };
  let end = 1;
  while (end < v.length && v[end] !== quote) end += quote === '"' && v[end] === '\\' ? 2 : 1;
  // Lenient callers keep what they had before: the text as it is.
  if (end >= v.length) return { value: v, reason: `the ${quote === '"' ? 'double' : 'single'} quote is not closed on this line` };
  const rest = v.slice(end + 1);
  if (rest.trim() && !/^\s+#/.test(rest)) return { value: v, reason: 'text after the closing quote' };
  const inner = v.slice(1, end);
  return { value: quote === "'" ? inner : inner.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c)) };
}
