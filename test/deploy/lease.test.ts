import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { acquireLease, type LeaseHolder } from '../../src/apply/lease.js';
import { run } from '../../src/cli/main.js';
import { leaseClaimParamName, leaseClaimPrefix, leaseEpochParamName, leaseParamName } from '../../src/config/naming.js';
import { UserError } from '../../src/errors.js';
import { awsFor, unique } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { smallFleet } from './fleet.js';

/** The stage lease against moto: taken, waited for, renewed, taken over when expired, released, broken. */
describe('the stage lease', () => {
  const emu = useEmulator();
  const ssm = () => new SSMClient(emu.clientConfig);
  const holderOf = async (app: string, stage: string): Promise<LeaseHolder | undefined> => {
    const got = await ssm()
      .send(new GetParameterCommand({ Name: leaseParamName(app, stage) }))
      .catch((e) => (e.name === 'ParameterNotFound' ? undefined : Promise.reject(e)));
    return got?.Parameter?.Value ? JSON.parse(got.Parameter.Value) : undefined;
  };
  const plant = (app: string, stage: string, h: Partial<LeaseHolder>) =>
    ssm().send(
      new PutParameterCommand({
        Name: leaseParamName(app, stage),
        Type: 'String',
        Overwrite: true,
        Value: JSON.stringify({
          token: 'other',
          who: 'alice@build-7',
          pid: 4242,
          command: 'ops deploy',
          since: new Date(Date.now() - 60_000).toISOString(),
          expires: new Date(Date.now() + 600_000).toISOString(),
          ...h,
        }),
      }),
    );
  /** A claim on taking over the expired lease of holder `holderToken` (generation `n`), as a run would leave it. */
  const plantClaim = (app: string, stage: string, holderToken: string, n: number, h: Partial<LeaseHolder>) =>
    ssm().send(
      new PutParameterCommand({
        Name: leaseClaimParamName(app, stage, holderToken, n),
        Type: 'String',
        Overwrite: true,
        Value: JSON.stringify({
          token: `claimant-${n}`,
          who: 'bob@ci-3',
          pid: 77,
          command: 'ops deploy',
          since: new Date(Date.now() - 1_000).toISOString(),
          expires: new Date(Date.now() + 30_000).toISOString(),
          ...h,
        }),
      }),
    );
  const claimsOf = async (app: string, stage: string) =>
    ((await ssm().send(new GetParametersByPathCommand({ Path: leaseClaimPrefix(app, stage), Recursive: true }))).Parameters ?? [])
      .map((p) => p.Name)
      .sort();
  const past = () => new Date(Date.now() - 1_000).toISOString();

  it('is one tagged SSM parameter per app and stage (dev and dev-x apart), outside the fleet params path, deleted on release', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    const dev = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 });
    // dev-x is another stage: its lease is another parameter, free while dev's is held.
    const devx = await acquireLease(aws, { app, stage: 'dev-x' }, { command: 'ops deploy', waitMs: 0 });
    expect(dev.name).toBe(`/_ops/lease/${app}/dev`);
    expect(dev.name.startsWith(`/${app}/`)).toBe(false);
    const held = await holderOf(app, 'dev');
    expect(held).toMatchObject({ token: dev.holder.token, pid: process.pid, command: 'ops deploy' });
    expect(held?.who).toMatch(/.+@.+/);
    expect(Date.parse(held!.expires)).toBeGreaterThan(Date.parse(held!.since));
    const tags = await ssm().send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: dev.name }));
    expect(tags.TagList).toEqual(
      expect.arrayContaining([
        { Key: 'ops:app', Value: app },
        { Key: 'ops:stage', Value: 'dev' },
      ]),
    );
    await dev.release();
    expect(await holderOf(app, 'dev')).toBeUndefined();
    expect((await holderOf(app, 'dev-x'))?.token).toBe(devx.holder.token);
    await devx.release();
    aws.destroy();
  });

  it('a second run waits, then stops with one error naming the holder and ops unlock', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    const first = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 });
    const waited: string[] = [];
    const t0 = Date.now();
    const second = acquireLease(
      aws,
      { app, stage: 'dev' },
      { command: 'ops destroy', waitMs: 600, pollMs: 100, onWait: (h) => waited.push(h!.who) },
    );
    const err = await second.catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(waited).toEqual([first.holder.who]); // said once, not once per poll
    expect(err.message).toContain(`stage ${app}/dev is locked by ${first.holder.who} (ops deploy, pid ${process.pid}) since `);
    expect(err.hint).toContain('ops unlock --stage dev');
    await first.release();
    aws.destroy();
  });

  it('a lease whose run died on this host (kill -9) is taken over at once, saying so; a live one on this host is waited for', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    const here = `${userInfo().username}@${hostname()}`;
    const dead = spawn(process.execPath, ['-e', '0']);
    await once(dead, 'exit');
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await plant(app, 'dev', { who: here, pid: alive.pid! });
      const waited = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 300, pollMs: 100 }).catch((e) => e);
      expect(waited).toBeInstanceOf(UserError);
      expect(waited.message).toContain(`is locked by ${here} (ops deploy, pid ${alive.pid})`);

      await plant(app, 'dev', { who: here, pid: dead.pid! });
      const said: string[] = [];
      const t0 = Date.now();
      const lease = await acquireLease(
        aws,
        { app, stage: 'dev' },
        { command: 'ops deploy', waitMs: 60_000, pollMs: 100, onTakeOver: (why) => said.push(why) },
      );
      expect(Date.now() - t0).toBeLessThan(10_000); // not the 10 minutes the planted lease still had
      expect(said).toHaveLength(1);
      expect(said[0]).toContain(`the run holding it (${here} (ops deploy, pid ${dead.pid}) since `);
      expect(said[0]).toMatch(/\) is no longer running on this host$/);
      expect((await holderOf(app, 'dev'))?.token).toBe(lease.holder.token);
      await lease.release();

      // The same dead pid on another host says nothing about that host's process: waited for.
      await plant(app, 'dev', { who: 'alice@build-7', pid: dead.pid! });
      const elsewhere = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 200, pollMs: 100 }).catch((e) => e);
      expect(elsewhere).toBeInstanceOf(UserError);
      await ssm().send(new DeleteParameterCommand({ Name: leaseParamName(app, 'dev') }));
    } finally {
      alive.kill();
      aws.destroy();
    }
  });

  it('a waiter gets the lease as soon as the holder releases it', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    const first = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 });
    const second = acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 10_000, pollMs: 100 });
    await new Promise((r) => setTimeout(r, 300));
    await first.release();
    const got = await second;
    expect((await holderOf(app, 'dev'))?.token).toBe(got.holder.token);
    await got.release();
    aws.destroy();
  });

  it('renews before it expires; a renewal that finds another holder aborts `lost` and leaves that lease alone', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    // Renewed every second (ttl/3). Waits are for the event, not a fixed time: on a loaded machine a timer
    // fires late, and the test is about what the renewal does, not about how punctual Node's timers are.
    const lease = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0, ttlMs: 3_000 });
    const before = (await holderOf(app, 'dev'))!.expires;
    let after: Awaited<ReturnType<typeof holderOf>>;
    await untilAsync(async () => {
      after = await holderOf(app, 'dev');
      return Date.parse(after?.expires ?? before) > Date.parse(before);
    });
    expect(after!.token).toBe(lease.holder.token);
    expect(Date.parse(after!.expires)).toBeGreaterThan(Date.now()); // never lapsed
    // Someone unlocks and another run takes it: the next renewal notices.
    await plant(app, 'dev', { token: 'thief' });
    await until(() => lease.lost.aborted);
    expect(lease.lost.aborted).toBe(true);
    await lease.release();
    expect((await holderOf(app, 'dev'))?.token).toBe('thief');
    aws.destroy();
  });

  it('an expired lease is taken over; of several waiters taking it over at once exactly one wins', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const app = unique('ls');
      await plant(app, 'dev', { expires: new Date(Date.now() - 1_000).toISOString() });
      const aws = [awsFor(emu.env), awsFor(emu.env), awsFor(emu.env)];
      // One claim on the expired holder is created, the others find it live and stop (waitMs 0). Before claims,
      // .ci/run once saw two winners here: moto, busy with the suite's other files, held a taker's delete back.
      const outcomes = await Promise.allSettled(
        aws.map((a) => acquireLease(a, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won, `trial ${trial}`).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason.message)).toContain('is locked by');
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value;
      expect((await holderOf(app, 'dev'))?.token).toBe(winner.holder.token);
      expect(await claimsOf(app, 'dev')).toEqual([]); // the winner's claim goes once it holds the lease
      await winner.release();
      for (const a of aws) a.destroy();
    }
  });

  it('a take-over whose delete AWS holds back until another run has taken over removes nobody: one holder', async () => {
    // AWS behaviour moto cannot show on its own: a busy endpoint answering a DeleteParameter late. Taker A's calls
    // go through the proxy, which holds its first DeleteParameter (its delete of the expired lease) until taker B,
    // straight to moto, is done. Without claims B took the lease over, A's delete then removed B's confirmed lease
    // and A took it too: two holders. With them B finds A's live claim and waits (here: stops at once).
    const app = unique('ls');
    await plant(app, 'dev', { expires: past() });
    const proxy = await emu.proxy();
    let letGo = () => {};
    const heldBack = new Promise<void>((resolve) => (letGo = resolve));
    proxy.addFault({ match: { service: 'ssm', operation: 'DeleteParameter' }, times: 1, respond: faults.hold(heldBack) });
    const awsA = awsFor(proxy.env);
    const awsB = awsFor(emu.env);
    try {
      const a = acquireLease(awsA, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 }).then(
        (lease) => ({ lease }),
        (error: Error) => ({ error }),
      );
      await until(() => proxy.operations().includes('ssm.DeleteParameter'));
      const b = await acquireLease(awsB, { app, stage: 'dev' }, { command: 'ops destroy', waitMs: 0 }).then(
        (lease) => ({ lease }),
        (error: Error) => ({ error }),
      );
      letGo();
      const outcomes = [await a, b];
      const won = outcomes.flatMap((o) => ('lease' in o ? [o.lease] : []));
      expect(won).toHaveLength(1);
      for (const o of outcomes) if ('error' in o) expect(o.error.message).toContain(`stage ${app}/dev is locked by`);
      expect((await holderOf(app, 'dev'))?.token).toBe(won[0]!.holder.token);
      await won[0]!.release();
    } finally {
      letGo();
      awsA.destroy();
      awsB.destroy();
    }
  });

  it('a claim left by a taker that died does not block (the next generation is claimed); a live claim is waited for', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    const proxy = await emu.proxy();
    const viaProxy = awsFor(proxy.env);
    try {
      // A live claim on the expired lease: its taker is taking over, so it is waited for and named like a holder.
      await plant(app, 'dev', { expires: past() });
      await plantClaim(app, 'dev', 'other', 1, {});
      const waited = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 }).catch((e) => e);
      expect(waited).toBeInstanceOf(UserError);
      expect(waited.message).toContain(`stage ${app}/dev is locked by bob@ci-3 (ops deploy, pid 77) since `);
      expect((await holderOf(app, 'dev'))?.token).toBe('other'); // nobody but the claimant deletes it

      // Its taker died: the claim expired. The next run claims generation 2, takes over and deletes both claims.
      await plantClaim(app, 'dev', 'other', 1, { expires: past() });
      const lease = await acquireLease(viaProxy, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 });
      expect((await holderOf(app, 'dev'))?.token).toBe(lease.holder.token);
      expect(proxy.operations({ service: 'ssm' })).toEqual([
        'ssm.PutParameter', // the lease: refused
        'ssm.GetParameter',
        'ssm.PutParameter', // claim generation 1: refused
        'ssm.GetParameters', // generations 1..10: 1 is there, expired
        'ssm.PutParameter', // claim generation 2
        'ssm.GetParameter', // the lease still shows the expired holder
        'ssm.DeleteParameter',
        'ssm.PutParameter', // our lease
        'ssm.DeleteParameter', // the claims (both generations)
        'ssm.DeleteParameter',
        'ssm.PutParameter', // the epoch, created
        'ssm.AddTagsToResource',
      ]);
      expect(await claimsOf(app, 'dev')).toEqual([]);
      await lease.release();

      // A taker slower than its own claim's lifetime (1 ms here) deletes nothing: by then the next generation may
      // be another run's. It claims again (its own expired claim is anybody's) until the ten generations are used.
      await plant(app, 'dev', { expires: past() });
      const slow = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0, claimTtlMs: 1 }).catch((e) => e);
      expect(slow).toBeInstanceOf(UserError);
      expect(slow.message).toContain('10 runs claimed its expired lease');
      expect((await holderOf(app, 'dev'))?.token).toBe('other');
      expect(await claimsOf(app, 'dev')).toHaveLength(10);

      // Ten generations, all expired: stop and say how to clear them.
      await plant(app, 'dev', { expires: past() });
      for (let n = 1; n <= 10; n++) await plantClaim(app, 'dev', 'other', n, { expires: past() });
      const stuck = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops deploy', waitMs: 0 }).catch((e) => e);
      expect(stuck).toBeInstanceOf(UserError);
      expect(stuck.message).toBe(`stage ${app}/dev: 10 runs claimed its expired lease and none took it over`);
      expect(stuck.hint).toContain('ops unlock --stage dev');
      expect((await holderOf(app, 'dev'))?.token).toBe('other');
    } finally {
      aws.destroy();
      viaProxy.destroy();
    }
  });

  it('ops deploy waiting on a held stage times out with the holder and the unlock hint, having written nothing', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    await plant(app, 'dev', {});
    const proxy = await emu.proxy();
    const r = await runCli(['deploy', '--yes', '--wait', '1'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`stage ${app}/dev is locked by alice@build-7 (ops deploy, pid 4242) since`);
    expect(r.stderr).toContain(`waiting up to 1s`);
    expect(r.stderr).toContain('ops unlock --stage dev');
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    // The fleet is read beside the look at the lease (a read only); nothing is written but the lease's create, refused.
    const writes = proxy.operations().filter((op) => !/\.(Get|List|Describe)[A-Z]/.test(op));
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set(['ssm.PutParameter']));
    expect(proxy.operations()).not.toContain('ssm.DeleteParameter'); // someone else's lease stays
  });

  it('ops unlock shows the holder and removes it with --yes; without --yes and no terminal it refuses', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    await plant(app, 'dev', { expires: new Date(Date.now() - 5_000).toISOString() });
    const refused = await runCli(['unlock'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('locked by alice@build-7 (ops deploy, pid 4242)');
    expect(refused.stderr).toContain('--yes');
    expect(await holderOf(app, 'dev')).toBeDefined();
    const r = await runCli(['unlock', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('expired at');
    expect(r.stderr).toContain(`stage ${app}/dev unlocked`);
    expect(await holderOf(app, 'dev')).toBeUndefined();
    const again = await runCli(['unlock', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('not locked');
  });

  it('a release that forgets the stage (a finished destroy) deletes stale claims, not a claim on its own lease', async () => {
    const app = unique('ls');
    const aws = awsFor(emu.env);
    try {
      const lease = await acquireLease(aws, { app, stage: 'dev' }, { command: 'ops destroy', waitMs: 0 });
      await plantClaim(app, 'dev', 'gone', 1, { expires: past() });
      // A run that believes this lease expired (clocks apart) is deciding its take-over by this claim: left alone.
      await plantClaim(app, 'dev', lease.holder.token, 1, {});
      await lease.release({ forget: true });
      expect(await holderOf(app, 'dev')).toBeUndefined();
      expect(await claimsOf(app, 'dev')).toEqual([leaseClaimParamName(app, 'dev', lease.holder.token, 1)]);
    } finally {
      aws.destroy();
    }
  });

  it('ops unlock removes the claims on taking the lease over too, and only those of its stage', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    await plant(app, 'dev', { expires: new Date(Date.now() - 5_000).toISOString() });
    for (let n = 1; n <= 10; n++) await plantClaim(app, 'dev', 'other', n, { expires: past() });
    await plantClaim(app, 'dev-x', 'other', 1, {});
    expect(await claimsOf(app, 'dev')).toHaveLength(10);
    const r = await runCli(['unlock', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(await holderOf(app, 'dev')).toBeUndefined();
    expect(await claimsOf(app, 'dev')).toEqual([]);
    expect(await claimsOf(app, 'dev-x')).toEqual([leaseClaimParamName(app, 'dev-x', 'other', 1)]);
    await ssm().send(new DeleteParameterCommand({ Name: leaseClaimParamName(app, 'dev-x', 'other', 1) }));
  });

  it('deploy and destroy take and release it; a no-op deploy only looks at it; read-only commands never touch it', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    const deployed = await ops(['deploy', '--yes']);
    expect(deployed.code, deployed.stderr).toBe(0);
    // The check below can fail: a deploy does call SSM, for its lease. A look at the lease and its epoch
    // beside the first read of AWS; the lease created and its epoch moved on (created, so tagged) once
    // there is something to write; at the end the lease read back, the epoch moved on again (dating the
    // release), the lease deleted.
    expect(releaseInOrder(proxy.operations({ service: 'ssm' }))).toEqual([
      'ssm.GetParameters',
      'ssm.PutParameter',
      'ssm.PutParameter',
      'ssm.AddTagsToResource',
      'ssm.GetParameter',
      'ssm.PutParameter',
      'ssm.DeleteParameter',
    ]);
    // The verification read after the apply only reads: the lease goes as it starts, not after it (and not
    // before the last write: the release's read comes after the last write the apply made).
    const all = proxy.operations();
    const releaseRead = all.lastIndexOf('ssm.GetParameter');
    const verificationReads = all
      .map((op, i) => (/^(lambda|iam|apigateway|logs)\.(Get|List|Describe)/.test(op) ? i : -1))
      .filter((i) => i > releaseRead);
    expect(verificationReads.length, all.join(' ')).toBeGreaterThan(0);
    const lastWrite = all.map((op, i) => (/^lambda\.(Create|Publish|Update|Add)/.test(op) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    expect(lastWrite).toBeLessThan(releaseRead);
    expect(await holderOf(app, 'dev')).toBeUndefined();
    proxy.clearLog();
    // Nothing to write: the lease is looked at, never taken.
    const again = await ops(['deploy', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('No changes');
    expect(proxy.operations({ service: 'ssm' })).toEqual(['ssm.GetParameters']);
    proxy.clearLog();
    for (const args of [
      ['plan'],
      ['status'],
      ['config'],
      ['logs', 'tail', '--since', '1m'],
      ['metrics'],
      ['invoke', 'worker', '--payload', '{}'],
    ]) {
      const r = await ops(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(proxy.requests.length).toBeGreaterThan(0);
    // Never the lease: the one SSM call is `ops plan`'s read of the stage inventory (a plan has no lease look).
    expect(proxy.operations({ service: 'ssm' })).toEqual(['ssm.GetParameter']);
    // A run that died mid take-over left its claim behind (here and on dev-x, which is another stage).
    await plantClaim(app, 'dev', 'gone', 1, { expires: past() });
    await plantClaim(app, 'dev-x', 'gone', 1, { expires: past() });
    proxy.clearLog();
    const destroyed = await ops(['destroy', '--yes']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    // A destroy that converged deletes the epoch and the dead taker's claim too: nothing of the stage is left.
    // The epoch's delete and the look for claims go out together, so their order is not fixed.
    const ssmOps = proxy.operations({ service: 'ssm' });
    expect(ssmOps.slice(0, 3)).toEqual(['ssm.GetParameters', 'ssm.PutParameter', 'ssm.PutParameter']);
    expect(ssmOps.slice(3, -2).sort()).toEqual(['ssm.DeleteParameter', 'ssm.DeleteParameter', 'ssm.GetParametersByPath']);
    expect(ssmOps.slice(-2)).toEqual(['ssm.GetParameter', 'ssm.DeleteParameter']);
    const left = await ssm().send(new GetParametersCommand({ Names: [leaseParamName(app, 'dev'), leaseEpochParamName(app, 'dev')] }));
    expect(left.Parameters ?? []).toEqual([]);
    expect(await claimsOf(app, 'dev')).toEqual([]);
    expect(await claimsOf(app, 'dev-x')).toEqual([leaseClaimParamName(app, 'dev-x', 'gone', 1)]);
  }, 60_000);

  it('ops rollback takes the lease too: it waits for a holder and names it, and releases its own', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    await plant(app, 'dev', {});
    const proxy = await emu.proxy();
    const locked = await runCli(['rollback', '--yes', '--wait', '0'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(`stage ${app}/dev is locked by alice@build-7 (ops deploy, pid 4242)`);
    expect(proxy.operations().filter((op) => !op.startsWith('ssm.'))).toEqual([]);
    await ssm().send(new DeleteParameterCommand({ Name: leaseParamName(app, 'dev') }));
    proxy.clearLog();
    const r = await runCli(['rollback', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Nothing to roll back');
    // Taken, its epoch moved on (the first time for this stage: created, then tagged), moved on again and released.
    expect(releaseInOrder(proxy.operations({ service: 'ssm' }))).toEqual([
      'ssm.PutParameter',
      'ssm.PutParameter',
      'ssm.AddTagsToResource',
      'ssm.GetParameter',
      'ssm.PutParameter',
      'ssm.DeleteParameter',
    ]);
    expect(await holderOf(app, 'dev')).toBeUndefined();
  });

  it('a deploy reads AWS before taking the lease; when another run took it meanwhile (the epoch moved twice), it reads again', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    // Run A's first read is slow (its ListFunctions waits 6 s); run B deploys the whole stage meanwhile, straight to moto.
    proxy.addFault({ match: { service: 'lambda', operation: 'ListFunctions' }, times: 1, respond: faults.delay(6_000) });
    const a = runCli(['deploy', '--yes', '--debug'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    await until(() => proxy.operations().includes('lambda.ListFunctions'));
    const b = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(b.code, b.stderr).toBe(0);
    const r = await a;
    expect(r.code, r.stderr).toBe(0);
    // A's first read saw an empty stage; without the epoch it would apply that plan over B's deploy.
    expect(r.stderr).toContain('another run took the stage lease while this one read; reading AWS again under the lease');
    expect(r.stderr).toContain('No changes');
    expect(proxy.operations().filter((op) => /^lambda\.(Create|Update|Publish)/.test(op))).toEqual([]);
    await runCli(['destroy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  }, 90_000);

  it('a deploy whose read began as another run released the lease (the epoch moved once, but dated after the read began) reads again', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    // A's look at the lease is held back until B has deployed the stage and released the lease, straight to
    // moto; A's read of the (then empty) stage goes on meanwhile. A's take moves the epoch by one from what its
    // look saw: only the epoch's date tells that B's writes could have landed during A's read.
    let letGo = () => {};
    const held = new Promise<void>((resolve) => (letGo = resolve));
    proxy.addFault({ match: { service: 'ssm', operation: 'GetParameters' }, times: 1, respond: faults.hold(held) });
    // A long budget: the held look must not time out and go again before B is done, on a loaded machine.
    const a = runCli(['deploy', '--yes', '--debug', '--timeout', '300'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    await until(() => proxy.operations().includes('lambda.ListFunctions'));
    const b = await runCli(['deploy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(b.code, b.stderr).toBe(0);
    letGo();
    const r = await a;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('another run released the stage lease as this one began to read; reading AWS again now');
    expect(r.stderr).toContain('No changes');
    // Without the date A would apply the plan of the empty stage over B's deploy.
    expect(proxy.operations().filter((op) => /^lambda\.(Create|Update|Publish)/.test(op))).toEqual([]);

    // The next deploy from this checkout, right away: the epoch is where B's release left it (B ran from this
    // checkout and recorded its release, src/apply/own-release.ts), so it plans from the read it made beside
    // its look although the epoch's date is too recent to tell: AWS is read once.
    const handler = path.join(dir, 'src/worker/handler.ts');
    await writeFile(handler, (await readFile(handler, 'utf8')).replace("v: 'one'", "v: 'two'"));
    proxy.clearLog();
    const c = await runCli(['deploy', '--yes', '--debug'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('lambda.UpdateFunctionCode');
    expect(c.stderr).not.toContain('reading AWS again');
    expect(c.stderr).toContain("where this checkout's last run left it as it released the lease");
    // One listing of the functions: a read again under the lease would list them a second time (the
    // verification read after the apply reads only what changed).
    expect(proxy.operations().filter((op) => op === 'lambda.ListFunctions')).toHaveLength(1);
    await runCli(['destroy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  }, 90_000);

  it('a lost answer to the lease create (applied, then retried by the SDK) is recognised as our own', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    const proxy = await emu.proxy();
    proxy.addFault({ match: { service: 'ssm', operation: 'PutParameter' }, times: 1, respond: faults.dropResponse() });
    const r = await runCli(['deploy', '--yes', '--wait', '0'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code, r.stderr).toBe(0);
    // The lease create twice (the SDK's retry finds it taken, and reads back our own token), then its epoch
    // once as the lease is taken and once as it is released.
    expect(proxy.operations({ service: 'ssm' }).filter((op) => op === 'ssm.PutParameter')).toHaveLength(4);
    expect(await holderOf(app, 'dev')).toBeUndefined();
    await runCli(['destroy', '--yes'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  }, 60_000);

  it('Ctrl-C while waiting for the lease: exit 130, "nothing applied", the other lease untouched', async () => {
    const app = unique('ls');
    const dir = await smallFleet(app);
    await plant(app, 'dev', {});
    const signals = new EventEmitter();
    let stderr = '';
    const stdin = new PassThrough();
    stdin.end('');
    const io = {
      stdout: { write: () => true, isTTY: false },
      stderr: {
        write: (s: string) => {
          stderr += s;
          return true;
        },
        isTTY: false,
      },
      stdin,
    };
    const done = run(['deploy', '--yes'], {
      cwd: dir,
      env: { ...process.env, ...emu.env, NO_COLOR: '1', CI: 'true' } as NodeJS.ProcessEnv,
      io,
      signals,
    });
    while (!stderr.includes('waiting up to')) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    signals.emit('SIGINT', 'SIGINT');
    expect(await done).toBe(130);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(stderr).toContain('interrupted: nothing applied');
    expect((await holderOf(app, 'dev'))?.token).toBe('other');
    expect(signals.listenerCount('SIGINT')).toBe(0);
    await ssm().send(new DeleteParameterCommand({ Name: leaseParamName(app, 'dev') }));
  });
});

async function untilAsync(done: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function until(done: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A release reads the lease back and moves the epoch on at the same time (src/apply/lease.ts), so those two
 * reach AWS in either order: put in one order (the read first) before comparing; the delete comes after both.
 */
function releaseInOrder(ops: string[]): string[] {
  const del = ops.lastIndexOf('ssm.DeleteParameter');
  return del < 2 ? ops : [...ops.slice(0, del - 2), ...ops.slice(del - 2, del).sort(), ...ops.slice(del)];
}
