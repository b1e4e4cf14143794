import {
  createFunctionUrl,
  deleteFunctionUrl,
  getFunctionUrl,
  removePublicUrlPermission,
  setPublicUrlPermission,
  updateFunctionUrl,
} from '../../aws/function-url.js';
import { mapLimit } from '../../aws/pool.js';
import { POLICY_MARKER_TAG, URL_MARKER_TAG } from '../../config/naming.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { type FunctionUrlChange, planFunctionUrls } from './plan.js';

/** A Function URL on a function's `live` alias (`url: true | { auth, cors, invokeMode }`). */
export const functionUrl = defineKind<FunctionUrlChange>({
  kind: 'function-url',
  after: ['function'],
  changes: ['url.create', 'url.update', 'url.delete'],
  // A public URL's permission is a statement on live: both markers.
  marks: { [URL_MARKER_TAG]: ['url.create', 'url.update', 'url.delete'], [POLICY_MARKER_TAG]: ['url.create', 'url.update', 'url.delete'] },
  async read(aws, scope, r) {
    // Asked only of functions marked as having one, or whose config wants one: a call per function of a
    // large fleet would cost more than the rest of its read. Filled into the functions read.
    const { items } = await functionsOf(r);
    const wanted = new Set((scope.functions ?? []).filter((f) => f.url).map((f) => f.name));
    const ask = Object.values(items).filter((f) => f.alias && (f.tags[URL_MARKER_TAG] !== undefined || wanted.has(f.name)));
    await mapLimit(ask, r.concurrency ?? 16, async (fn) => {
      const url = await getFunctionUrl(aws, fn.name);
      if (url) fn.url = url;
    });
    return {};
  },
  plan: planFunctionUrls,
  apply: {
    async 'url.create'(c, run) {
      const made = await createFunctionUrl(run.aws, c.name, c.url);
      if (c.url.auth === 'NONE') await setPublicUrlPermission(run.aws, c.name);
      return made.url || undefined;
    },
    async 'url.update'(c, run) {
      if (c.config) await updateFunctionUrl(run.aws, c.name, c.url);
      if (c.permission && c.url.auth === 'NONE') await setPublicUrlPermission(run.aws, c.name);
      else if (c.permission) await removePublicUrlPermission(run.aws, c.name);
    },
    'url.delete': (c, run) => deleteFunctionUrl(run.aws, c.name),
  },
});
