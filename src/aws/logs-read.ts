import { logGroupArn } from '../config/naming.js';
import type { TailEvent } from '../logs/types.js';
import type { Aws } from './clients.js';
import { isNotFound } from './errors.js';
import { parsePlainJson } from './plain-json.js';

/** One FilterLogEvents call: a time window of one group, from a page token. */
export interface FilterQuery {
  group: string;
  startTime?: number;
  /** Inclusive, as the API takes it. */
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
}

export interface EventsPage {
  events: TailEvent[];
  nextToken?: string;
}

/** What a Live Tail stream delivers, mapped from the SDK's event union. */
export type LiveTailFrame =
  | { type: 'start'; sessionId?: string }
  | { type: 'update'; events: TailEvent[]; sampled: boolean }
  /** The session reached its time limit (3 hours) and ended. */
  | { type: 'timeout' };

/** The reads `ops logs tail` needs; the engines take this, tests give them fakes. */
export interface LogSource {
  /** One page of FilterLogEvents; `undefined` when the group does not exist (yet). */
  filter(query: FilterQuery, signal?: AbortSignal): Promise<EventsPage | undefined>;
  /** Which of these groups exist. */
  existing(groups: readonly string[]): Promise<Set<string>>;
  /** Starts a Live Tail session for up to 10 existing groups; fails when Live Tail is not available. */
  liveTail(groups: readonly string[], filterPattern: string | undefined, signal: AbortSignal): Promise<AsyncIterable<LiveTailFrame>>;
}

/** Live Tail takes at most this many log groups per session. */
export const LIVE_TAIL_MAX_GROUPS = 10;

export function awsLogSource(aws: Aws, opts: FilterOptions = {}): LogSource {
  return {
    filter: (query, signal) => filterLogEvents(aws, query, signal, opts),
    existing: (groups) => existingLogGroups(aws, groups),
    liveTail: (groups, filterPattern, signal) => startLiveTail(aws, groups, filterPattern, signal),
  };
}

/**
 * Starts loading the Logs client package (about a third of `ops logs tail`'s start) while the config
 * loads: that load waits on files, and the SDK's modules compile in those waits.
 */
export function preloadLogsClient(): void {
  import('./sdk/logs.js').catch(() => {});
}

export interface FilterOptions {
  /** Called once a request goes to the wire (each attempt), after the client, signing and every middleware. */
  onSend?: () => void;
}

