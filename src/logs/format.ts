import type { ChalkInstance } from 'chalk';
import { parseAccessLine } from './access-line.js';
import { isContinuation, type Level, type LineKind, type ParsedLine, parseLambdaLine, type ReportSummary } from './lambda-line.js';
import type { GroupLabel, TailEvent } from './types.js';

/** How `ops logs tail` renders events as text. */
export interface FormatOptions {
  color: ChalkInstance;
  /** Which function each log group belongs to. */
  labels: ReadonlyMap<string, GroupLabel>;
  /** Times in UTC instead of local time. */
  utc?: boolean;
  /** Show the date too (the range spans more than today). */
  withDate?: boolean;
}

/** What `--json` prints per event: one object per line. */
export interface TailRecord {
  time: string;
  timestamp: number;
  function: string;
  functionName?: string;
  /** The API whose access line this is (`--api`): `function` is its name too. */
  api?: string;
  group: string;
  stream: string;
  id?: string;
  kind: LineKind;
  requestId?: string;
  level?: Level;
  /** The message without the runtime's prefix; multi-line messages and stack traces joined by newlines. */
  message: string;
  /** The object of a JSON log line, every field of it. */
  data?: Record<string, unknown>;
  report?: ReportSummary;
  timeout?: true;
  coldStart?: true;
  /** The event's message exactly as CloudWatch has it. */
  raw: string;
}

/** Every line of a request id is tagged with its first 8 characters: enough to tell invocations apart. */
export const SHORT_ID = 8;
const LEVEL_WIDTH = 5;
type Paint = (s: string) => string;

/**
 * Turns events into text lines: `time  function  request  LEVEL  message`. START/END (and init
 * lines) are folded away; REPORT becomes a one-line summary; multi-line messages and stack traces
 * stay together under their first line. Stateful only to know what the previous line was.
 */
