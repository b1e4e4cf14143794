import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `500ms`, `30s`, `10m`, `2h`, `1d`, `1w`, also combined (`1h30m`) → milliseconds; `undefined` when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(value) * UNIT_MS[unit];
  return total;
}

/** A duration flag (`--poll-interval 2s`, `--period 5m`) or a usage error naming the flag. */
export function durationOption(flag: string, text: string, opts: { min?: number; max?: number } = {}): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`${flag} '${text}' is not a duration`, { hint: 'use a number and a unit: 500ms, 30s, 5m, 2h, 1d' });
  }
  if (opts.min !== undefined && ms < opts.min) throw new UsageError(`${flag} '${text}' is too short (at least ${formatSpan(opts.min)})`);
  if (opts.max !== undefined && ms > opts.max) throw new UsageError(`${flag} '${text}' is too long (at most ${formatSpan(opts.max)})`);
  return ms;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?)?$/;

/**
 * `--since` / `--until`: a duration back from `now` (`10m`, `2h`), an epoch in ms, or a date/time
 * (`2026-11-23T10:00`, local time unless it carries `Z` or an offset; UTC with `utc`).
 */
export function parseTimeArg(flag: string, text: string, now: number, opts: { utc?: boolean } = {}): number {
  const value = text.trim();
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  if (/^\d{12,}$/.test(value)) return Number(value);
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = local;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0'))] as const;
    const time = opts.utc ? Date.UTC(...parts) : new Date(...parts).getTime();
    if (Number.isFinite(time)) return time;
  }
  if (/[T ]\d\d:\d\d.*(Z|[+-]\d\d:?\d\d)$/i.test(value)) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return time;
  }
  throw new UsageError(`${flag} '${text}' is neither a duration nor a date`, {
    hint: `use e.g. ${flag} 10m, ${flag} 2h or ${flag} 2026-11-23T10:00`,
  });
}

/** 90_000 → "1m30s", 7_200_000 → "2h", 1_500 → "1.5s". */
export function formatSpan(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, seconds] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= seconds) {
      parts.push(`${Math.floor(rest / seconds)}${unit}`);
      rest %= seconds;
    }
  }
  return parts.join('');
}
