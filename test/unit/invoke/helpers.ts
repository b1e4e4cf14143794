import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalWorkerOptions } from '../../../src/invoke/local/index.js';

export const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/invoke');

/** Worker options for a fixture directory, overridable per test. */
export function workerOptions(dir: string, handler: string, overrides: Partial<LocalWorkerOptions> = {}): LocalWorkerOptions {
  const runtime = dir.startsWith('python') ? 'python3.12' : 'nodejs22.x';
  return {
    codeDir: path.join(fixtures, dir),
    runtime,
    handler,
    functionName: 'tasks-dev-fixture',
    memoryMB: 256,
    timeoutSec: 5,
    env: {},
    region: 'eu-west-1',
    ...overrides,
  };
}

/** The start of Lambda's console line: `<ISO time>\t<request id>\t<LEVEL>\t<message>`. */
export function lambdaLine(requestId: string, level: string, message: string): RegExp {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}\\t${level}\\t${escaped}`, 'm');
}
