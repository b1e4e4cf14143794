import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFaultProxy } from './fault-proxy.js';
import { startMoto } from './moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** moto behind the run's counting proxy: what tests should use. */
    motoUrl: string;
    /** moto itself, bypassing the count. */
    motoDirectUrl: string;
    /** File the emulator helper appends one line per test to. */
    emulatorLog: string;
    motoVersion: string;
  }
}

/**
 * Starts one moto for the whole run, behind a proxy that counts every request, and prints one
 * summary line at the end: `emulator tier: N tests ran against moto X at URL (M requests)`.
 */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  const counter = await startFaultProxy({ target: moto.url, keepLog: false }).catch(async (error) => {
    await moto.stop();
    throw error;
  });
  const dir = mkdtempSync(join(tmpdir(), 'ops-emulator-'));
  const logPath = join(dir, 'tests.ndjson');
  writeFileSync(logPath, '');

  project.provide('motoUrl', counter.url);
  project.provide('motoDirectUrl', moto.url);
  project.provide('emulatorLog', logPath);
  project.provide('motoVersion', moto.version);

  return async function teardown() {
    // A retried or repeated test counts once.
    const tests = new Set(readFileSync(logPath, 'utf8').split('\n').filter(Boolean));
    process.stdout.write(
      `emulator tier: ${tests.size} tests ran against moto ${moto.version} at ${moto.url} (${counter.requestCount} requests)\n`,
    );
    await counter.close();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
