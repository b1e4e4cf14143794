import { execa } from 'execa';
import type { Runtime } from '../../config/schema.js';
import { isNodeRuntime, nodeMemoryFlags } from './lambda-env.js';
import { runtimeFile } from './runtime-file.js';

/** How to start a runtime shim. */
export interface Interpreter {
  command: string;
  args: string[];
  /** Version actually used (`20.20.2`, `3.11.7`). */
  version: string;
  /** Set when the local interpreter is not the runtime's version. */
  warning?: string;
}

interface Python {
  executable: string;
  version: string;
}

const PROBE = 'import json, sys; print(json.dumps([sys.executable, "%d.%d.%d" % sys.version_info[:3]]))';
const pythons = new Map<string, Promise<Python | undefined>>();

/**
 * Asks a Python command for its real executable and version. pyenv installs shims for every version
 * that fail unless the version is selected, so running it is the only reliable test; spawning the
 * real executable afterwards also skips the shim's own startup cost on every cold start.
 */
export function probePython(command: string): Promise<Python | undefined> {
  let probe = pythons.get(command);
  if (!probe) {
    probe = execa(command, ['-c', PROBE], { reject: false, timeout: 15_000, stdin: 'ignore' }).then((run) => {
      if (run.exitCode !== 0 || typeof run.stdout !== 'string') return undefined;
      try {
        const [executable, version] = JSON.parse(run.stdout.trim()) as [string, string];
        return executable ? { executable, version } : undefined;
      } catch {
        return undefined;
      }
    });
    pythons.set(command, probe);
  }
  return probe;
}

/** Node runs the shim with the node running ops; Python prefers `python3.X` and falls back to `python3`. */
export async function resolveInterpreter(runtime: Runtime, memoryMB: number): Promise<Interpreter> {
  if (isNodeRuntime(runtime)) {
    const wanted = runtime.slice('nodejs'.length).split('.')[0];
    const version = process.versions.node;
    return {
      command: process.execPath,
      args: ['--expose-gc', '--max-http-header-size=81920', ...nodeMemoryFlags(memoryMB), runtimeFile('node-runtime.mjs')],
      version,
      warning: version.split('.')[0] === wanted ? undefined : `${runtime}: running with node ${version} (the node running ops)`,
    };
  }
  const preferred = runtime; // python3.12 → the `python3.12` command
  const wanted = runtime.slice('python'.length);
  const exact = await probePython(preferred);
  const python = exact ?? (await probePython('python3'));
  if (!python) {
    throw new Error(`${preferred} not found, nor python3: install Python ${wanted} to run this function locally`);
  }
  const sameVersion = python.version.startsWith(`${wanted}.`);
  return {
    command: python.executable,
    // -u: logs stream as they are written; -B: no __pycache__ in the extracted code.
    args: ['-u', '-B', runtimeFile('python-runtime.py')],
    version: python.version,
    warning: exact || sameVersion ? undefined : `${preferred} not found; running with python3 (${python.version})`,
  };
}
