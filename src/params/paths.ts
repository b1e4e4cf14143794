import type { Aws } from '../aws/clients.js';
import { getParameters, getParameterTags, listParametersByPath, type StoredParam } from '../aws/ssm.js';
import { OWNER_APP_TAG, ownerOf, ownershipTags, paramPrefix } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UserError } from '../errors.js';
import type { ParamTarget } from './declared.js';

/*
 * Params declared at a path of their own (`path: '/spool/openai-api-key'`) live outside the stage's tree
 * `/{app}/{stage}/`: the commands read them by name beside the tree's listing, and a shared one (no `{stage}` in
 * its path, read by every stage) belongs to the app, not to the stage that happened to set it.
 */

/** What `ops params list` reads: the stage's tree, plus each declared param stored elsewhere (by name, 10 a call). */
export async function storedParams(aws: Aws, fleet: Fleet, prefix: string): Promise<StoredParam[]> {
  const elsewhere = fleet.params.filter((p) => !p.path.startsWith(prefix)).map((p) => p.path);
  // A fleet whose params all live in the tree makes exactly the one listing it always made.
  const [tree, found] = await Promise.all([
    listParametersByPath(aws, prefix),
    elsewhere.length ? getParameters(aws, elsewhere) : Promise.resolve(new Map<string, StoredParam>()),
  ]);
  return [...tree, ...found.values()];
}

/** A shared param is tagged with its app only: no one stage owns it. */
export const paramTags = (fleet: Pick<Fleet, 'app' | 'stage'>, target: Pick<ParamTarget, 'shared'>) =>
  target.shared ? { [OWNER_APP_TAG]: fleet.app } : ownershipTags(fleet.app, fleet.stage);

/** `params unset` never deletes a param every stage reads: unsetting it for one stage would break them all. */
export function refuseSharedUnset(target: ParamTarget): void {
  if (!target.shared) return;
  throw new UserError(`${target.name} is ${target.path}, shared by every stage: ops does not delete it`, {
    hint: `set a new value with \`ops params set ${target.name}\`; to delete it for good: aws ssm delete-parameter --name ${target.path}`,
  });
}

/** `ops params list`'s note for params at a path of their own: where each is, and which are shared. Pure. */
export function pathNotes(fleet: Fleet): string[] {
  return fleet.params
    .filter((p) => p.shared || !p.path.startsWith(`/${fleet.app}/${fleet.stage}/`))
    .map((p) => `${p.name} is ${p.path}${p.shared ? ', shared by all stages' : ''}`);
}

/**
 * Before writing a param at a path of its own that exists: one another ops app owns (its `ops:app` tag) is refused,
 * never overwritten. Ownership is by tags: a path outside `/{app}/` may well be another fleet's. Only params outside
 * the stage's tree pay the extra read.
 */
export async function refuseForeignParam(aws: Aws, fleet: Fleet, target: ParamTarget): Promise<void> {
  if (target.path.startsWith(paramPrefix(fleet.app, fleet.stage))) return;
  const owner = ownerOf(await getParameterTags(aws, target.path)).app;
  if (owner === undefined || owner === fleet.app) return;
  throw new UserError(`${target.path} belongs to app ${owner} (tag ops:app): ${fleet.app} does not write it`, {
    hint: `read it without writing it (declare it and set it from ${owner}), or give ${target.name} another path`,
  });
}
