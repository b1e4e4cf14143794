import path from 'node:path';
import type { Selection } from '../aws/import-functions.js';
import { awsForRegion } from '../cli/aws-for.js';
import type { Context } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { packageTemplates } from '../scaffold/templates.js';
import { appFromPrefix, toKey } from './keys.js';
import { checkFree, planFunctions, readImport, writeImport } from './run.js';

/** `ops import` options (src/commands/import.ts). */
export interface ImportOptions {
  prefix?: string;
  names?: string;
  tag?: string;
  app?: string;
  force?: boolean;
}

/** Exactly one of --prefix, --names, --tag. */
export function selectionOf(o: ImportOptions): Selection {
  const given = [o.prefix, o.names, o.tag].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new UsageError('ops import needs exactly one of --prefix, --names or --tag', {
      hint: 'ops import --prefix autorescue- --stage prod',
    });
  if (o.prefix !== undefined) return { prefix: o.prefix };
  if (o.names !== undefined) {
    const names = o.names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (!names.length) throw new UsageError('--names lists no function', { hint: '--names a,b,c' });
    return { names };
  }
  const m = /^([^=]+)=(.*)$/.exec(o.tag ?? '');
  if (!m) throw new UsageError(`--tag '${o.tag}' is not key=value`, { hint: '--tag team=search' });
  return { tag: { key: m[1] ?? '', value: m[2] ?? '' } };
}

function appOf(o: ImportOptions): string {
  const app = o.app ?? appFromPrefix(o.prefix);
  if (!app)
    throw new UsageError('ops import needs --app <name> (only a --prefix gives one)', { hint: 'ops import --names a,b --app autorescue' });
  const valid = toKey(app, 24);
  if (valid !== app) throw new UsageError(`invalid app name '${app}'`, { hint: `try --app ${valid}` });
  return app;
}

export async function importCommand(ctx: Context, dirArg: string | undefined, o: ImportOptions): Promise<void> {
  const sel = selectionOf(o);
  const app = appOf(o);
  const dir = path.resolve(ctx.cwd, dirArg ?? '.');
  const stage = ctx.global.stage;
  const region = ctx.global.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const aws = awsForRegion(ctx, region);
  try {
    const fleet = await readImport(aws, sel, { app, stage });
    const { planned, skipped } = planFunctions(fleet.functions, 'prefix' in sel ? sel.prefix : undefined);
    checkFree(dir, planned, !!o.force);
    const result = await writeImport(aws, dir, fleet, planned, packageTemplates());
    const leftAlone = [...skipped, ...result.leftAlone];
    if (ctx.global.json) return ctx.outJson({ dir, app, stage, region, ...result, leftAlone });
    for (const f of result.functions) ctx.out(`${f.name} → ${f.key} (${f.dir}/)`);
    ctx.log.success(
      `wrote ${result.configFile} and the code of ${result.functions.length} function(s) in ${path.relative(ctx.cwd, dir) || '.'}`,
    );
    if (leftAlone.length) {
      ctx.log.warn('not expressed in the config, and left as it is on AWS:');
      for (const l of leftAlone) ctx.log.raw(`  - ${l}`);
    }
    if (result.secrets.length) {
      ctx.log.warn(
        `environment variables whose names look secret are secure params now, resolved into the same variables at deploy (values not written or shown): ${result.secrets.join(', ')}`,
      );
      const names = [...new Set(result.secrets.map((s) => /\(param ([^)]+)\)$/.exec(s)?.[1]))].filter(Boolean);
      ctx.log.info(
        `set each to the value the function has now before the first deploy (the deploy refuses until then): ${names.map((n) => `ops params set ${n} --stage ${stage}`).join('; ')}`,
      );
      ctx.log.raw(
        '  declare each as a param and set it (ops params set <name> --stage <stage>) before deploying: a deploy without them removes them',
      );
    }
    ctx.log.raw(`next: review ops.config.ts, then ops plan --stage ${stage} (adoptions only), then ops deploy --stage ${stage}`);
  } finally {
    aws.destroy();
  }
}