export function createFormatter(options: FormatOptions) {
  const { color: c, labels } = options;
  const width = Math.max(0, ...[...labels.values()].map((l) => l.key.length));
  const painted = new Map<string, { name: string; blank: string }>();
  const palette: Paint[] = [c.cyan, c.magenta, c.blue, c.green, c.yellow, c.cyanBright, c.magentaBright, c.blueBright, c.greenBright];
  const timeOf = timeFormatter(options);
  const blankTime = ' '.repeat(timeOf(0).length);
  const noRequest = ' '.repeat(SHORT_ID);
  const noLevel = ' '.repeat(LEVEL_WIDTH);
  let previous: { group: string; stream: string } | undefined;

  const prefixOf = (group: string) => {
    let p = painted.get(group);
    if (!p) {
      const key = labels.get(group)?.key ?? group.replace(/^\/aws\/lambda\//, '');
      const padded = key.padEnd(width);
      p = { name: palette[hashString(key) % palette.length](padded), blank: padded };
      painted.set(group, p);
    }
    return p.name;
  };

  const levelTag = (level: Level | undefined) => {
    if (!level) return noLevel;
    const tag = level.padEnd(LEVEL_WIDTH);
    if (level === 'ERROR' || level === 'FATAL') return c.red.bold(tag);
    if (level === 'WARN') return c.yellow(tag);
    if (level === 'DEBUG' || level === 'TRACE') return c.gray(tag);
    return c.green(tag);
  };

  return {
    /** The text lines of one event (none for folded START/END/init lines). */
    format(event: TailEvent): string[] {
      const follows = previous !== undefined && previous.group === event.group && previous.stream === event.stream;
      previous = { group: event.group, stream: event.stream };
      const name = prefixOf(event.group);
      if (labels.get(event.group)?.api) {
        const a = parseAccessLine(event.message);
        const rid = a.requestId ? c.dim(a.requestId.slice(0, SHORT_ID).padEnd(SHORT_ID)) : noRequest;
        return [`${c.dim(timeOf(event.timestamp))} ${name} ${rid} ${levelTag(a.level)} ${a.level === 'ERROR' ? c.red(a.text) : a.text}`];
      }
      if (follows && isContinuation(event.message)) {
        return event.message
          .replace(/\s+$/, '')
          .split(/\r\n|\r|\n/)
          .map((line) => `${blankTime} ${name} ${noRequest} ${noLevel} ${c.dim(line)}`);
      }
      const parsed = parseLambdaLine(event.message);
      if (parsed.kind === 'start' || parsed.kind === 'end' || parsed.kind === 'init' || parsed.kind === 'platform') return [];
      if (parsed.text === '' && !parsed.detail) return [];
      const rid = parsed.requestId ? c.dim(parsed.requestId.slice(0, SHORT_ID).padEnd(SHORT_ID)) : noRequest;
      const head = `${c.dim(timeOf(event.timestamp))} ${name} ${rid} `;
      if (parsed.kind === 'report' && parsed.report) return [head + reportText(parsed.report, c, LEVEL_WIDTH)];
      const bad = parsed.level === 'ERROR' || parsed.level === 'FATAL' || parsed.timeout;
      const text = parsed.timeout ? c.red.bold(parsed.text) : bad ? c.red(parsed.text) : parsed.text;
      const lines = [`${head}${levelTag(parsed.level)} ${text}`];
      if (parsed.detail) {
        const indent = `${blankTime} ${name} ${noRequest} ${noLevel} `;
        for (const line of parsed.detail) lines.push(indent + (bad ? c.red(line) : c.dim(line)));
      }
      return lines;
    },
  };
}

/** `--json`: the event with what formatting understood of it. */
export function toRecord(event: TailEvent, labels: ReadonlyMap<string, GroupLabel>): TailRecord {
  const label = labels.get(event.group);
  if (label?.api) return accessRecord(event, label);
  const parsed: ParsedLine = parseLambdaLine(event.message);
  const message = parsed.detail ? [parsed.text, ...parsed.detail].join('\n') : parsed.text;
  return {
    time: new Date(event.timestamp).toISOString(),
    timestamp: event.timestamp,
    function: label?.key ?? event.group.replace(/^\/aws\/lambda\//, ''),
    ...(label ? { functionName: label.name } : {}),
    group: event.group,
    stream: event.stream,
    ...(event.id ? { id: event.id } : {}),
    kind: parsed.kind,
    ...(parsed.requestId ? { requestId: parsed.requestId } : {}),
    ...(parsed.level ? { level: parsed.level } : {}),
    message,
    ...(parsed.data ? { data: parsed.data } : {}),
    ...(parsed.report ? { report: parsed.report } : {}),
    ...(parsed.timeout ? { timeout: true as const } : {}),
    ...(parsed.report?.initDurationMs !== undefined ? { coldStart: true as const } : {}),
    raw: event.message,
  };
}

/** `--json` for an API's access line: its request id, a level from the status, the fields of a JSON format. */
function accessRecord(event: TailEvent, label: GroupLabel): TailRecord {
  const a = parseAccessLine(event.message);
  return {
    time: new Date(event.timestamp).toISOString(),
    timestamp: event.timestamp,
    function: label.key,
    api: label.name,
    group: event.group,
    stream: event.stream,
    ...(event.id ? { id: event.id } : {}),
    kind: 'log',
    ...(a.requestId ? { requestId: a.requestId } : {}),
    ...(a.level ? { level: a.level } : {}),
    message: a.text,
    ...(a.data ? { data: a.data } : {}),
    raw: event.message,
  };
}

/** `REPORT ...` → `102 ms (billed 103 ms) · 70/128 MB · cold start: init 161 ms`. Pure. */
export function reportText(report: ReportSummary, c: ChalkInstance, levelWidth = LEVEL_WIDTH): string {
  const failed = report.status !== undefined && report.status !== 'success';
  const tag = report.status === 'timeout' ? 'TIMEOUT' : failed ? 'FAILED' : 'DONE';
  const head = failed ? c.red.bold(tag.padEnd(levelWidth)) : c.dim(tag.padEnd(levelWidth));
  const parts: string[] = [];
  if (report.phase === 'init') parts.push(`init ${report.status ?? 'failed'} after ${ms(report.durationMs)}`);
  else if (report.durationMs !== undefined) {
    parts.push(report.billedMs !== undefined ? `${ms(report.durationMs)} (billed ${ms(report.billedMs)})` : ms(report.durationMs));
  }
  if (report.maxMemoryUsedMb !== undefined && report.memorySizeMb !== undefined) {
    parts.push(`${report.maxMemoryUsedMb}/${report.memorySizeMb} MB`);
  }
  if (report.errorType) parts.push(c.red(report.errorType));
  const line = parts.join(' · ');
  let extra = '';
  if (report.initDurationMs !== undefined)
    extra += `${c.dim(' · ')}${c.cyan.bold('cold start')} ${c.cyan(`init ${ms(report.initDurationMs)}`)}`;
  if (report.restoreDurationMs !== undefined) extra += `${c.dim(' · ')}${c.cyan(`snapstart restore ${ms(report.restoreDurationMs)}`)}`;
  return `${head} ${failed ? c.red(line) : c.dim(line)}${extra}`;
}

/** 0.42 → "0.42 ms", 102.32 → "102 ms", 12345 → "12.3 s". */
function ms(value: number | undefined): string {
  if (value === undefined) return '?';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  return `${Number(value.toFixed(value < 1 ? 2 : 1))} ms`;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** `HH:MM:SS.mmm`, with `MM-DD ` in front when asked; local time unless `utc`. */
function timeFormatter(options: Pick<FormatOptions, 'utc' | 'withDate'>): (ts: number) => string {
  const d = new Date(0);
  return (ts) => {
    d.setTime(ts);
    const time = options.utc
      ? `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}`
      : `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
    if (!options.withDate) return time;
    const date = options.utc ? `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` : `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
    return `${date} ${time}`;
  };
}

/** FNV-1a: the same function gets the same colour in every run and every terminal. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
