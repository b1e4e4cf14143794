import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand } from '../cli/command.js';
import { RUNTIMES, type Runtime } from '../config/runtimes.js';
import { UsageError, UserError } from '../errors.js';

/** `ops new function <name>` options. */
export interface NewFunctionOptions {
  /** Without it the function inherits the fleet's default runtime (Node unless the fleet defaults to Python). */
  runtime?: Runtime;
  /** `GET /path`: makes it an HTTP function with that route. */
  route?: string;
  /** What invokes it; shapes the handler and the sample event. */
  event?: 'http' | 'sns' | 'schedule' | 'direct' | 'sqs' | 'dynamodb' | 's3' | 'eventbridge';
}

const newFunction = defineCommand<NewFunctionOptions>({
  name: 'function',
  description: 'Add a function: src/functions/<name>/ with a handler and a sample event, and its entry in the config',
  args: [{ name: 'name', required: true, description: 'function name: lowercase letters, digits and dashes, starting with a letter' }],
  options: [
    {
      flags: '--runtime <runtime>',
      description: "runtime (default: the fleet's default)",
      choices: [...RUNTIMES],
    },
    { flags: '--route <route>', description: 'HTTP route, e.g. "GET /users/{id}" (implies --event http)' },
    {
      flags: '--event <kind>',
      description: 'what invokes it, with a sample event of that shape (default: http with --route, else direct)',
      choices: ['http', 'sns', 'schedule', 'direct', 'sqs', 'dynamodb', 's3', 'eventbridge'],
    },
  ],
  examples: [
    'ops new function send-email',
    'ops new function users --route "GET /users/{id}"',
    'ops new function nightly-report --runtime python3.12 --event schedule',
    'ops new function process-jobs --event sqs',
  ],
  async run(ctx, args, opts) {
    const s = await import('../scaffold/index.js');
    const { findConfig, importConfig } = await import('../config/load.js');
    const name = args.name as string;
    const badName = s.functionNameProblem(name);
    if (badName) throw new UsageError(`invalid function name '${name}': ${badName}`, { hint: 'for example: send-email, users-api' });
    if (opts.route && opts.event && opts.event !== 'http')
      throw new UsageError(`--route needs an http function, not --event ${opts.event}`);
    const route = opts.route === undefined ? undefined : s.normalizeRoute(opts.route);

    const configPath = findConfig(ctx.cwd, ctx.global.config);
    const root = path.dirname(configPath);
    const configName = path.relative(ctx.cwd, configPath) || path.basename(configPath);
    const source = await readFile(configPath, 'utf8');
    const raw = await importConfig(configPath, ctx.global.stage).catch((err: Error) => {
      ctx.log.warn(`cannot load ${configName} to check '${name}' against it: ${err.message}`);
      return undefined;
    });
    const cfg = (typeof raw === 'object' && raw !== null ? raw : {}) as {
      app?: string;
      region?: string;
      defaults?: { runtime?: string };
      api?: false | { type?: string; stage?: string };
      functions?: object;
    };
    const block = s.findFunctionsBlock(source);
    if ((cfg.functions && name in cfg.functions) || ('keys' in block && block.keys.includes(name))) {
      throw new UserError(`function '${name}' already exists in ${configName}`, { hint: 'pick another name' });
    }

    const plan = s.planNewFunction(
      {
        name,
        runtime: opts.runtime,
        fleetRuntime: cfg.defaults?.runtime,
        event: opts.event,
        route,
        api: cfg.api && cfg.api.type === 'rest' ? { type: 'rest', stage: cfg.api.stage } : { type: 'http' },
        app: typeof cfg.app === 'string' ? cfg.app : 'app',
        region: ctx.global.region ?? cfg.region ?? ctx.env.AWS_REGION ?? 'us-east-1',
      },
      s.packageTemplates(),
    );
    const problems = s.newFunctionProblems(raw, name, plan.entry, {
      stage: ctx.global.stage,
      exists: (p) => existsSync(path.resolve(root, p)),
      planned: plan.files.map((f) => f.path),
    });
    if (problems.length) {
      throw new UserError(`cannot add '${name}': ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
        hint: 'change the name or --route and run again',
      });
    }
    if (s.existingPaths(root, [plan.dir]).length) {
      throw new UserError(`${path.relative(ctx.cwd, path.join(root, plan.dir))} already exists`, {
        hint: `pick another name, or add '${name}' to ${configName} by hand`,
      });
    }

    const edit = s.insertFunction(source, name, plan.entry, plan.triggerHint);
    // A helper the fleet already has (its own, maybe edited) is kept.
    const files = plan.files.filter((f) => !(f.shared && s.existingPaths(root, [f.path]).length));
    const written = await s.writeNewFiles(root, files);
    if (edit.ok) await writeFile(configPath, edit.source);
    const snippet = edit.ok ? undefined : s.entrySnippet(name, plan.entry, plan.triggerHint);

    if (!edit.ok) ctx.log.warn(`did not edit ${configName}: ${edit.reason}`);
    const next = s.newFunctionNextSteps({ name, event: plan.event, eventFile: path.relative(ctx.cwd, path.join(root, plan.eventFile)) });
    if (ctx.global.json) {
      return ctx.outJson({
        function: name,
        ...plan.entry,
        language: plan.language,
        event: plan.event,
        ...(plan.triggerHint ? { trigger: plan.triggerHint } : {}),
        files: written,
        config: configPath,
        configUpdated: edit.ok,
        snippet,
        next: next.commands,
      });
    }
    const shown = written.map((f) => path.relative(ctx.cwd, path.join(root, f)));
    for (const line of s.renderCreated(shown, ctx.color)) ctx.out(line);
    if (edit.ok) ctx.out(`${ctx.color.yellow('update')} ${configName}`);
    else ctx.log.raw(`add this under functions: in ${configName}:\n\n${snippet}\n`);
    for (const line of s.renderNextSteps(next.commands, ctx.color, next.hint)) ctx.log.raw(line);
  },
});

export default defineCommand({
  name: 'new',
  description: 'Add to the fleet (new function <name>)',
  subcommands: [newFunction],
  examples: ['ops new function send-email', 'ops new function users --route "GET /users/{id}"'],
});
