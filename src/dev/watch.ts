import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionSpec } from '../config/types.js';

export interface TreeWatcher {
  /** `native`: fs.watch recursive (inotify on Linux since Node 20); `poll`: a scan every interval. */
  readonly mode: 'native' | 'poll';
  close(): void;
}

export interface WatchOptions {
  /** Changes closer together than this are reported once (an editor writes a file in steps). */
  debounceMs?: number;
  /** Force polling (for file systems where events do not arrive, e.g. some network mounts). */
  poll?: boolean;
  pollMs?: number;
  /** Which changed paths (relative to the watched directory) count; default `needsRebuild`. */
  accept?: (relative: string) => boolean;
}

const IGNORED = /(^|[\\/])(node_modules|\.ops|\.git|__pycache__|\.pytest_cache)([\\/]|$)|~$|\.sw[px]$/;

/** Sample events and expectations are read at invoke time: changing them needs no rebuild. */
export function needsRebuild(relative: string): boolean {
  return !IGNORED.test(relative) && !/(^|[\\/])events[\\/]/.test(relative);
}

/** A layer's files count wherever they are, `node_modules` (a Node layer's content) included. */
export function needsLayerRebuild(relative: string): boolean {
  return !/(^|[\\/])(\.git|__pycache__)([\\/]|$)|~$|\.sw[px]$/.test(relative);
}

/**
 * Built layer directories outside the watched sources, each with the functions using it: a change
 * there rebuilds those functions' layers (and only theirs).
 */
export function layerWatchTargets(
  fns: readonly Pick<FunctionSpec, 'key' | 'layers'>[],
  sourcesDir: string,
): { dir: string; keys: string[] }[] {
  const byDir = new Map<string, string[]>();
  for (const fn of fns) {
    for (const layer of fn.layers) {
      if (layer.kind !== 'build' || layer.path === sourcesDir || layer.path.startsWith(sourcesDir + path.sep)) continue;
      byDir.set(layer.path, [...(byDir.get(layer.path) ?? []), fn.key]);
    }
  }
  return [...byDir].map(([dir, keys]) => ({ dir, keys }));
}

/** Calls `onChange` with the changed files (absolute paths) under `dir`, debounced. */
export function watchTree(dir: string, onChange: (files: string[]) => void, opts: WatchOptions = {}): TreeWatcher {
  const debounceMs = opts.debounceMs ?? 120;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const accept = opts.accept ?? needsRebuild;
  const changed = (relative: string) => {
    if (!accept(relative)) return;
    pending.add(path.join(dir, relative));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending];
      pending.clear();
      onChange(files);
    }, debounceMs);
  };

  if (!opts.poll) {
    try {
      const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, filename) => {
        if (filename) changed(filename.toString());
      });
      watcher.on('error', () => {}); // a watched directory removed; the next change re-reports
      return {
        mode: 'native',
        close: () => {
          clearTimeout(timer);
          watcher.close();
        },
      };
    } catch {
      // ERR_FEATURE_UNAVAILABLE_ON_PLATFORM, or out of inotify watches: fall back to polling.
    }
  }
  return pollTree(dir, changed, opts.pollMs ?? 500, () => clearTimeout(timer), accept === needsRebuild ? IGNORED : LAYER_IGNORED);
}

const LAYER_IGNORED = /^(\.git|__pycache__)$/;

async function snapshot(root: string, ignored: RegExp): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (ignored.test(e.name)) continue;
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.set(path.relative(root, full), (await stat(full).catch(() => undefined))?.mtimeMs ?? 0);
    }
  };
  await walk(root);
  return out;
}

function pollTree(dir: string, changed: (relative: string) => void, everyMs: number, stopTimer: () => void, ignored: RegExp): TreeWatcher {
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let before: Map<string, number> | undefined;
  const tick = async () => {
    const now = await snapshot(dir, ignored);
    if (before) {
      for (const [file, mtime] of now) if (before.get(file) !== mtime) changed(file);
      for (const file of before.keys()) if (!now.has(file)) changed(file);
    }
    before = now;
    if (!closed) timer = setTimeout(tick, everyMs);
  };
  void tick();
  return {
    mode: 'poll',
    close: () => {
      closed = true;
      clearTimeout(timer);
      stopTimer();
    },
  };
}

/**
 * The functions a change affects: those whose source directory holds the file; a file in none of
 * them (a shared module) may be imported by any, so every function is rebuilt and the build cache
 * tells which zips really changed.
 */
export function affectedFunctions<F extends Pick<FunctionSpec, 'key' | 'handler'>>(fns: F[], files: string[]): F[] {
  const owns = (fn: F, file: string) =>
    [path.dirname(fn.handler.file), fn.handler.root].some((dir) => file === dir || file.startsWith(dir + path.sep));
  const hit = fns.filter((fn) => files.some((file) => owns(fn, file)));
  const orphans = files.some((file) => !fns.some((fn) => owns(fn, file)));
  return orphans ? fns : hit;
}
