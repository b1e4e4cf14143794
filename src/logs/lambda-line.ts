/**
 * Reads what Lambda and its runtimes write to CloudWatch: platform lines (START, END, REPORT,
 * INIT_START, or their `platform.*` records in the JSON log format), the Node and Python text
 * formats (`<time>\t<request id>\t<LEVEL>\t<message>`), timeouts, uncaught errors, and JSON
 * lines from Lambda's JSON format or structured loggers (Powertools, pino, winston...). Pure.
 */

export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type LineKind = 'start' | 'end' | 'report' | 'init' | 'platform' | 'log';

/** A REPORT line (or `platform.report` record), in numbers. */
export interface ReportSummary {
  durationMs?: number;
  billedMs?: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  /** Present only on a cold start. */
  initDurationMs?: number;
  /** SnapStart restores. */
  restoreDurationMs?: number;
  /** `success`, `error`, `timeout`, `failure` when Lambda says (newer runtimes, JSON format). */
  status?: string;
  errorType?: string;
  /** `init` for INIT_REPORT (a failed or timed-out init phase). */
  phase?: 'invoke' | 'init';
}

export interface ParsedLine {
  kind: LineKind;
  requestId?: string;
  level?: Level;
  /** The first line of the message, without the runtime's prefix. */
  text: string;
  /** Further lines: the rest of a multi-line message, or a stack trace. */
  detail?: string[];
  /** The object of a JSON line. */
  data?: Record<string, unknown>;
  report?: ReportSummary;
  /** `Task timed out after N seconds`, or a REPORT with status timeout. */
  timeout?: boolean;
  /** START's function version. */
  version?: string;
}

const LEVELS: Record<string, Level> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'INFO',
  LOG: 'INFO',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  CRITICAL: 'FATAL',
  FATAL: 'FATAL',
  EMERGENCY: 'FATAL',
  ALERT: 'FATAL',
};

/** A level name in any case, or a pino/bunyan number (10 trace ... 60 fatal). */
export function toLevel(value: unknown): Level | undefined {
  if (typeof value === 'number') {
    if (value >= 60) return 'FATAL';
    if (value >= 50) return 'ERROR';
    if (value >= 40) return 'WARN';
    if (value >= 30) return 'INFO';
    if (value >= 20) return 'DEBUG';
    return 'TRACE';
  }
  return typeof value === 'string' ? LEVELS[value.toUpperCase()] : undefined;
}

const NODE_TEXT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\t([^\t]*)\t([A-Za-z]+)\t/;
const PYTHON_TEXT = /^\[([A-Z]+)\]\t\d{4}-\d\d-\d\dT[\d:.]+Z\t([^\t]*)\t/;
const PYTHON_BARE = /^\[(ERROR|WARNING|INFO|DEBUG|CRITICAL)\] /;
const TIMEOUT = /^\d{4}-\d\d-\d\dT[\d:.]+Z\s+(\S+)\s+(Task timed out after [\d.]+ seconds)/;
const REQUEST_ID = /RequestId: ([\w-]+)/;
const NEWLINE = /\r\n|\r|\n/;

export function parseLambdaLine(message: string): ParsedLine {
  const first = message.charCodeAt(0);
  // Fast paths by first character: most lines are decided by one comparison.
  if (first === 123 /* { */) {
    const json = parseJsonLine(message);
    if (json) return json;
  } else if (first === 83 /* S */ && message.startsWith('START RequestId: ')) {
    const version = /Version: (\S+)/.exec(message)?.[1];
    return { kind: 'start', requestId: REQUEST_ID.exec(message)?.[1], text: message.trimEnd(), ...(version ? { version } : {}) };
  } else if (first === 69 /* E */ && message.startsWith('END RequestId: ')) {
    return { kind: 'end', requestId: REQUEST_ID.exec(message)?.[1], text: message.trimEnd() };
  } else if (first === 82 /* R */ && message.startsWith('REPORT ')) {
    return reportLine(message, 'invoke');
  } else if (first === 73 /* I */ && message.startsWith('INIT_')) {
    if (message.startsWith('INIT_REPORT')) return reportLine(message, 'init');
    return { kind: 'init', text: message.trimEnd() };
  } else if (first === 91 /* [ */) {
    const py = PYTHON_TEXT.exec(message);
    if (py) return textLine(message.slice(py[0].length), toLevel(py[1]), py[2]);
    const bare = PYTHON_BARE.exec(message);
    if (bare) return textLine(message.slice(bare[0].length), toLevel(bare[1]), undefined);
  } else if (first >= 48 && first <= 57 /* digit */) {
    const node = NODE_TEXT.exec(message);
    if (node) return textLine(message.slice(node[0].length), toLevel(node[2]), node[1]);
    const timeout = TIMEOUT.exec(message);
    if (timeout) return { kind: 'log', level: 'ERROR', requestId: timeout[1], text: timeout[2], timeout: true };
  }
  return plainLines(message, { kind: 'log' });
}

