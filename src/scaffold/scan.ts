/** A significant token of JavaScript/TypeScript source: comments and whitespace are skipped. */
export interface Token {
  kind: 'punct' | 'ident' | 'string' | 'other';
  /** The punctuation or identifier; for strings the unescaped contents. */
  value: string;
  start: number;
  end: number;
  /** For strings: the quote character. */
  quote?: string;
}

const PUNCT = new Set(['{', '}', '[', ']', '(', ')', ':', ',', ';']);
const REGEX_AFTER_PUNCT = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);

/**
 * Splits source into tokens, enough to find object literals and their keys: strings,
 * template literals (with nested `${}`), comments and regex literals are skipped correctly
 * so braces inside them do not count. Returns an error rather than guessing.
 */
export function scan(src: string): { tokens: Token[] } | { error: string } {
  try {
    return { tokens: lex(src, 0, false).tokens };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function lex(src: string, from: number, stopAtBrace: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let depth = 0;
  let i = from;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (/\s/.test(c)) i++;
    else if (c === '/' && next === '/') i = lineEnd(src, i);
    else if (c === '/' && next === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new Error(`unterminated comment at ${where(src, i)}`);
      i = close + 2;
    } else if (c === "'" || c === '"') {
      const t = quoted(src, i);
      tokens.push(t);
      i = t.end;
    } else if (c === '`') {
      i = template(src, i);
      tokens.push({ kind: 'other', value: '`', start: i - 1, end: i });
    } else if (c === '/' && regexAllowed(tokens[tokens.length - 1])) {
      const end = regex(src, i);
      tokens.push({ kind: 'other', value: src.slice(i, end), start: i, end });
      i = end;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z0-9_$]+/.exec(src.slice(i, i + 256)) as RegExpExecArray;
      tokens.push({ kind: 'ident', value: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (PUNCT.has(c)) {
      if (stopAtBrace && c === '}' && depth === 0) return { tokens, end: i };
      if (c === '{') depth++;
      if (c === '}') depth--;
      tokens.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    } else {
      tokens.push({ kind: 'other', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  if (stopAtBrace) throw new Error(`unterminated \${ in a template literal at ${where(src, from)}`);
  return { tokens, end: i };
}

const lineEnd = (src: string, i: number) => {
  const nl = src.indexOf('\n', i);
  return nl < 0 ? src.length : nl;
};

function quoted(src: string, start: number): Token {
  const q = src[start];
  let value = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      value += src[i + 1] ?? '';
      i++;
    } else if (c === q) return { kind: 'string', value, start, end: i + 1, quote: q };
    else if (c === '\n') break;
    else value += c;
  }
  throw new Error(`unterminated string at ${where(src, start)}`);
}

function template(src: string, start: number): number {
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '`') return i + 1;
    else if (c === '$' && src[i + 1] === '{') i = lex(src, i + 2, true).end;
  }
  throw new Error(`unterminated template literal at ${where(src, start)}`);
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'punct' || prev.kind === 'other') return REGEX_AFTER_PUNCT.has(prev.value);
  return prev.kind === 'ident' && REGEX_AFTER_WORD.has(prev.value);
}

function regex(src: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '\n') break;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let end = i + 1;
      while (end < src.length && /[a-z]/i.test(src[end])) end++;
      return end;
    }
  }
  throw new Error(`unterminated regular expression at ${where(src, start)}`);
}

/** `line:column`, 1-based, for messages. */
export function where(src: string, index: number): string {
  const before = src.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Index of the matching closer for every opener (`{`, `[`, `(`), by token index; an error when unbalanced. */
export function matchBrackets(src: string, tokens: Token[]): Map<number, number> | { error: string } {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  const closerOf: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  for (let t = 0; t < tokens.length; t++) {
    const { kind, value } = tokens[t];
    if (kind !== 'punct') continue;
    if (value in closerOf) stack.push(t);
    else if (value === '}' || value === ']' || value === ')') {
      const open = stack.pop();
      if (open === undefined || closerOf[tokens[open].value] !== value)
        return { error: `unbalanced '${value}' at ${where(src, tokens[t].start)}` };
      pairs.set(open, t);
    }
  }
  if (stack.length)
    return { error: `unclosed '${tokens[stack[stack.length - 1]].value}' at ${where(src, tokens[stack[stack.length - 1]].start)}` };
  return pairs;
}
