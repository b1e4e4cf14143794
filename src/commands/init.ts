import { lstatSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../cli/command.js';
import { UsageError, UserError } from '../errors.js';

/** `ops init [dir]` options. */
export interface InitOptions {
  /** App name; defaults to the directory name, made valid. */
  name?: string;
  runtime: 'nodejs22.x' | 'python3.12';
}

export default defineCommand<InitOptions>({
  name: 'init',
  description: 'Create a fleet: ops.config.ts, one HTTP function with a sample event, a .gitignore, a package.json and a tsconfig.json',
  args: [{ name: 'dir', description: 'directory to create the fleet in, created when missing (default: the current one)' }],
  options: [
    { flags: '--name <app>', description: 'app name (default: the directory name)' },
    {
      flags: '--runtime <runtime>',
      description: 'runtime of the first function',
      choices: ['nodejs22.x', 'python3.12'],
      default: 'nodejs22.x',
    },
  ],
  examples: ['ops init', 'ops init my-api --runtime python3.12', 'ops init . --name orders'],
  async run(ctx, args, opts) {
    const s = await import('../scaffold/index.js');
    const { CONFIG_FILES } = await import('../config/load.js');
    const dir = path.resolve(ctx.cwd, (args.dir as string | undefined) ?? '.');
    const shown = path.relative(ctx.cwd, dir) || '.';
    const where = shown === '.' ? 'this directory' : shown;

    const app = opts.name ?? s.sanitizeAppName(path.basename(dir));
    const invalid = s.appNameProblem(app);
    if (invalid) throw new UsageError(`invalid app name '${app}': ${invalid}`, { hint: `try --name ${s.sanitizeAppName(app)}` });
    const region = ctx.global.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const plan = s.planInit({ app, runtime: opts.runtime, region }, s.packageTemplates());

    if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new UserError(`${shown} exists and is not a directory`);
    const taken = s.existingPaths(dir, [...new Set([...CONFIG_FILES, plan.functionDir, ...plan.files.map((f) => f.path)])]);
    const configs = taken.filter((t) => CONFIG_FILES.includes(t));
    if (configs.length) {
      throw new UserError(`${where} already has a fleet (${configs.join(', ')})`, {
        hint: "add functions to it with 'ops new function <name>'",
      });
    }
    // A taken directory already explains the files planned inside it.
    const shownTaken = taken.filter((t) => !taken.some((d) => t.startsWith(`${d}/`)));
    if (shownTaken.length) {
      throw new UserError(`${where} already has ${shownTaken.join(', ')}; not initialising over it`, {
        hint: 'run ops init in an empty directory (it is created when missing), or move those away',
      });
    }
    // package.json and tsconfig.json only where the directory has none: its own are kept, and the talk says what to add.
    const pkg = s.planInitPackage(dir);
    const written = await s.writeNewFiles(dir, [...plan.files, ...pkg.files]);

    const install = pkg.files.some((f) => f.path === 'package.json');
    const next = s.initNextSteps({
      cdInto: shown === '.' ? undefined : shown,
      install,
      functionName: plan.functionName,
      eventFile: plan.eventFile,
    });
    if (ctx.global.json)
      return ctx.outJson({ dir, app, runtime: opts.runtime, region, files: written, packageAdditions: pkg.additions, next });
    for (const line of s.renderCreated(
      written.map((f) => path.join(shown, f)),
      ctx.color,
    ))
      ctx.out(line);
    ctx.log.success(`fleet '${app}' created in ${where}`);
    const additions = pkg.additions ? s.renderPackageAdditions(pkg.additions) : [];
    if (additions.length) ctx.log.info(`package.json kept as it is; to typecheck the fleet and run its scripts, add:`);
    for (const line of additions) ctx.log.raw(`  ${line}`);
    for (const line of s.renderNextSteps(next, ctx.color)) ctx.log.raw(line);
  },
});
