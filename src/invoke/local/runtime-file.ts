import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type RuntimeFileName = 'node-runtime.mjs' | 'python-runtime.py';

/**
 * Absolute path of a runtime shim. From source it sits in `src/invoke/local/runtime/`; in the
 * esbuild bundle it must be copied to `dist/runtime/` (the build script does that). `./runtime/`
 * next to the running module covers both layouts; walking up covers a bundle in a dist subfolder.
 */
export function runtimeFile(name: RuntimeFileName, from: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(from));
  const tried: string[] = [];
  for (let dir = here, depth = 0; depth < 5; dir = path.dirname(dir), depth++) {
    for (const candidate of [
      path.join(dir, 'runtime', name),
      path.join(dir, 'dist', 'runtime', name),
      path.join(dir, 'src', 'invoke', 'local', 'runtime', name),
    ]) {
      if (existsSync(candidate)) return candidate;
      tried.push(candidate);
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`ops is missing its local runtime ${name} (looked in ${tried.slice(0, 3).join(', ')}, …); reinstall or rebuild ops`);
}
