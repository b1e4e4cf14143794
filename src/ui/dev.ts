import type { ChalkInstance } from 'chalk';
import type { DevRoute } from '../dev/routes.js';
import type { AccessRecord } from '../dev/server.js';
import { formatDuration, renderTable } from './table.js';

/** The routes `ops dev` serves, most specific first (the order they are matched in). Pure. */
export function renderDevRoutes(routes: DevRoute[], url: string): string[] {
  return renderTable(
    ['route', 'function', 'url'],
    routes.map((r) => [r.key, r.fn, `${url}${r.kind === 'default' ? '/*' : r.key.slice(r.key.indexOf(' ') + 1)}`]),
  );
}

/** `GET /tasks/123 → 200 12ms tasks-api`, with the gateway's reason when it answered for the function. Pure. */
export function renderAccessLine(r: AccessRecord, c: ChalkInstance): string {
  const status = r.status >= 500 ? c.red(String(r.status)) : r.status >= 400 ? c.yellow(String(r.status)) : c.green(String(r.status));
  const parts = [`${r.method} ${r.url} → ${status} ${formatDuration(r.ms)}`];
  if (r.fn) parts.push(c.cyan(r.fn));
  if (r.note) parts.push(c.dim(`(${r.note})`));
  return parts.join(' ');
}
