import path from 'node:path';
import { isInside, type SkipFn, type WalkedFile } from './files.js';

/**
 * `*` (within a path segment), `**` (any number of segments), `?`, `{a,b}`, as a regex over a path
 * relative to the function root with forward slashes. A pattern also matches everything under what
 * it names, so `tests` and `tests/**` are the same.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const g = glob.replace(/\/+$/, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = g.indexOf('}', i);
      if (end === -1) re += '\\{';
      else {
        re += `(?:${g
          .slice(i + 1, end)
          .split(',')
          .map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when `rel` (a file or directory) matches one of the globs. */
export const matchesAny = (rel: string, globs: readonly RegExp[]) => globs.some((g) => g.test(rel));

/**
 * True when some file under directory `rel` could match one of the globs: its literal prefix (up
 * to the first wildcard) leads into that directory or starts with it.
 */
export function mayMatchUnder(rel: string, globs: readonly string[]): boolean {
  return globs.some((g) => {
    const literal = g.split(/[*?{]/)[0];
    return literal === '' || literal.startsWith(`${rel}/`) || `${rel}/`.startsWith(literal) || literal === rel;
  });
}

/** `ops.config.ts`, `ops.config.mjs`...: the fleet's config is never code of a function. */
export const isOpsConfig = (name: string) => /^ops\.config\.[cm]?[jt]s$/.test(name);

export interface SelectOptions {
  /** Absolute directory the files were walked from (the zip root). */
  root: string;
  /** Absolute directories of layers the fleet builds: their sources go into the layer, not the function. */
  layerDirs: readonly string[];
  include: readonly string[];
  exclude: readonly string[];
  /** The walk's own rules (dotfiles, tests, bytecode...): a file they leave out is packaged only when included. */
  skip: SkipFn;
}

/**
 * Which walked files go into a Python function's zip. Left out by default: the ops config, sample
 * events (a directory named `events` holding only JSON, as `ops invoke --event` reads them) and
 * layer sources; `include` brings any of those (or what the walk skipped) back, `exclude` wins over both.
 */
export function selectFiles(files: readonly WalkedFile[], opts: SelectOptions): WalkedFile[] {
  const include = opts.include.map(globToRegExp);
  const exclude = opts.exclude.map(globToRegExp);
  const samples = sampleEventDirs(files);
  return files.filter((f) => {
    if (matchesAny(f.rel, exclude)) return false;
    if (matchesAny(f.rel, include)) return true;
    if (skippedByWalk(f.rel, opts.skip)) return false;
    const dir = path.posix.dirname(f.rel);
    if (isOpsConfig(path.posix.basename(f.rel)) || samples.has(dir)) return false;
    return !opts.layerDirs.some((l) => isInside(l, path.join(opts.root, f.rel)));
  });
}

/** True when the walk's rules leave out the file or one of its directories (the walk went in only for an include). */
function skippedByWalk(rel: string, skip: SkipFn): boolean {
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (skip(parts[i], parts.slice(0, i + 1).join('/'), i < parts.length - 1)) return true;
  }
  return false;
}

/** Directories named `events` whose files are all `.json` (samples and their `.expect.json`): a Python package of that name has .py files. */
function sampleEventDirs(files: readonly WalkedFile[]): Set<string> {
  const byDir = new Map<string, boolean>();
  for (const f of files) {
    const dir = path.posix.dirname(f.rel);
    if (path.posix.basename(dir) !== 'events') continue;
    byDir.set(dir, (byDir.get(dir) ?? true) && f.rel.endsWith('.json'));
  }
  return new Set([...byDir].filter(([, json]) => json).map(([d]) => d));
}
