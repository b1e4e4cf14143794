import type { ChalkInstance } from 'chalk';
import type { StoredParam, StoredType } from '../aws/ssm.js';
import { paramPrefix } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { renderTable } from '../ui/table.js';
import { type MissingParam, paramSetHint } from './check.js';
import type { ParamTarget, WriteOutcome } from './declared.js';

/** One line of `ops params list` (and one element of its `--json`). Never holds a value. */
export interface ParamRow {
  name: string;
  path: string;
  /** `undeclared`: found under the stage's path but not in the config. */
  status: 'set' | 'missing' | 'undeclared';
  declared: boolean;
  /** Declared at a path without `{stage}`: one value for every stage. */
  shared?: boolean;
  /** As declared (`false` for an undeclared one). */
  secure: boolean;
  /** As stored; `undefined` when missing. */
  type?: StoredType;
  version?: number;
  /** ISO 8601. */
  lastModified?: string;
  readers: string[];
  description?: string;
}

/** Every declared param in config order, then what else is stored under `/{app}/{stage}/`. Pure. */
export function paramRows(fleet: Fleet, stored: StoredParam[]): ParamRow[] {
  const byPath = new Map(stored.map((p) => [p.name, p]));
  const meta = (p: StoredParam | undefined) =>
    p ? { type: p.type, version: p.version, ...(p.lastModified ? { lastModified: p.lastModified.toISOString() } : {}) } : {};
  const rows: ParamRow[] = fleet.params.map((spec) => {
    const found = byPath.get(spec.path);
    byPath.delete(spec.path);
    return {
      name: spec.name,
      path: spec.path,
      status: found ? 'set' : 'missing',
      declared: true,
      ...(spec.shared ? { shared: true } : {}),
      secure: spec.secure,
      ...meta(found),
      readers: [...spec.readers],
      ...(spec.description ? { description: spec.description } : {}),
    };
  });
  const prefix = paramPrefix(fleet.app, fleet.stage);
  const extra = [...byPath.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of extra) {
    rows.push({
      name: p.name.slice(prefix.length),
      path: p.name,
      status: 'undeclared',
      declared: false,
      secure: false,
      ...meta(p),
      readers: [],
    });
  }
  return rows;
}

/** The `ops params list` table. Pure: returns lines. */
export function renderParamList(rows: ParamRow[], c: ChalkInstance): string[] {
  const status = (r: ParamRow) =>
    r.status === 'set' ? c.green('set') : r.status === 'missing' ? c.red('missing') : c.yellow('undeclared');
  const type = (r: ParamRow) => r.type ?? c.dim(r.secure ? 'SecureString' : 'String');
  return renderTable(
    ['NAME', 'STATUS', 'TYPE', { header: 'VERSION', align: 'right' }, 'MODIFIED', 'READ BY'],
    rows.map((r) => [
      r.name,
      status(r),
      type(r),
      r.version === undefined ? c.dim('-') : String(r.version),
      r.lastModified ? r.lastModified.replace(/\.\d+Z$/, 'Z').replace('T', ' ') : c.dim('-'),
      r.readers.length ? r.readers.join(', ') : c.dim('-'),
    ]),
  );
}

/** Talk under the table: what is missing, what is stored weaker than declared. Pure. */
export function listNotes(fleet: Fleet, rows: ParamRow[]): { warnings: string[]; summary: string } {
  const warnings = rows
    .filter((r) => r.declared && r.secure && r.type !== undefined && r.type !== 'SecureString')
    .map(
      (r) => `${r.name} is declared secure but stored as ${r.type}: run \`${paramSetHint(fleet, r.name)}\` to store it as a SecureString`,
    );
  const declared = rows.filter((r) => r.declared);
  const set = declared.filter((r) => r.status === 'set').length;
  const missing = declared.length - set;
  const summary =
    declared.length === 0
      ? `${fleet.app} declares no params`
      : `${set} of ${declared.length} params set for stage ${fleet.stage}${missing ? `; set the missing with \`${paramSetHint(fleet, '<name>')}\`` : ''}`;
  return { warnings, summary };
}

/** `ops params check` lines for the missing params: name, readers, the command that sets it. Pure. */
export function renderMissing(fleet: Fleet, missing: MissingParam[], c: ChalkInstance): string[] {
  return renderTable(
    ['MISSING', 'READ BY', 'SET WITH'],
    missing.map((m) => [m.name, m.readers.length ? m.readers.join(', ') : c.dim('-'), m.secret?.hint ?? paramSetHint(fleet, m.name)]),
  );
}

/** What `set` and `import` print per param: `created api/key (version 1)`. Never the value. */
export const outcomeLine = (name: string, outcome: WriteOutcome, version: number) => `${outcome} ${name} (version ${version})`;

/** `get`'s details line (stderr): `/tasks/dev/api/key  SecureString  version 3  modified 2026-…`. */
export function paramDetails(path: string, stored: StoredParam): string {
  const modified = stored.lastModified ? `  modified ${stored.lastModified.toISOString()}` : '';
  return `${path}  ${stored.type}  version ${stored.version}${modified}`;
}

/** What a stored secure value shows as: a fixed mask, so not even its length leaks. */
export const MASK = '••••••••';

/** The subject of an overwrite question: one path with its version, or a count and the names. */
export function overwriteSubject(targets: ParamTarget[], current?: StoredParam): string {
  if (targets.length === 1) return `${targets[0].path}${current ? ` (version ${current.version})` : ''}`;
  return `${targets.length} params (${targets.map((t) => t.name).join(', ')})`;
}

/** `import`'s closing line: `imported .env.prod into /tasks/prod/: 2 created, 1 updated, 3 unchanged, 1 skipped`. */
export function importSummary(file: string, prefix: string, outcomes: WriteOutcome[], skipped: number): string {
  const count = (o: WriteOutcome) => outcomes.filter((x) => x === o).length;
  const parts = [`${count('created')} created`, `${count('updated')} updated`, `${count('unchanged')} unchanged`];
  if (skipped) parts.push(`${skipped} skipped`);
  return `imported ${file} into ${prefix}: ${parts.join(', ')}`;
}
