import path from 'node:path';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { toPosix } from './files.js';
import { pythonVersion } from './requirements.js';
import type { ZipEntry } from './zip.js';

/*
 * A Python function's own modules compiled (never run) by the local interpreter as its zip is built, so that a
 * syntax error stops the build before anything is uploaded, where Lambda would fail every invoke with
 * Runtime.UserCodeSyntaxError. Only a build that makes a new zip pays for it (one interpreter start per function).
 */

// Reads [[path, source], ...] on stdin; compiles each without running it; prints the interpreter's version and
// every syntax error. Warnings (an invalid escape sequence) are not errors on Lambda either: silenced.
const CHECK = `
import json, sys, warnings
warnings.simplefilter("ignore")
problems = []
for name, source in json.load(sys.stdin):
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as e:
        problems.append({"path": name, "line": e.lineno, "message": e.msg})
    except ValueError as e:
        problems.append({"path": name, "line": None, "message": str(e)})
print(json.dumps({"version": list(sys.version_info[:2]), "problems": problems}))
`;

export interface SyntaxCheckOptions {
  /** The interpreter (default `python3`). */
  python: string;
  /** The project: messages name files as the user sees them. */
  root: string;
  /** Talk for --debug: the check skipped (no interpreter). */
  log: (msg: string) => void;
  /** Said where the user sees it: an error an interpreter older than the runtime reports (it may be newer syntax). */
  warn: (msg: string) => void;
}

interface CheckAnswer {
  version: [number, number];
  problems: { path: string; line: number | null; message: string }[];
}

async function compileWith(python: string, input: string): Promise<CheckAnswer | { failed: string }> {
  const { execa } = await import('execa');
  // -I: no PYTHONPATH, user site or current directory on the path: the check runs nothing of the project's anyway.
  const r = await execa(python, ['-I', '-c', CHECK], { input, reject: false, timeout: 60_000 });
  try {
    if (r.exitCode === 0) return JSON.parse(r.stdout) as CheckAnswer;
  } catch {
    // Not the check's answer: as a failure.
  }
  return {
    failed: (r as { code?: string }).code === 'ENOENT' ? `${python} was not found` : `${python} failed (exit ${r.exitCode ?? 'none'})`,
  };
}

/**
 * Throws on the first syntax error in the function's own `.py` files (not the packages pip installs). Without
 * an interpreter, or when it fails, nothing is decided here (said in --debug): Lambda will say it. The runtime's
 * version (`python3.12`) is used when installed, else `python3`; one older than the runtime may not know newer
 * syntax, so its errors are only said, not fatal.
 */
export async function assertPythonSyntax(fn: FunctionSpec, entries: readonly ZipEntry[], opts: SyntaxCheckOptions): Promise<void> {
  const files = entries.filter((e) => e.path.endsWith('.py')).map((e) => [e.path, e.data.toString('utf8')]);
  if (files.length === 0) return;
  const input = JSON.stringify(files);
  // The runtime's own version when it is installed (`python3.12`; a pyenv shim of an unselected version fails).
  const exact = await compileWith(fn.runtime, input);
  const answer = 'version' in exact ? exact : await compileWith(opts.python, input);
  if (!('version' in answer)) {
    opts.log(`${fn.key}: Python syntax not checked before the upload: ${answer.failed}`);
    return;
  }
  const first = answer.problems[0];
  if (!first) return;
  const shown = toPosix(path.relative(opts.root, path.join(fn.handler.root, first.path)));
  const at = `${shown}${first.line ? `:${first.line}` : ''}`;
  const [major, minor] = pythonVersion(fn.runtime).split('.').map(Number);
  const [haveMajor, haveMinor] = answer.version;
  if (haveMajor < major || (haveMajor === major && haveMinor < minor)) {
    opts.warn(
      `${fn.key}: ${at}: ${first.message} for Python ${haveMajor}.${haveMinor} here, older than ${fn.runtime} (newer syntax?): not stopping the build`,
    );
    return;
  }
  const more = answer.problems.length > 1 ? ` (and ${answer.problems.length - 1} more)` : '';
  throw new UserError(
    `${fn.key}: ${at}: SyntaxError: ${first.message}${more}: Lambda would fail every invoke with Runtime.UserCodeSyntaxError`,
    {
      hint: `fix it and build again (${opts.python} -m py_compile ${shown} shows the same error)`,
    },
  );
}
