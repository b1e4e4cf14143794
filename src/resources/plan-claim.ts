import { ownerOf } from '../config/naming.js';
import { UserError } from '../errors.js';

/**
 * Pure: the stop on a rule or alarm with a kept name that is not ours (issue 16.2). Another stage's or app's stops
 * the plan naming the owner; an untagged one stops with a hint unless the config says `adopt: true`.
 */
export function assertClaimable(c: {
  at: string;
  what: 'rule' | 'alarm';
  field: string;
  tags: Record<string, string>;
  adopt?: boolean;
}): void {
  const { app, stage } = ownerOf(c.tags);
  if (app !== undefined || stage !== undefined)
    throw new UserError(`${c.at}: the ${c.what} is tagged for app ${app ?? '?'} stage ${stage ?? '?'}; nothing was changed`, {
      hint: `another stage or app owns that name: give ${c.field} a name per stage ({stage} in it, or one by stage)`,
    });
  if (!c.adopt)
    throw new UserError(`${c.at}: the ${c.what} exists, not managed by ops; nothing was changed`, {
      hint: `set adopt: true on the ${c.what === 'rule' ? 'trigger' : 'alarm'} to take it over (tagged in place, its name kept), or give it another ${c.field}`,
    });
}
