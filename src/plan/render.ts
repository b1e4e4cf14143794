import type { ChalkInstance } from 'chalk';
import { sharedGroup } from './change.js';
import { compareStrings, fieldAction, formatField, MASK } from './fields.js';
import type { Action, Change, Plan } from './types.js';

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
}

export function countChanges(plan: Plan): PlanCounts {
  const counts: PlanCounts = { create: 0, update: 0, delete: 0 };
  for (const c of plan.changes) counts[c.action === 'replace' ? 'update' : c.action] += 1;
  return counts;
}

const MARKERS: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '±' };

function paint(c: ChalkInstance, action: Action | 'add' | 'remove' | 'change', text: string): string {
  if (action === 'create' || action === 'add') return c.green(text);
  if (action === 'delete' || action === 'remove') return c.red(text);
  if (action === 'replace') return c.magenta(text);
  return c.yellow(text);
}

/** Layers, then changes by function key (sorted), then the rest that belongs to no function; each group in plan order. */
function groups(plan: Plan): { title: string; changes: Change[] }[] {
  const byFn = new Map<string, Change[]>();
  const shared: Change[] = [];
  for (const ch of plan.changes) {
    if (ch.fn === undefined) shared.push(ch);
    else byFn.set(ch.fn, [...(byFn.get(ch.fn) ?? []), ch]);
  }
  const layers = shared.filter((ch) => ch.resource.type === 'lambda layer');
  const rest = shared.filter((ch) => ch.resource.type !== 'lambda layer');
  // Layers first: functions wait for their new versions.
  const out = layers.length ? [{ title: 'layers', changes: layers }] : [];
  out.push(...[...byFn.keys()].sort(compareStrings).map((fn) => ({ title: fn, changes: byFn.get(fn) ?? [] })));
  const titled = new Map<string, Change[]>();
  for (const ch of rest) {
    const title = sharedTitle(ch, rest);
    titled.set(title, [...(titled.get(title) ?? []), ch]);
  }
  out.push(...[...titled].map(([title, changes]) => ({ title, changes })));
  return out;
}

/** A shared change's group title: `resources`, `shared`, or the API by its type and name. */
function sharedTitle(ch: Change, among: readonly Change[]): string {
  const group = sharedGroup(ch);
  if (group !== 'api') return group;
  const api = among.find((c) => c.resource.type === 'http api' || c.resource.type === 'rest api');
  return api ? `${api.resource.type} ${api.resource.name}` : 'api';
}

/**
 * One line per field diff; on a create, a keyed group (env keys, tags) on one line, `env +A, B` and
 * `tag +k='v'`, since every key is new: a function with twenty variables stays readable.
 */
function fieldLines(ch: Change): { text: string; action: ReturnType<typeof fieldAction> }[] {
  if (ch.action !== 'create') return ch.fields.map((f) => ({ text: formatField(f), action: fieldAction(f) }));
  const out: { text: string; action: ReturnType<typeof fieldAction>; group?: string; items?: string[] }[] = [];
  for (const f of ch.fields) {
    const dot = f.field.indexOf('.');
    if (dot < 0 || f.to === undefined || f.from !== undefined) {
      out.push({ text: formatField(f), action: fieldAction(f) });
      continue;
    }
    const group = f.field.slice(0, dot);
    const item = f.to === MASK ? f.field.slice(dot + 1) : `${f.field.slice(dot + 1)}=${f.to}`;
    const last = out.at(-1);
    if (last?.group === group && last.items) last.items.push(item);
    else out.push({ text: '', action: 'add', group, items: [item] });
  }
  return out.map((l) => (l.items ? { text: `${l.group} +${l.items.join(', ')}`, action: l.action } : l));
}

/** The plan for people: header, changes grouped by function with their field diffs, warnings. Pure: returns lines. */
export function renderPlan(plan: Plan, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (!plan.changes.length) {
    lines.push('No changes. The fleet matches the config.');
  } else {
    const n = countChanges(plan);
    lines.push(
      c.bold(`Plan for ${plan.app}/${plan.stage} in ${plan.region}: ${n.create} to create, ${n.update} to update, ${n.delete} to delete`),
    );
    for (const group of groups(plan)) {
      lines.push('', c.bold(group.title));
      for (const ch of group.changes) {
        lines.push(`  ${paint(c, ch.action, `${MARKERS[ch.action]} ${ch.summary}`)}`);
        const shown = fieldLines(ch);
        // Diffs the summary already spells out in full are not repeated.
        if (shown.every((l) => ch.summary.includes(l.text))) continue;
        for (const l of shown) lines.push(`      ${paint(c, l.action, l.text)}`);
      }
    }
  }
  if (plan.warnings.length) {
    lines.push('', c.yellow(`${plan.warnings.length === 1 ? 'Warning' : 'Warnings'}:`));
    for (const w of plan.warnings) lines.push(`  ${c.yellow('!')} ${w}`);
  }
  return lines;
}

/**
 * What `ops plan --json` prints. Only display data: no zip paths and no configurations (whose
 * environments may hold secrets); field values of secret-looking keys are already masked.
 */
export function planToJson(plan: Plan): object {
  return {
    app: plan.app,
    stage: plan.stage,
    region: plan.region,
    summary: countChanges(plan),
    changes: plan.changes.map((ch) => ({
      id: ch.id,
      kind: ch.kind,
      action: ch.action,
      resource: ch.resource,
      summary: ch.summary,
      fields: ch.fields,
      dependsOn: ch.dependsOn,
      fn: ch.fn ?? null,
    })),
    warnings: plan.warnings,
  };
}
