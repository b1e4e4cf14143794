import type { ChalkInstance } from 'chalk';
import type { EventKind } from './plan.js';

/** One line per file created. Pure: the command prints them. */
export function renderCreated(paths: string[], c: ChalkInstance): string[] {
  return paths.map((p) => `${c.green('create')} ${p}`);
}

/** Commands to run after `ops init`: `cd` when the fleet is elsewhere, install what it wrote a package.json for, then look, build and try. */
export function initNextSteps(o: { cdInto?: string; install?: boolean; functionName: string; eventFile: string }): string[] {
  return [
    ...(o.cdInto ? [`cd ${quoteArg(o.cdInto)}`] : []),
    ...(o.install ? ['npm install'] : []),
    'ops config',
    'ops package',
    `ops invoke ${o.functionName} --local --event ${quoteArg(o.eventFile)}`,
  ];
}

/** Commands (and the trigger to add, for event sources a config line cannot invent) after `ops new function`. */
export function newFunctionNextSteps(o: { name: string; event: EventKind; eventFile: string }): { commands: string[]; hint?: string } {
  const commands = [`ops invoke ${o.name} --local --event ${quoteArg(o.eventFile)}`];
  if (o.event === 'sns')
    return { commands, hint: `subscribe it to a topic: triggers: [{ sns: 'arn:aws:sns:<region>:<account>:<topic>' }]` };
  if (o.event === 'schedule') return { commands, hint: `schedule it: triggers: [{ schedule: 'rate(5 minutes)' }]` };
  const source = SOURCE_HINTS[o.event];
  if (source) return { commands: [...commands, 'ops smoke --local'], hint: source };
  return { commands };
}

const SOURCE_HINTS: Partial<Record<EventKind, string>> = {
  sqs: 'declare the queue under resources, then fill in the commented triggers line of the new entry',
  dynamodb: 'declare the table (with a stream) under resources, then fill in the commented triggers line of the new entry',
  s3: 'declare the bucket under resources, then fill in the commented triggers line of the new entry',
  eventbridge: 'fill in the commented triggers line of the new entry with the pattern of the events to receive',
};

/** Talk for stderr: a heading and indented commands. */
export function renderNextSteps(commands: string[], c: ChalkInstance, hint?: string): string[] {
  return ['', c.bold('next:'), ...commands.map((cmd) => `  ${c.cyan(cmd)}`), ...(hint ? ['', `${c.dim('hint:')} ${hint}`] : [])];
}

const quoteArg = (s: string) => (/^[\w./@:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