/** The message after a runtime prefix: may carry JSON (an error object, or a structured logger via console.log). */
function textLine(rest: string, level: Level | undefined, requestId: string | undefined): ParsedLine {
  const rid = requestId && requestId !== 'undefined' ? requestId : undefined;
  // Members set one by one, not spread from conditional objects: this runs for nearly every line of a page.
  const base: Omit<ParsedLine, 'text'> = { kind: 'log' };
  if (rid) base.requestId = rid;
  if (level) base.level = level;
  // Node's uncaught errors: `Invoke Error \t{"errorType":...}` or `Uncaught Exception \t{...}`.
  const tab = rest.indexOf('\t{');
  if (tab >= 0 && tab < 40) {
    const json = parseJsonLine(rest.slice(tab + 1));
    if (json?.data) return { ...json, ...base, level: level ?? json.level, data: { context: rest.slice(0, tab).trim(), ...json.data } };
  }
  if (rest.charCodeAt(0) === 123) {
    const json = parseJsonLine(rest);
    if (json) return { ...json, ...base, level: json.level ?? level, requestId: json.requestId ?? rid };
  }
  return plainLines(rest, base);
}

function plainLines(message: string, base: Omit<ParsedLine, 'text'>): ParsedLine {
  // trimEnd removes what /\s+$/ matches (white space and line terminators), without a regular expression.
  const trimmed = message.trimEnd();
  const line = base as ParsedLine;
  if (trimmed.indexOf('\n') < 0 && trimmed.indexOf('\r') < 0) {
    line.text = trimmed;
    return line;
  }
  const [text, ...detail] = trimmed.split(NEWLINE);
  line.text = text;
  line.detail = detail;
  return line;
}

function reportLine(message: string, phase: 'invoke' | 'init'): ParsedLine {
  const report: ReportSummary = { phase };
  for (const field of message.split('\t')) {
    const colon = field.lastIndexOf(': ');
    if (colon < 0) continue;
    const key = field.slice(0, colon).trim();
    const value = field.slice(colon + 2).trim();
    const number = Number.parseFloat(value);
    switch (key) {
      case 'Duration':
        report.durationMs = number;
        break;
      case 'Billed Duration':
        report.billedMs = number;
        break;
      case 'Memory Size':
        report.memorySizeMb = number;
        break;
      case 'Max Memory Used':
        report.maxMemoryUsedMb = number;
        break;
      case 'Init Duration':
      case 'INIT_REPORT Init Duration':
        if (phase === 'init') report.durationMs = number;
        else report.initDurationMs = number;
        break;
      case 'Restore Duration':
        report.restoreDurationMs = number;
        break;
      case 'Status':
        report.status = value;
        break;
      case 'Error Type':
        report.errorType = value;
        break;
    }
  }
  const timeout = report.status === 'timeout';
  return { kind: 'report', requestId: REQUEST_ID.exec(message)?.[1], text: message.trimEnd(), report, ...(timeout ? { timeout } : {}) };
}

