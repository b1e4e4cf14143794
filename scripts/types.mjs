// Emits the declarations of what a fleet imports from 'opsfleet' (defineFleet, ref and the config types)
// into types/, the "types" of package.json's exports: a fleet's tsc then checks its config against them
// without compiling ops's sources under the fleet's own compiler options. Run by `prepare` (npm ci, npm pack).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = path.join(root, 'types');
// Emitted next to types/ and swapped in at the end: a failed emit leaves the previous declarations.
const out = path.join(root, `.types-${process.pid}`);
const args = [
  ...['src/config/define.ts', '--declaration', '--emitDeclarationOnly', '--outDir', out, '--rootDir', 'src'],
  ...['--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--strict', '--skipLibCheck'],
  ...['--types', 'node', '--esModuleInterop', '--resolveJsonModule'],
];
const run = spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) {
  await rm(out, { recursive: true, force: true });
  process.exit(run.status ?? 1);
}
const old = path.join(root, `.types-old-${process.pid}`);
if (existsSync(types)) await rename(types, old);
await rename(out, types);
await rm(old, { recursive: true, force: true });
