import { OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import type { Aws } from './clients.js';
import { nameOf, statusOf } from './errors.js';
import { allPages } from './pool.js';
import { read } from './retry.js';

/**
 * The tags of the stage's own Lambda functions, by function name, from the Resource Groups Tagging API: one paged
 * GetResources (100 a page) filtered by `ops:app` and `ops:stage`, instead of a GetFunction per function (Lambda lists
 * no tags). A function it does not return may still be the stage's (the tagging API is eventually consistent: a
 * function just created or tagged shows there later), so the caller reads such a name by itself.
 *
 * `undefined` when the caller may not use the API (`tag:GetResources` is not in every deploy role's policy) or the
 * endpoint does not serve it (an emulator): the caller falls back to GetFunction per function.
 */
export async function stageFunctionTags(aws: Aws, app: string, stage: string): Promise<Map<string, Record<string, string>> | undefined> {
  const tagging = await aws.tagging();
  try {
    const mappings = await allPages(
      (PaginationToken) =>
        read(aws, () =>
          tagging.getResources({
            ResourceTypeFilters: ['lambda:function'],
            TagFilters: [
              { Key: OWNER_APP_TAG, Values: [app] },
              { Key: OWNER_STAGE_TAG, Values: [stage] },
            ],
            ResourcesPerPage: 100,
            ...(PaginationToken ? { PaginationToken } : {}),
          }),
        ),
      (page) => page.ResourceTagMappingList,
      (page) => page.PaginationToken,
    );
    const out = new Map<string, Record<string, string>>();
    for (const m of mappings) {
      const name = functionNameOfArn(m.ResourceARN);
      if (name) out.set(name, Object.fromEntries((m.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
    }
    return out;
  } catch (err) {
    if (unavailable(err)) return undefined;
    throw err;
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`. */
export function functionNameOfArn(arn: string | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  return parts[5] === 'function' && parts[6] ? parts[6] : undefined;
}

/** Not allowed, or not served: the per-function reads still work. Anything else (throttling spent, 5xx) is an error. */
function unavailable(error: unknown): boolean {
  // Our middleware turns SDK errors into one-line UserErrors: the SDK's error is their cause.
  const err = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const name = nameOf(err);
  return (
    /AccessDenied|UnauthorizedOperation|UnknownOperation|NotImplemented|InvalidAction/.test(name) ||
    statusOf(err) === 403 ||
    statusOf(err) === 404 ||
    statusOf(err) === 501
  );
}
