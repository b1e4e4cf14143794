import { EVENT_FILES, type EventKind, type FileToWrite, sampleEvent } from '../scaffold/plan.js';
import type { TemplateReader } from '../scaffold/templates.js';
import type { PlannedFunction } from './config-text.js';

/**
 * Sample events for an imported function, one per kind of caller it has (an API route, a schedule, an SQS
 * queue, an SNS topic), from the same templates `ops new function` uses, under `<dir>/events/`. Pure.
 */
export function sampleFiles(p: PlannedFunction, vars: { app: string; region: string }, read: TemplateReader): FileToWrite[] {
  const kinds: { kind: EventKind; route?: string }[] = [];
  const route = p.fn.routes[0]?.routeKey;
  if (route) kinds.push({ kind: 'http', route });
  if (p.fn.rules.some((r) => r.schedule)) kinds.push({ kind: 'schedule' });
  if (p.fn.mappings.some((m) => m.kind === 'sqs')) kinds.push({ kind: 'sqs' });
  if (p.fn.sns.length) kinds.push({ kind: 'sns' });
  const v = { ...vars, name: p.key, route: route ?? '' };
  return kinds.map(({ kind, route: r }) => ({
    path: `${p.place.dir}/events/${EVENT_FILES[kind]}`,
    contents: sampleEvent(kind, read(`events/${EVENT_FILES[kind]}`), v, r),
  }));
}
