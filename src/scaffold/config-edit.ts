import type { FunctionEntry } from './plan.js';
import { matchBrackets, scan, type Token } from './scan.js';

/** The `functions: { ... }` object literal of a config, as found in its source. */
export interface FunctionsBlock {
  /** Source offsets of the object's `{` and `}`. */
  open: number;
  close: number;
  /** Keys written literally at the top level of the object. */
  keys: string[];
  /** The object spreads or computes keys, so `keys` may be incomplete. */
  dynamicKeys: boolean;
  /** Offset just after the last entry, or undefined when the object is empty. */
  lastEnd?: number;
  /** The last entry is followed by a comma. */
  trailingComma: boolean;
  /** Indentation of the entries (when the first one starts a line). */
  entryIndent?: string;
  /** Quote the file mostly uses. */
  quote: "'" | '"';
}

/** Finds the one `functions:` object literal, or says why it cannot be found with confidence. */
export function findFunctionsBlock(src: string): FunctionsBlock | { error: string } {
  const scanned = scan(src);
  if ('error' in scanned) return { error: `cannot read the config: ${scanned.error}` };
  const { tokens } = scanned;
  const pairs = matchBrackets(src, tokens);
  if (!(pairs instanceof Map)) return { error: `cannot read the config: ${pairs.error}` };
  const candidates: number[] = [];
  for (let t = 1; t + 2 < tokens.length; t++) {
    const key = tokens[t];
    const isKey = (key.kind === 'ident' || key.kind === 'string') && key.value === 'functions';
    if (isKey && startsProperty(tokens[t - 1]) && isPunct(tokens[t + 1], ':') && isPunct(tokens[t + 2], '{')) candidates.push(t + 2);
  }
  if (candidates.length === 0) return { error: 'no `functions: { ... }` object literal in the config' };
  if (candidates.length > 1)
    return { error: `${candidates.length} \`functions: { ... }\` object literals in the config; not sure which one to edit` };
  const o = candidates[0];
  const c = pairs.get(o) as number;
  const keys: string[] = [];
  let dynamicKeys = false;
  for (let t = o + 1; t < c; t = (pairs.get(t) ?? t) + 1) {
    const tok = tokens[t];
    if (!startsProperty(tokens[t - 1])) continue;
    if (isPunct(tok, '[') || (tok.kind === 'other' && tok.value === '.')) dynamicKeys = true;
    else if ((tok.kind === 'ident' || tok.kind === 'string') && [':', ',', '}'].some((v) => isPunct(tokens[t + 1], v)))
      keys.push(tok.value);
  }
  const last = tokens[c - 1];
  const empty = c === o + 1;
  const trailingComma = !empty && isPunct(last, ',');
  const lastEnd = empty ? undefined : trailingComma ? tokens[c - 2].end : last.end;
  const first = tokens[o + 1];
  const entryIndent = !empty && lineOf(src, first.start) !== lineOf(src, tokens[o].start) ? indentAt(src, first.start) : undefined;
  return {
    open: tokens[o].start,
    close: tokens[c].start,
    keys,
    dynamicKeys,
    lastEnd,
    trailingComma,
    entryIndent,
    quote: mainQuote(tokens),
  };
}

export interface EntryStyle {
  indent: string;
  unit: string;
  quote: "'" | '"';
  trailingComma: boolean;
}

/** The entry as config source, one property a line, each line indented by `style.indent`. */
export function renderEntry(key: string, entry: FunctionEntry, style: EntryStyle, comment?: string): string {
  const q = (s: string) =>
    `${style.quote}${s.replace(/\\/g, '\\\\').replace(new RegExp(style.quote, 'g'), `\\${style.quote}`)}${style.quote}`;
  const props: string[] = [`handler: ${q(entry.handler)}`];
  if (entry.runtime) props.push(`runtime: ${q(entry.runtime)}`);
  if (entry.routes?.length) props.push(`routes: [${entry.routes.map(q).join(', ')}]`);
  const comma = style.trailingComma ? ',' : '';
  const inner = props.map((p, i) => `${style.indent}${style.unit}${p}${i < props.length - 1 ? ',' : comma}`);
  if (comment) inner.push(`${style.indent}${style.unit}// ${comment}`);
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : q(key);
  return [`${style.indent}${name}: {`, ...inner, `${style.indent}}${comma}`].join('\n');
}

/** Result of adding a function: the new source, or why the file was left alone. */
export type InsertResult = { ok: true; source: string } | { ok: false; reason: string };

/**
 * Adds `key: { ... }` as the last entry of the config's `functions` object, matching the
 * file's indentation, quotes and trailing commas. Refuses (without editing) when the
 * object cannot be found with confidence or the key is already there.
 */
export function insertFunction(src: string, key: string, entry: FunctionEntry, comment?: string): InsertResult {
  const block = findFunctionsBlock(src);
  if ('error' in block) return { ok: false, reason: block.error };
  if (block.keys.includes(key)) return { ok: false, reason: `function '${key}' is already in the config` };
  const lineStart = src.lastIndexOf('\n', block.close - 1) + 1;
  const closeOnOwnLine = /^[ \t]*$/.test(src.slice(lineStart, block.close));
  const outer = closeOnOwnLine ? src.slice(lineStart, block.close) : indentAt(src, block.open);
  const unit = block.entryIndent && block.entryIndent.length > outer.length ? block.entryIndent.slice(outer.length) : indentUnit(src);
  const style: EntryStyle = {
    indent: block.entryIndent ?? outer + unit,
    unit,
    quote: block.quote,
    trailingComma: block.lastEnd === undefined || block.trailingComma,
  };
  const text = renderEntry(key, entry, style, comment);
  let out = closeOnOwnLine
    ? `${src.slice(0, lineStart)}${text}\n${src.slice(lineStart)}`
    : `${src.slice(0, block.close).trimEnd()}\n${text}\n${outer}${src.slice(block.close)}`;
  if (block.lastEnd !== undefined && !block.trailingComma) out = `${out.slice(0, block.lastEnd)},${out.slice(block.lastEnd)}`;
  return { ok: true, source: out };
}

/** The snippet to paste by hand when the config cannot be edited safely. */
export function entrySnippet(key: string, entry: FunctionEntry, comment?: string): string {
  return renderEntry(key, entry, { indent: '    ', unit: '  ', quote: "'", trailingComma: true }, comment);
}

const isPunct = (t: Token | undefined, v: string) => t?.kind === 'punct' && t.value === v;
const startsProperty = (prev: Token) => isPunct(prev, '{') || isPunct(prev, ',');

const lineOf = (src: string, i: number) => src.slice(0, i).split('\n').length;

function indentAt(src: string, i: number): string {
  const start = src.lastIndexOf('\n', i - 1) + 1;
  return /^[ \t]*/.exec(src.slice(start))?.[0] ?? '';
}

function indentUnit(src: string): string {
  const m = /^([ \t]+)\S/m.exec(src);
  return m?.[1].startsWith('\t') ? '\t' : '  ';
}

function mainQuote(tokens: Token[]): "'" | '"' {
  let single = 0;
  let double = 0;
  for (const t of tokens) {
    if (t.quote === "'") single++;
    else if (t.quote === '"') double++;
  }
  return double > single ? '"' : "'";
}
