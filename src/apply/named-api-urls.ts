import { httpApiUrl, restApiUrl } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import type { Actual } from '../model/actual.js';

/** What an apply result says of one change: its kind, the named API it was for, what its handler returned. */
type Applied = { change: { kind: string; namedApi?: string }; status: string; detail?: string };

/**
 * The named APIs' URLs (`apis`) after a deploy, by key: an HTTP API's endpoint (under its named stage), a REST
 * API's stage URL; from this run's create when it made the API (its handler returns the endpoint or the id).
 */
export function namedApiUrls(
  fleet: Pick<Fleet, 'apis'>,
  actual: Actual,
  applied: readonly Applied[] = [],
): Record<string, string> | undefined {
  const urls: Record<string, string> = {};
  for (const api of fleet.apis ?? []) {
    const key = api.key as string;
    const rest = api.type === 'rest';
    const created = applied.find(
      (r) => r.change.namedApi === key && r.status === 'done' && r.change.kind === (rest ? 'restapi.create' : 'api.create'),
    );
    const id = rest ? (created?.detail ?? actual.restApis?.[key]?.id) : undefined;
    const url = rest
      ? id && restApiUrl(id, actual.region, api.stage ?? 'prod')
      : httpApiUrl(created?.detail ?? actual.apis?.[key]?.endpoint, api.stage);
    if (url) urls[key] = url;
  }
  return Object.keys(urls).length ? urls : undefined;
}
