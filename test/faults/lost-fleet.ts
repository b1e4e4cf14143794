import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A fleet that makes every kind of write a cold deploy makes: an HTTP route (API, stage,
 * integration, route, permission), a schedule (rule, target, permission), an SNS subscription
 * (permission, subscribe) and an alarm, on two functions with roles and log groups.
 */
export async function lostResponseFleet(app: string, topics: { trigger: string; alerts: string }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  for (const fn of ['api', 'jobs']) {
    await mkdir(path.join(dir, 'src', fn), { recursive: true });
    await writeFile(
      path.join(dir, 'src', fn, 'handler.ts'),
      `export const handler = async (e: unknown) => ({ statusCode: 200, body: '${fn}' });\n`,
    );
  }
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${app}',
  region: 'us-east-1',
  api: { cors: { allowOrigins: ['https://example.com'] } },
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /items', 'POST /items'] },
    jobs: {
      handler: 'src/jobs/handler.ts',
      routes: ['GET /jobs'],
      triggers: [{ schedule: 'rate(5 minutes)' }, { sns: '${topics.trigger}' }],
      alarms: [{ metric: 'Errors', threshold: 1, snsTopicArn: '${topics.alerts}' }],
    },
  },
});
`,
  );
  return dir;
}
