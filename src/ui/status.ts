import type { ChalkInstance } from 'chalk';
import type { FleetStatus } from '../status/fleet-status.js';
import { renderDomain } from './domain.js';
import { renderFunctionUrls } from './function-urls.js';
import { renderTable } from './table.js';

/** `live` split by a shift: `+30% on 4 (Canary... since ..., next step ...)`. */
const shiftText = (s: FleetStatus['functions'][number]['shift']) =>
  s
    ? ` +${Object.entries(s.weights)
        .map(([v, w]) => `${Math.round(w * 1000) / 10}% on ${v}`)
        .join(', ')}${s.note ? ` (${s.note})` : ''}`
    : '';

/** The `ops status` view. Pure: returns lines. */
export function renderStatus(s: FleetStatus, c: ChalkInstance): string[] {
  const rows = s.functions.map((f) => {
    if (!f.deployed) return [f.function, c.dim('not deployed'), '', '', '', ''];
    const drift = [f.code === 'differs' ? 'code' : '', ...f.configDrift].filter(Boolean);
    return [
      f.function,
      f.liveVersion ? `${f.liveVersion}${shiftText(f.shift)}` : c.yellow('no live alias'),
      f.lastDeploy ? f.lastDeploy.replace('T', ' ').slice(0, 19) : '',
      drift.length ? c.yellow(`drift: ${drift.join(', ')}`) : f.code === 'unknown' ? c.dim('unknown') : c.green('in sync'),
      f.lastUpdateStatus && f.lastUpdateStatus !== 'Successful' ? `${f.state}/${f.lastUpdateStatus}` : (f.state ?? ''),
      f.invocations === undefined ? '' : `${f.invocations} (${((f.errorRate ?? 0) * 100).toFixed(1)}% errors)`,
    ];
  });
  const lines = [
    `${c.bold(s.app)} · stage ${c.cyan(s.stage)} · ${s.region}`,
    '',
    ...renderTable(['function', 'live', 'last deploy', 'local vs live', 'state', 'last hour'], rows),
  ];
  if (s.url) lines.push('', `API: ${c.cyan(s.url)}`);
  const named = Object.entries(s.apis ?? {}).map(([key, url]) => `API ${key}: ${c.cyan(url)}`);
  if (named.length) lines.push(...(s.url ? [] : ['']), ...named);
  if (s.domain) lines.push(...renderDomain(s.domain, c));
  const urls = s.functions.flatMap((f) => (f.url ? [{ function: f.function, ...f.url }] : []));
  if (urls.length) lines.push(...(s.url ? [] : ['']), ...renderFunctionUrls(urls, c));
  if (s.orphans.length) lines.push('', c.yellow(`not in the config any more (the next deploy removes them): ${s.orphans.join(', ')}`));
  return lines;
}
