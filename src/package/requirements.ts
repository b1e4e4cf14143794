import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Distributions the Lambda Python runtimes already ship (boto3 and what it depends on).
 * Installing them again only grows the zip and pins an older copy over the runtime's.
 */
export const LAMBDA_PYTHON_PROVIDED = ['boto3', 'botocore', 's3transfer', 'jmespath', 'python-dateutil', 'urllib3', 'six'] as const;

const PROVIDED = new Set<string>(LAMBDA_PYTHON_PROVIDED);

/** PEP 503 normalized name: `Python_Dateutil` → `python-dateutil`. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** requirements.txt sorted into what ops does with each line. */
export interface RequirementsPlan {
  /** Lines skipped because the runtime ships the package (as written, for the log). */
  provided: string[];
  /** Requirements pip fetches from an index, targeted at Lambda's platform (as written). */
  index: string[];
  /** Absolute paths of local packages (directories, wheels, sdists), installed without platform targeting. */
  local: string[];
  /** pip option lines (`--index-url ...`, `-r other.txt` with its path made absolute), kept for the index install. */
  options: string[];
  /** Absolute paths of nested `-r` / `-c` files: cache inputs. */
  nested: string[];
}

/** Lines joined over `\` continuations, comments and blanks dropped. */
function logicalLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

/** A local path as pip would read it (relative to the requirements file), or undefined for an index requirement. */
function localPath(spec: string, baseDir: string): string | undefined {
  const direct = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*(.+)$/.exec(spec);
  const target = direct ? direct[2].trim() : spec;
  if (target.startsWith('file:')) {
    return target.startsWith('file://') ? fileURLToPath(target) : path.resolve(baseDir, target.slice('file:'.length));
  }
  if (/^(\.{1,2}([/\\]|$)|\/)/.test(target)) return path.resolve(baseDir, target.replace(/\[[^\]]*\]$/, ''));
  return undefined;
}

/**
 * Sorts a requirements file: packages the runtime provides, local packages, index packages and options.
 * Pure: `baseDir` (the file's directory) resolves relative paths.
 */
export function planRequirements(text: string, baseDir: string): RequirementsPlan {
  const plan: RequirementsPlan = { provided: [], index: [], local: [], options: [], nested: [] };
  for (const line of logicalLines(text)) {
    const editable = /^(-e|--editable)(\s+|=)(.+)$/.exec(line);
    const nested = /^(-r|--requirement|-c|--constraint)(\s+|=)(.+)$/.exec(line);
    if (nested) {
      const file = path.resolve(baseDir, nested[3].trim());
      plan.nested.push(file);
      plan.options.push(`${nested[1]} ${file}`);
      continue;
    }
    if (line.startsWith('-') && !editable) {
      plan.options.push(line);
      continue;
    }
    const spec = editable ? editable[3].trim() : line;
    const local = localPath(spec, baseDir);
    if (local) {
      plan.local.push(local);
      continue;
    }
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(spec)?.[0];
    if (name && PROVIDED.has(normalizePackageName(name))) plan.provided.push(spec);
    else plan.index.push(spec);
  }
  return plan;
}

/** True when an index install is needed: a package to fetch, or a nested file ops does not read. */
export function needsIndexInstall(plan: RequirementsPlan): boolean {
  return plan.index.length > 0 || plan.nested.length > 0;
}

/** `python3.12` → `3.12`. */
export function pythonVersion(runtime: string): string {
  const m = /^python(\d+\.\d+)$/.exec(runtime);
  if (!m) throw new Error(`not a Python runtime: ${runtime}`);
  return m[1];
}

/**
 * Wheel platform tags Lambda can load. python3.12+ runs on Amazon Linux 2023 (glibc 2.34):
 * manylinux_2_28 covers current wheels, manylinux2014 (= manylinux_2_17) the older ones.
 * python3.11 runs on Amazon Linux 2 (glibc 2.26), where a manylinux_2_28 wheel does not load.
 */
export function lambdaPlatforms(architecture: 'x86_64' | 'arm64', runtime = 'python3.12'): string[] {
  const machine = architecture === 'arm64' ? 'aarch64' : 'x86_64';
  const amazonLinux2 = runtime === 'python3.11';
  return amazonLinux2 ? [`manylinux2014_${machine}`] : [`manylinux_2_28_${machine}`, `manylinux2014_${machine}`];
}

const COMMON_PIP_FLAGS = ['--no-compile', '--disable-pip-version-check', '--no-input', '--upgrade'];

/** `pip install` arguments for index packages: binary wheels only, for Lambda's platform and Python. */
export function pipIndexArgs(requirementsFile: string, target: string, runtime: string, architecture: 'x86_64' | 'arm64'): string[] {
  return [
    '-m',
    'pip',
    'install',
    '-r',
    requirementsFile,
    '--target',
    target,
    ...lambdaPlatforms(architecture, runtime).flatMap((p) => ['--platform', p]),
    '--implementation',
    'cp',
    '--python-version',
    pythonVersion(runtime),
    '--only-binary=:all:',
    ...COMMON_PIP_FLAGS,
  ];
}

/**
 * `pip install` arguments for local packages. Platform targeting needs wheels from an index, so these
 * are built here (pure-Python packages are portable), offline: no index, no build isolation (the
 * builder's setuptools builds them), no dependencies (list those in requirements.txt).
 */
export function pipLocalArgs(paths: string[], target: string): string[] {
  return ['-m', 'pip', 'install', '--no-index', '--no-deps', '--no-build-isolation', '--target', target, ...COMMON_PIP_FLAGS, ...paths];
}

/** The requirements file written for the index install: index requirements plus option lines. */
export function indexRequirementsText(plan: RequirementsPlan): string {
  return `${[...plan.options, ...plan.index].join('\n')}\n`;
}
