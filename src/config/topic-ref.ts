import { topicArn } from './naming.js';
import { ACCOUNT_PLACEHOLDER } from './refs.js';
import { physicalNameOf } from './resolve-resources.js';
import type { ParsedFleet } from './schema.js';

/**
 * An SNS trigger names a topic by ARN, or a topic of the fleet's `resources` by its key (`{ sns: 'alerts' }`):
 * the key becomes that topic's ARN in this region, with `${account}` until the plan binds the account.
 */
export const isTopicKey = (ref: string) => !ref.includes(':');

export function snsTopicArnOf(cfg: ParsedFleet, stage: string, region: string, ref: string): string {
  if (!isTopicKey(ref)) return ref;
  const r = cfg.resources?.[ref];
  // Validation (validate-resources.ts) stops a key that is no declared topic before resolution.
  if (r?.type !== 'topic') throw new Error(`resolveFleet: sns trigger '${ref}' is no topic of resources`);
  return topicArn(region, ACCOUNT_PLACEHOLDER, physicalNameOf(cfg.app, stage, ref, r));
}
