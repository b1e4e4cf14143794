import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../package/files.js';

/*
 * The last lease release this checkout made, per app and stage: the epoch version its release moved the epoch to,
 * and the run's token, which is the value that move wrote (src/aws/lease.ts bumpEpochParameter). Written after the
 * release is complete, read before the next run starts reading AWS: when that run's look finds the epoch still at
 * this version with this token, the last move of the epoch was a release that ended before the read began, which
 * is what the epoch's date otherwise has to show (src/apply/deploy.ts earlyReadDoubt). AWS's Date header has whole
 * seconds, so the date cannot show it for a deploy started within a second or so of the last one: the edit loop.
 * Only a faster path to the same conclusion: a missing or stale file means the date decides, as before.
 */

export interface OwnRelease {
  epoch: number;
  token: string;
}

const fileOf = (root: string) => path.join(root, '.ops', 'released.json');
const keyOf = (app: string, stage: string) => `${app}/${stage}`;

function readAll(root: string): Record<string, OwnRelease> {
  try {
    const parsed = JSON.parse(readFileSync(fileOf(root), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, OwnRelease>) : {};
  } catch {
    return {};
  }
}

/** The release recorded for this app and stage (read synchronously: it must be read before the read starts). */
export function lastOwnRelease(root: string, app: string, stage: string): OwnRelease | undefined {
  const r = readAll(root)[keyOf(app, stage)];
  return r && typeof r.epoch === 'number' && typeof r.token === 'string' ? r : undefined;
}

/** Records a completed release; best effort (a checkout that cannot be written to only loses the faster path). */
export async function rememberRelease(root: string, app: string, stage: string, release: OwnRelease): Promise<void> {
  const all = { ...readAll(root), [keyOf(app, stage)]: release };
  await writeFileAtomic(fileOf(root), `${JSON.stringify(all, null, 2)}\n`).catch(() => {});
}

/** The look found the epoch where this checkout's last release left it: nobody took the lease since. */
export const isOwnRelease = (seen: { epoch: number; epochBy?: string }, own: OwnRelease | undefined) =>
  own !== undefined && seen.epoch === own.epoch && seen.epochBy === own.token;
