/* The files a function's `handler` may name, checked by validate and found by resolve. Zod-free. */

const NODE_EXT = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const PY_EXT = ['.py'];

/** Splits a handler spec into its file candidates and export name (resolve.ts's `resolveHandler` takes the first that exists). */
export function handlerCandidates(handler: string): { files: string[]; exportName?: string } {
  const ext = [...NODE_EXT, ...PY_EXT].find((e) => handler.endsWith(e));
  if (ext) return { files: [handler] };
  const dot = handler.lastIndexOf('.');
  const slash = handler.lastIndexOf('/');
  if (dot === -1 || dot < slash) return { files: [] };
  const base = handler.slice(0, dot);
  return { files: [...NODE_EXT, ...PY_EXT].map((e) => base + e), exportName: handler.slice(dot + 1) };
}

export const isPythonFile = (f: string) => PY_EXT.some((e) => f.endsWith(e));
