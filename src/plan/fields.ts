import type { FieldDiff } from './types.js';

export const MASK = '••••';

const SECRET_KEY = /secret|password|passwd|token|api[_-]?key|private|credential/i;

/** Environment keys whose values a plan never shows. */
export const isSecretKey = (key: string) => SECRET_KEY.test(key);

/** `'value'`, cut to `max` characters. */
export function quote(value: string, max = 60): string {
  return `'${value.length > max ? `${value.slice(0, max - 1)}…` : value}'`;
}

/** A list for display: `a, b` or `(none)`. */
export const listText = (items: readonly string[] | undefined) => (items?.length ? items.join(', ') : '(none)');

/** First 8 hex characters of a sha256, for display. */
export const shortHex = (hex: string) => `${hex.slice(0, 8)}…`;

/** Lambda's CodeSha256 (base64) as hex. */
export const base64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

/** `memory 256 → 512`, `env +NEW_KEY`, `env -OLD_KEY`, `env FOO 'a' → 'b'`, `policy +Allow …`. */
export function formatField(d: FieldDiff): string {
  const dot = d.field.indexOf('.');
  const group = dot < 0 ? d.field : d.field.slice(0, dot);
  const key = dot < 0 ? undefined : d.field.slice(dot + 1);
  if (d.from !== undefined && d.to !== undefined) return key ? `${group} ${key} ${d.from} → ${d.to}` : `${group} ${d.from} → ${d.to}`;
  if (d.to !== undefined) return `${group} +${key ?? d.to}`;
  if (d.from !== undefined) return `${group} -${key ?? d.from}`;
  return d.field;
}

/** Whether a field diff adds, removes or changes something. */
export function fieldAction(d: FieldDiff): 'add' | 'remove' | 'change' {
  if (d.from === undefined && d.to !== undefined) return 'add';
  if (d.to === undefined && d.from !== undefined) return 'remove';
  return 'change';
}

/** Up to `max` formatted diffs for a one-line summary: `memory 256 → 512, timeout 30 → 60 and 2 more`. */
export function fieldsSummary(fields: FieldDiff[], max = 3): string {
  const shown = fields.slice(0, max).map(formatField).join(', ');
  return fields.length > max ? `${shown} and ${fields.length - max} more` : shown;
}

/** Differences between two string maps as keyed field diffs, keys sorted; `mask` decides which values are hidden. */
export function diffMaps(
  group: string,
  from: Record<string, string>,
  to: Record<string, string>,
  mask: (key: string) => boolean = () => false,
): FieldDiff[] {
  const show = (k: string, v: string) => (mask(k) ? MASK : quote(v));
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  const out: FieldDiff[] = [];
  for (const k of keys) {
    const a = from[k];
    const b = to[k];
    if (a === b) continue;
    const d: FieldDiff = { field: `${group}.${k}` };
    if (a !== undefined) d.from = show(k, a);
    if (b !== undefined) d.to = show(k, b);
    out.push(d);
  }
  return out;
}

/** Deterministic string order (not locale dependent). */
export const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tags without the ones AWS sets itself (`aws:*`), which can be neither set nor removed. */
export const userTags = (tags: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !k.startsWith('aws:')));

/** JSON text with object keys sorted at every level, so equal documents compare equal; text that is not JSON as is. */
export function canonicalJson(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(text), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareStrings(a, b)))
        : v,
    );
  } catch {
    return text;
  }
}
