import { toRecord } from './format.js';
import { parseLambdaLine } from './lambda-line.js';
import type { GroupLabel, TailEvent } from './types.js';

/**
 * `--json` (and every piped tail): one line per event, byte for byte `JSON.stringify(toRecord(event, labels))`,
 * written out member by member instead. A 10,000-event page through records cost about 20 µs an event in a
 * fresh process (a record per event, with spreads of conditional members, then a generic walk of it and a lot
 * of garbage); here each line is one concatenation: the members every event of a group or stream shares are
 * serialized once, strings go through `JSON.stringify` of the string (the very escaping of the record's walk),
 * and the `data` and `report` objects through `JSON.stringify` as before. An API's access lines (`--api`) keep
 * the record path.
 */
export function jsonLineWriter(labels: ReadonlyMap<string, GroupLabel>): (event: TailEvent) => string {
  const groups = new Map<string, string>();
  const streams = new Map<string, string>();
  const q = JSON.stringify;

  /** `,"function":…,"functionName":…,"group":…`: the same for every event of a group. */
  const groupPart = (group: string) => {
    let part = groups.get(group);
    if (part === undefined) {
      const label = labels.get(group);
      const fn = label?.key ?? group.replace(/^\/aws\/lambda\//, '');
      part = `,"function":${q(fn)}${label ? `,"functionName":${q(label.name)}` : ''},"group":${q(group)}`;
      groups.set(group, part);
    }
    return part;
  };
  const streamPart = (stream: string) => {
    let part = streams.get(stream);
    if (part === undefined) {
      part = `,"stream":${q(stream)}`;
      streams.set(stream, part);
    }
    return part;
  };

  const iso = isoTime();
  return (event) => {
    if (labels.get(event.group)?.api) return q(toRecord(event, labels));
    const p = parseLambdaLine(event.message);
    const message = p.detail ? [p.text, ...p.detail].join('\n') : p.text;
    let line = `{"time":"${iso(event.timestamp)}","timestamp":${q(event.timestamp)}`;
    line += groupPart(event.group) + streamPart(event.stream);
    if (event.id) line += `,"id":${q(event.id)}`;
    line += `,"kind":"${p.kind}"`;
    if (p.requestId) line += `,"requestId":${q(p.requestId)}`;
    if (p.level) line += `,"level":"${p.level}"`;
    line += `,"message":${q(message)}`;
    if (p.data) line += `,"data":${q(p.data)}`;
    if (p.report) line += `,"report":${q(p.report)}`;
    if (p.timeout) line += ',"timeout":true';
    if (p.report?.initDurationMs !== undefined) line += ',"coldStart":true';
    return `${line},"raw":${q(event.message)}}`;
  };
}

/** The last year `toISOString` writes with four digits: later (and negative) times take the Date path. */
const YEAR_10000 = 253_402_300_800_000;

/**
 * `new Date(ts).toISOString()`, the second's part formatted once for the events of that second (a page is in
 * time order, so most events share their second with the one before).
 */
function isoTime(): (ts: number) => string {
  let second = Number.NaN;
  let head = '';
  return (ts) => {
    if (!Number.isInteger(ts) || ts < 0 || ts >= YEAR_10000) return new Date(ts).toISOString();
    const ms = ts % 1000;
    if (ts - ms !== second) {
      second = ts - ms;
      head = new Date(second).toISOString().slice(0, 20);
    }
    return `${head}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  };
}
