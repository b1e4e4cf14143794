import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fleetDevDependencies, fleetPackageJson, fleetTsconfig, type PackageAdditions, packageAdditions } from './fleet-package.js';
import type { FileToWrite } from './plan.js';
import { opsPackageRoot } from './templates.js';

export interface InitPackagePlan {
  /** package.json and tsconfig.json, each only when the directory has none. */
  files: FileToWrite[];
  /** What the directory's own package.json lacks (it is kept as it is). */
  additions?: PackageAdditions;
}

/** The package.json and tsconfig.json `ops init` adds to `dir`, never over the directory's own. */
export function planInitPackage(dir: string, opsRoot: string = opsPackageRoot()): InitPackagePlan {
  const devDependencies = fleetDevDependencies(JSON.parse(readFileSync(path.join(opsRoot, 'package.json'), 'utf8')));
  const files: FileToWrite[] = [];
  let additions: PackageAdditions | undefined;
  const own = path.join(dir, 'package.json');
  if (existsSync(own)) additions = packageAdditions(readJson(own), devDependencies);
  else files.push(fleetPackageJson(path.basename(dir), devDependencies));
  if (!existsSync(path.join(dir, 'tsconfig.json'))) files.push(fleetTsconfig());
  return { files, additions };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read ${path.basename(file)}: ${(err as Error).message}`, {
      hint: 'fix its JSON (ops init keeps it as it is and says what to add), or move it away',
    });
  }
}
