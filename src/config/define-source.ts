import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file of ops's own `defineFleet` and `ref` that a config's `import ... from 'opsfleet'` is bundled from:
 * `src/config/define.ts` beside this module when ops runs from source, else the `dist/define.js` entry of the
 * built package (this module is then bundled into `dist/cli.js` or a chunk under `dist/chunks/`). Undefined when
 * neither is there: the loader then serves `defineFleet` alone.
 */
export function defineModuleFile(from: string = import.meta.url): string | undefined {
  const here = path.dirname(fileURLToPath(from));
  const candidates = [path.join(here, 'define.ts'), path.join(here, 'define.js'), path.join(here, '..', 'define.js')];
  return candidates.find((f) => existsSync(f));
}
