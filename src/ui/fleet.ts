import type { ChalkInstance } from 'chalk';
import type { Fleet } from '../config/types.js';
import { renderTable } from './table.js';

/** Human view of a resolved fleet (`ops config`). Pure: returns lines. */
export function renderFleet(fleet: Fleet, c: ChalkInstance): string[] {
  const lines = [
    `${c.bold(fleet.app)} · stage ${c.cyan(fleet.stage)} · ${fleet.region} · ${fleet.functions.length} function${fleet.functions.length === 1 ? '' : 's'}`,
    `config ${fleet.configPath}`,
    '',
  ];
  lines.push(
    ...renderTable(
      ['function', 'physical name', 'runtime', 'memory', 'timeout', 'handler'],
      fleet.functions.map((f) => [
        f.key,
        f.name,
        `${f.runtime}/${f.architecture}`,
        `${f.memory} MB`,
        `${f.timeout}s`,
        f.handler.lambdaHandler,
      ]),
    ),
  );
  const routes = fleet.functions.flatMap((f) => f.routes.map((r) => [r.key, f.key]));
  if (fleet.api && routes.length) {
    lines.push('', `HTTP API ${c.bold(fleet.api.name)}`, ...renderTable(['route', 'function'], routes).map((l) => `  ${l}`));
  }
  if (fleet.params.length) {
    lines.push(
      '',
      'params',
      ...renderTable(
        ['name', 'path', 'type', 'read by'],
        fleet.params.map((p) => [p.name, p.path, p.secure ? 'SecureString' : 'String', p.readers.join(', ') || c.dim('nobody')]),
      ).map((l) => `  ${l}`),
    );
  }
  for (const f of fleet.functions) {
    const extra: string[] = [];
    const env = Object.keys(f.environment).filter((k) => k !== 'OPS_APP' && k !== 'OPS_STAGE');
    if (env.length) extra.push(`env ${env.join(', ')}`);
    if (f.invokes.length) extra.push(`invokes ${f.invokes.join(', ')}`);
    if (f.role) extra.push(`role ${f.role}`);
    if (extra.length) lines.push('', `${c.bold(f.key)}: ${extra.join(' · ')}`);
  }
  return lines;
}
