import type { Fleet } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { Level } from './lambda-line.js';
import type { GroupLabel } from './types.js';

/** API Gateway access lines (`ops logs tail --api`): which groups hold them, and what one says. Pure. */

/** The access log group of each API of the fleet that writes one, labelled with the API's name. */
export function apiLabels(fleet: Pick<Fleet, 'api'> & { apis?: Fleet['api'][] }): Map<string, GroupLabel> {
  const apis = [fleet.api, ...(fleet.apis ?? [])];
  const out = new Map<string, GroupLabel>();
  for (const api of apis) if (api?.accessLog) out.set(api.accessLog.logGroup, { key: api.name, name: api.name, api: true });
  return out;
}

/** `--api`: the fleet's access log groups; none is a usage error that says how to get one. */
export function apiAccessGroups(fleet: Pick<Fleet, 'api'> & { apis?: Fleet['api'][] }): Map<string, GroupLabel> {
  const groups = apiLabels(fleet);
  if (!groups.size)
    throw new UsageError(fleet.api ? `--api: the API ${fleet.api.name} writes no access logs` : '--api: the fleet has no API', {
      hint: fleet.api ? 'set api.accessLog: true in the config and deploy' : 'give a function routes to have one',
    });
  return groups;
}

/** One access line as understood: the request id, a level from the status, and a short text. */
export interface AccessLine {
  requestId?: string;
  level?: Level;
  /** `GET /tasks/{id} 200 · 12 ms · 203.0.113.9` (the route key or resource path API Gateway matched). */
  text: string;
  data?: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' && v !== '-' ? v : undefined);

/**
 * A JSON access line (ops' default format, or any format with the same field names) in a few words; any
 * other line (a custom CLF format) is its text as written.
 */
export function parseAccessLine(message: string): AccessLine {
  const text = message.replace(/\s+$/, '');
  let data: unknown;
  try {
    data = text.startsWith('{') ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { text };
  const o = data as Record<string, unknown>;
  const status = Number(str(o.status));
  const route = str(o.routeKey) ?? [str(o.httpMethod), str(o.resourcePath) ?? str(o.path)].filter(Boolean).join(' ');
  const latency = str(o.integrationLatency) ?? str(o.responseLatency);
  const parts = [
    [route, str(o.status)].filter(Boolean).join(' '),
    latency ? `${latency} ms` : undefined,
    str(o.ip) ?? str(o.sourceIp),
  ].filter(Boolean);
  const requestId = str(o.requestId);
  return {
    ...(requestId ? { requestId } : {}),
    ...(Number.isFinite(status)
      ? { level: status >= 500 ? ('ERROR' as const) : status >= 400 ? ('WARN' as const) : ('INFO' as const) }
      : {}),
    text: parts.length ? parts.join(' · ') : text,
    data: o,
  };
}
