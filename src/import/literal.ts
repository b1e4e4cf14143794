/* A TypeScript object literal as a person writes it: bare keys, single quotes, short values on one line. Pure. */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WIDTH = 100;

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
export const keyText = (k: string) => (IDENT.test(k) ? k : quote(k));

/** Text already rendered (an object with comments inside), written as it is. */
export class Raw {
  constructor(readonly text: string) {}
}

/** A value written in one line: `{ a: 1, b: ['x'] }`. */
export function inline(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (typeof v === 'object' && v) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${keyText(k)}: ${inline(x)}`).join(', ')} }` : '{}';
  }
  return 'undefined';
}

/** An object member line: a trailing `// comment` for what needs the reader's eye. */
export interface Member {
  key: string;
  value: unknown;
  comment?: string;
  /** Lines written before the member (`// TODO ...`), at its indentation. */
  before?: string[];
  /** Written across lines even when it would fit in one. */
  expand?: boolean;
}

/** A value at `indent`: on one line when it fits, else one member per line. */
export function block(v: unknown, indent: string, expand = false): string {
  const one = inline(v);
  if (v instanceof Raw) return one;
  if (!expand && (indent.length + one.length <= WIDTH || typeof v !== 'object' || v === null)) return one;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => `${inner}${block(x, inner)},\n`).join('')}${indent}]`;
  return objectText(
    Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value })),
    indent,
  );
}

/** An object of members, one per line, with their comments. */
export function objectText(members: readonly Member[], indent: string): string {
  const inner = `${indent}  `;
  // A member without a value still writes its `before` lines (a TODO for a value left out).
  const lines = members.flatMap((m) => [
    ...(m.before ?? []).map((b) => `${inner}${b}`),
    ...(m.value === undefined
      ? []
      : [`${inner}${keyText(m.key)}: ${block(m.value, inner, m.expand)},${m.comment ? ` // ${m.comment}` : ''}`]),
  ]);
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
}