export async function filterLogEvents(
  aws: Aws,
  query: FilterQuery,
  signal?: AbortSignal,
  opts: FilterOptions = {},
): Promise<EventsPage | undefined> {
  const [logs, sdk] = await Promise.all([aws.logs(), import('./sdk/logs.js')]);
  const command = new sdk.FilterLogEventsCommand({
    logGroupName: query.group,
    ...(query.startTime !== undefined ? { startTime: Math.max(0, Math.floor(query.startTime)) } : {}),
    ...(query.endTime !== undefined ? { endTime: Math.floor(query.endTime) } : {}),
    ...(query.filterPattern ? { filterPattern: query.filterPattern } : {}),
    ...(query.nextToken ? { nextToken: query.nextToken } : {}),
    ...(query.limit ? { limit: query.limit } : {}),
  });
  // A page holds up to 10,000 events: parsed with JSON.parse rather than the SDK's field-by-field walk.
  await parsePlainJson(command, logs);
  const { onSend } = opts;
  if (onSend) {
    // The command's own stack comes after the client's: the last middleware before the HTTP handler.
    command.middlewareStack.add(
      (next) => (args) => {
        onSend();
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'opsOnSend' },
    );
  }
  try {
    const page = await logs.send(command, signal ? { abortSignal: signal } : {});
    // Up to 10,000 events a page: each built as one object (no spread of a conditional one per field).
    const events: TailEvent[] = [];
    for (const e of page.events ?? []) {
      const event: TailEvent = { group: query.group, stream: e.logStreamName ?? '', timestamp: e.timestamp ?? 0, message: e.message ?? '' };
      if (e.eventId) event.id = e.eventId;
      if (e.ingestionTime) event.ingestionTime = e.ingestionTime;
      events.push(event);
    }
    return { events, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Lists the groups by their longest common name prefix (one paged DescribeLogGroups for a whole
 * fleet, `/aws/lambda/app-stage-`), or one prefix per group when they share too little.
 */
export async function existingLogGroups(aws: Aws, groups: readonly string[]): Promise<Set<string>> {
  const logs = await aws.logs();
  const wanted = new Set(groups);
  const found = new Set<string>();
  const common = commonPrefix(groups);
  const prefixes = groups.length > 1 && common.length > '/aws/lambda/'.length ? [common] : [...wanted];
  for (const prefix of prefixes) {
    let nextToken: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await logs.describeLogGroups({ logGroupNamePrefix: prefix, ...(nextToken ? { nextToken } : {}) });
      for (const g of page.logGroups ?? []) if (g.logGroupName && wanted.has(g.logGroupName)) found.add(g.logGroupName);
      nextToken = page.nextToken;
      if (nextToken && seen.has(nextToken)) break;
      if (nextToken) seen.add(nextToken);
    } while (nextToken);
  }
  return found;
}

function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Live Tail names log groups by ARN; its events may carry the ARN or `account:name`. */
export function groupNameOf(identifier: string): string {
  const arn = /^arn:[^:]+:logs:[^:]*:\d*:log-group:(.+?)(?::\*)?$/.exec(identifier);
  if (arn) return arn[1];
  return identifier.replace(/^\d{12}:/, '');
}

export async function startLiveTail(
  aws: Aws,
  groups: readonly string[],
  filterPattern: string | undefined,
  signal: AbortSignal,
): Promise<AsyncIterable<LiveTailFrame>> {
  const [logs, account] = await Promise.all([aws.logs(), aws.accountId()]);
  const arns = groups.map((g) => logGroupArn(aws.region, account, g));
  const output = await logs.startLiveTail(
    { logGroupIdentifiers: arns, ...(filterPattern ? { logEventFilterPattern: filterPattern } : {}) },
    { abortSignal: signal },
  );
  const stream = output.responseStream;
  if (!stream) throw new Error('StartLiveTail returned no stream');
  return mapFrames(stream);
}

type SdkFrame = {
  sessionStart?: { sessionId?: string };
  sessionUpdate?: {
    sessionMetadata?: { sampled?: boolean };
    sessionResults?: {
      logGroupIdentifier?: string;
      logStreamName?: string;
      timestamp?: number;
      message?: string;
      ingestionTime?: number;
    }[];
  };
  SessionTimeoutException?: unknown;
  SessionStreamingException?: { message?: string };
};

async function* mapFrames(stream: AsyncIterable<SdkFrame>): AsyncGenerator<LiveTailFrame> {
  for await (const frame of stream) {
    if (frame.sessionStart) yield { type: 'start', ...(frame.sessionStart.sessionId ? { sessionId: frame.sessionStart.sessionId } : {}) };
    else if (frame.sessionUpdate) {
      const events: TailEvent[] = (frame.sessionUpdate.sessionResults ?? []).map((e) => ({
        group: groupNameOf(e.logGroupIdentifier ?? ''),
        stream: e.logStreamName ?? '',
        timestamp: e.timestamp ?? 0,
        message: e.message ?? '',
        ...(e.ingestionTime ? { ingestionTime: e.ingestionTime } : {}),
      }));
      yield { type: 'update', events, sampled: frame.sessionUpdate.sessionMetadata?.sampled === true };
    } else if (frame.SessionTimeoutException) {
      yield { type: 'timeout' };
      return;
    } else if (frame.SessionStreamingException) {
      const error = new Error(frame.SessionStreamingException.message ?? 'Live Tail stream failed');
      error.name = 'SessionStreamingException';
      throw error;
    }
  }
}
