import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads a template by its path under `templates/` (`events/sns.json`). Planners take one, so they stay pure. */
export type TemplateReader = (relPath: string) => string;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Replaces `{{key}}` placeholders in one pass. An unknown placeholder is a bug in a template, so it throws. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, key: string) => {
    if (!(key in vars)) throw new Error(`template placeholder {{${key}}} has no value`);
    return vars[key];
  });
}

/** The package's name on the registry (bin `ops`): what `ops init` writes into a fleet's devDependencies. */
export const OPS_PACKAGE_NAME = 'opsfleet';

/**
 * The root of the ops package (its package.json and `templates/`). The CLI runs from `src/` (tests) or
 * bundled into `dist/cli.js` and `dist/chunks/*.js`, so walk up to the package root rather than
 * assume a fixed depth.
 */
export function opsPackageRoot(from: string = import.meta.url): string {
  for (let dir = path.dirname(fileURLToPath(from)); ; dir = path.dirname(dir)) {
    if (isOpsPackage(dir) && existsSync(path.join(dir, 'templates'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ops templates/ directory above ${fileURLToPath(from)}`);
  }
}

/** The `templates/` directory of the ops package. */
export function templatesDir(from: string = import.meta.url): string {
  return path.join(opsPackageRoot(from), 'templates');
}

function isOpsPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === OPS_PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** A reader over the package's own templates. */
export function packageTemplates(dir: string = templatesDir()): TemplateReader {
  return (rel) => readFileSync(path.join(dir, rel), 'utf8');
}