/** A JSON object line, or undefined when the text is not one. */
function parseJsonLine(message: string): ParsedLine | undefined {
  const end = message.trimEnd();
  if (end.charCodeAt(end.length - 1) !== 125 /* } */) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(end);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const o = data as Record<string, unknown>;
  if (typeof o.type === 'string' && o.type.startsWith('platform.') && typeof o.record === 'object' && o.record !== null) {
    return platformRecord(o.type, o.record as Record<string, unknown>, o);
  }
  return structured(o);
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Lambda's JSON log format for platform lines: `{"time", "type": "platform.report", "record": {...}}`. */
function platformRecord(type: string, record: Record<string, unknown>, data: Record<string, unknown>): ParsedLine {
  const requestId = str(record.requestId);
  const base = { ...(requestId ? { requestId } : {}), data };
  switch (type) {
    case 'platform.start':
      return {
        kind: 'start',
        ...base,
        text: `START ${requestId ?? ''}`.trim(),
        ...(str(record.version) ? { version: str(record.version) } : {}),
      };
    case 'platform.runtimeDone':
    case 'platform.end':
      return { kind: 'end', ...base, text: `END ${requestId ?? ''}`.trim() };
    case 'platform.report':
    case 'platform.initReport': {
      const m = (typeof record.metrics === 'object' && record.metrics !== null ? record.metrics : {}) as Record<string, unknown>;
      const init = type === 'platform.initReport';
      const status = str(record.status);
      const report: ReportSummary = {
        phase: init ? 'init' : 'invoke',
        durationMs: num(m.durationMs),
        billedMs: num(m.billedDurationMs),
        memorySizeMb: num(m.memorySizeMB),
        maxMemoryUsedMb: num(m.maxMemoryUsedMB),
        ...(num(m.initDurationMs) !== undefined ? { initDurationMs: num(m.initDurationMs) } : {}),
        ...(num(m.restoreDurationMs) !== undefined ? { restoreDurationMs: num(m.restoreDurationMs) } : {}),
        ...(status ? { status } : {}),
        ...(str(record.errorType) ? { errorType: str(record.errorType) } : {}),
      };
      if (init && !status) return { kind: 'init', ...base, text: type };
      return { kind: 'report', ...base, text: type, report, ...(status === 'timeout' ? { timeout: true } : {}) };
    }
    default:
      return { kind: type.startsWith('platform.init') ? 'init' : 'platform', ...base, text: type };
  }
}

const REQUEST_ID_KEYS = ['requestId', 'request_id', 'awsRequestId', 'AWSRequestId', 'aws_request_id', 'function_request_id'];

/** A structured log object: level + message, with its stack trace as detail lines. */
function structured(data: Record<string, unknown>): ParsedLine {
  const level = toLevel(data.level ?? data.severity ?? data.log_level ?? data.levelname);
  let requestId: string | undefined;
  for (const key of REQUEST_ID_KEYS) if ((requestId = str(data[key]))) break;
  const errorType = str(data.errorType);
  const message = str(data.message) ?? str(data.msg) ?? str(data.errorMessage);
  let text: string;
  if (message !== undefined) text = errorType && !message.startsWith(errorType) ? `${errorType}: ${message}` : message;
  else text = typeof data.message === 'object' && data.message !== null ? JSON.stringify(data.message) : JSON.stringify(data);
  const lines = text.split(NEWLINE);
  const stack = stackOf(data);
  // A stack usually repeats the message as its first line.
  const detail = [
    ...lines.slice(1),
    ...(stack[0]?.trim() === lines[0].trim() || stack[0]?.trim() === text.trim() ? stack.slice(1) : stack),
  ];
  return {
    kind: 'log',
    ...(requestId ? { requestId } : {}),
    ...(level ? { level } : errorType ? { level: 'ERROR' as const } : {}),
    text: lines[0],
    ...(detail.length > 0 ? { detail } : {}),
    data,
  };
}

function stackOf(data: Record<string, unknown>): string[] {
  const error = (data.error ?? data.err ?? data.exception) as Record<string, unknown> | string | undefined;
  const raw =
    data.stackTrace ??
    data.stack ??
    (typeof error === 'object' && error !== null ? (error.stack ?? error.stackTrace) : typeof error === 'string' ? error : undefined);
  if (Array.isArray(raw)) return raw.flatMap((line) => String(line).replace(/\s+$/, '').split(NEWLINE));
  if (typeof raw === 'string') return raw.replace(/\s+$/, '').split(NEWLINE);
  return [];
}

/** A separate event that continues the previous one's stack trace (Python tracebacks, Java, `at ...` frames). */
export function isContinuation(message: string): boolean {
  const c = message.charCodeAt(0);
  if (c === 32 || c === 9) return /^\s+(at |File "|\.\.\. \d+ more|\^)/.test(message);
  return message.startsWith('Caused by: ') || message.startsWith('Traceback (most recent call last)');
}
