import type { FileToWrite } from './plan.js';

/**
 * What `ops init` gives a fleet so that `npm install && npx tsc --noEmit` typechecks its config (with
 * completion on defineFleet) and its handlers: a package.json pinning the tools, and a tsconfig.json.
 * Pure: the versions come from ops's own package.json (read by the command), so they are versions that exist.
 */

/** The packages a fleet develops with, and the version each is pinned to. */
export type DevDependencies = Record<string, string>;

interface OpsManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The fleet's devDependencies, at the versions ops itself is built and tested with: the CLI at the running
 * version, TypeScript, Lambda's event types, Node's types (the params helper reads `process.env`) and the two
 * SDK clients the params helper imports (Lambda's runtime provides them; the zip leaves them out).
 */
export function fleetDevDependencies(ops: OpsManifest): DevDependencies {
  const all = { ...ops.dependencies, ...ops.devDependencies };
  const pick = (name: string) => {
    const version = all[name];
    if (!version) throw new Error(`ops's package.json pins no ${name}`);
    return [name, version] as const;
  };
  return Object.fromEntries([
    [ops.name, ops.version],
    ...['typescript', '@types/aws-lambda', '@types/node', '@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager'].map(pick),
  ]);
}

/** `deploy` and `plan` as the commands; `test` typechecks, then runs the samples that carry expectations locally. */
export const FLEET_SCRIPTS: Record<string, string> = {
  deploy: 'ops deploy',
  plan: 'ops plan',
  test: 'tsc --noEmit && ops smoke --local',
};

/** A directory name made into a package name npm accepts: lowercase, URL-safe, not starting with `.` or `_`. */
export function packageNameFor(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214);
  return name || 'fleet';
}

/** The fleet's package.json: private (a fleet is deployed, not published), ESM like the config ops loads. */
export function fleetPackageJson(dirName: string, devDependencies: DevDependencies): FileToWrite {
  const pkg = { name: packageNameFor(dirName), private: true, type: 'module', scripts: FLEET_SCRIPTS, devDependencies };
  return { path: 'package.json', contents: `${JSON.stringify(pkg, null, 2)}\n` };
}

/** Strict, NodeNext, no output (ops bundles with esbuild): the config and every handler under src/. */
export function fleetTsconfig(): FileToWrite {
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      strict: true,
      noEmit: true,
      isolatedModules: true,
      skipLibCheck: true,
    },
    include: ['ops.config.ts', 'src'],
  };
  return { path: 'tsconfig.json', contents: `${JSON.stringify(tsconfig, null, 2)}\n` };
}

/** What an existing package.json lacks: the devDependencies to install and the scripts to add. */
export interface PackageAdditions {
  install: string[];
  scripts: Record<string, string>;
}

/** Compares a fleet's own package.json (kept as it is) with what `ops init` would have written. */
export function packageAdditions(existing: unknown, devDependencies: DevDependencies): PackageAdditions {
  const pkg = (existing && typeof existing === 'object' ? existing : {}) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    scripts?: Record<string, string>;
  };
  const has = (name: string) => Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
  const install = Object.entries(devDependencies)
    .filter(([name]) => !has(name))
    .map(([name, version]) => `${name}@${version}`);
  const scripts = Object.fromEntries(Object.entries(FLEET_SCRIPTS).filter(([name]) => !pkg.scripts?.[name]));
  return { install, scripts };
}

/** Talk for an existing package.json: the install command and the scripts, or nothing when it has them all. */
export function renderPackageAdditions(a: PackageAdditions): string[] {
  const lines: string[] = [];
  if (a.install.length) lines.push(`npm install --save-dev ${a.install.join(' ')}`);
  const scripts = Object.entries(a.scripts);
  if (scripts.length) lines.push(`scripts: ${scripts.map(([k, v]) => `"${k}": "${v}"`).join(', ')}`);
  return lines;
}
