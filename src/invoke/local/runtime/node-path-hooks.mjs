// Module resolution hooks for `ops` local invokes of Node functions with layers (registered by
// node-runtime.mjs). Standalone on purpose: the build copies it to dist/runtime/.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** NODE_PATH's layer directories (`…/nodejs/node22/node_modules`, `…/nodejs/node_modules`), in order. */
let dirs = [];

export function initialize(data) {
  dirs = data?.dirs ?? [];
}

// `lodash`, `@scope/pkg/sub`: not relative, absolute, a URL or a builtin.
const isBare = (specifier) => !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
    for (const dir of dirs) {
      // Resolving from a file inside the directory finds `<dir>/<package>` first.
      const parentURL = pathToFileURL(path.join(dir, '__ops_layer__.mjs')).href;
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (retry) {
        if (retry?.code !== 'ERR_MODULE_NOT_FOUND') throw retry;
      }
    }
    throw error;
  }
}
