import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { type Stub, startStub } from '../functions/support/helpers.js';
import { useEmulator } from '../support/emulator.js';
import {
  copyExample,
  EXAMPLES_DIR,
  ensureAutoRescueRole,
  expectNoDrift,
  invokeLocal,
  kindsFor,
  type Ops,
  opsFor,
  planJson,
  planResources,
  resolvedConfig,
  setParams,
  settingsOf,
  smokeLocal,
  uniqueStage,
  writeLocalEnv,
} from './support.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/AutoRescueLambdaExecutionRole';
const CLIENT_ID = 'amadeus-id-1';
const CLIENT_SECRET = 'amadeus-secret-1';

/** Three offers a day for JFK-LAX: the disrupted AA123, a cheap early B6 and a DL in the afternoon. */
function offersFor(date: string) {
  const offer = (id: string, flight: string, dep: string, arr: string, price: string) => ({
    type: 'flight-offer',
    id,
    numberOfBookableSeats: 4,
    price: { currency: 'USD', total: price, grandTotal: price },
    itineraries: [
      {
        duration: 'PT6H',
        segments: [
          {
            departure: { iataCode: 'JFK', at: `${date}T${dep}:00` },
            arrival: { iataCode: 'LAX', at: `${date}T${arr}:00` },
            carrierCode: flight.slice(0, 2),
            number: flight.slice(2),
            numberOfStops: 0,
          },
        ],
      },
    ],
  });
  return {
    data: [
      offer('1', 'AA123', '08:00', '11:30', '300.00'),
      offer('2', 'DL420', '14:00', '17:20', '250.00'),
      offer('3', 'B6901', '06:00', '09:40', '199.00'),
    ],
  };
}

/** Seed 000: two Python tool targets on one existing role, Amadeus credentials as secure params. */
describe('examples/autorescue (seed 000)', () => {
  const emu = useEmulator();
  const stage = uniqueStage();
  let dir: string;
  let ops: Ops;
  let amadeus: Stub;

  beforeAll(async () => {
    dir = await copyExample('autorescue');
    ops = opsFor(dir, stage, emu.env);
    amadeus = await startStub((req) => {
      if (req.method === 'POST' && req.path === '/v1/security/oauth2/token') {
        const form = new URLSearchParams(req.body);
        if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) return { status: 401, body: {} };
        return { body: { access_token: 'tok-1', token_type: 'Bearer', expires_in: 1799 } };
      }
      if (req.path === '/v2/shopping/flight-offers' && req.headers.authorization === 'Bearer tok-1') {
        return { body: offersFor(req.query.get('departureDate') ?? '') };
      }
      return { status: 404, body: {} };
    });
    await writeLocalEnv(dir, stage, { 'amadeus/client-id': CLIENT_ID, 'amadeus/client-secret': CLIENT_SECRET });
  });
  afterAll(() => amadeus?.close());

  it('ops config --json: both functions as the guide lists them, on the shared role', async () => {
    const fleet = await resolvedConfig(ops);
    expect(settingsOf(fleet)).toEqual({
      'search-flights': { runtime: 'python3.12', memory: 256, timeout: 30, handler: 'lambda_function.lambda_handler' },
      'analyze-disruption': { runtime: 'python3.12', memory: 256, timeout: 30, handler: 'lambda_function.lambda_handler' },
    });
    expect(fleet.params.map((p) => [p.name, p.secure])).toEqual([
      ['amadeus/client-id', true],
      ['amadeus/client-secret', true],
    ]);
    // The credentials are never in the environment, only the names of their parameters.
    for (const fn of fleet.functions) {
      expect(Object.keys(fn.environment).filter((k) => /AMADEUS_CLIENT/.test(k))).toEqual([
        'OPS_PARAM_AMADEUS_CLIENT_ID',
        'OPS_PARAM_AMADEUS_CLIENT_SECRET',
      ]);
    }
    expect(fleet.api).toBeUndefined();
  });

  it('each function ships the same Amadeus client (each zip is self-contained, as in the seed)', () => {
    const fns = path.join(EXAMPLES_DIR, 'autorescue/lambda_functions');
    const client = (fn: string) => readFileSync(path.join(fns, fn, 'amadeus_client.py'), 'utf8');
    expect(client('search_flights')).toBe(client('analyze_disruption'));
  });

  describe('ops invoke --local, against a local Amadeus', () => {
    const env = () => ({ AMADEUS_BASE_URL: amadeus.url });

    it('search-flights jfk-lax: the seed payload, offers cheapest first', async () => {
      const result = await invokeLocal(ops, 'search-flights', 'jfk-lax', env());
      expect(result).toMatchObject({ statusCode: 200, origin: 'JFK', destination: 'LAX', departure_date: '2025-12-15', count: 3 });
      expect(result.offers.map((o: { flights: string[]; price: number }) => [o.flights[0], o.price])).toEqual([
        ['B6901', 199],
        ['DL420', 250],
        ['AA123', 300],
      ]);
      const search = amadeus.requests.find((q) => q.path === '/v2/shopping/flight-offers');
      expect(Object.fromEntries(search?.query ?? [])).toMatchObject({ originLocationCode: 'JFK', departureDate: '2025-12-15', max: '5' });
    });

    it('search-flights invalid-request: every problem at once, no call to Amadeus', async () => {
      const before = amadeus.requests.length;
      const result = await invokeLocal(ops, 'search-flights', 'invalid-request', env());
      expect(result.statusCode).toBe(400);
      expect(result.message).toContain('origin must be a 3-letter IATA airport code');
      expect(amadeus.requests.length).toBe(before);
    });

    it('analyze-disruption aa123-cancellation: three days searched, the disrupted flight left out', async () => {
      const result = await invokeLocal(ops, 'analyze-disruption', 'aa123-cancellation', env());
      expect(result).toMatchObject({
        statusCode: 200,
        original_flight: 'AA123',
        disruption_reason: 'cancellation',
        searched_dates: ['2025-12-15', '2025-12-16', '2025-12-17'],
      });
      expect(result.options.every((o: { flights: string[] }) => !o.flights.includes('AA123'))).toBe(true);
      expect(result.recommendation).toMatchObject({ flights: ['B6901'], departure: { at: '2025-12-15T06:00:00' } });
      expect(result.summary).toContain('AA123 (JFK-LAX, cancellation): 6 alternatives');
    });

    it('analyze-disruption invalid-request: 400', async () => {
      const result = await invokeLocal(ops, 'analyze-disruption', 'invalid-request', env());
      expect(result).toMatchObject({ statusCode: 400, error: 'invalid_request' });
    });
  });

  it('ops smoke --local: the samples that carry expectations hold', async () => {
    await smokeLocal(ops);
  });

  describe('against the emulator', () => {
    beforeAll(async () => {
      // Outside ops, as in the seed: the role AutoRescue's other components already use.
      await ensureAutoRescueRole(emu.clientConfig);
    });

    it('sets the Amadeus credentials as SecureStrings through stdin', async () => {
      await setParams(ops, {
        'amadeus/client-id': { value: CLIENT_ID, secure: true },
        'amadeus/client-secret': { value: CLIENT_SECRET, secure: true },
      });
    });

    it('ops plan on an empty emulator: the two functions of step 1, and no role (the shared one is used)', async () => {
      const plan = await planJson(ops);
      for (const fn of ['search-flights', 'analyze-disruption']) {
        expect(kindsFor(plan, fn)).toEqual(['alias.publish lambda alias', 'function.create lambda function', 'loggroup.create log group']);
      }
      expect(plan.changes.some((c) => c.kind.startsWith('role.'))).toBe(false);
      expect(plan.warnings.join('\n')).toContain(`use role ${ROLE_ARN}, which ops does not manage, and it does not allow logs:`);
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes creates both functions on the existing role', async () => {
      const r = await ops(['deploy', '--yes'], {});
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(ops);
      const lambda = new LambdaClient(emu.clientConfig);
      for (const [key, file] of [
        ['search-flights', 'search_flights'],
        ['analyze-disruption', 'analyze_disruption'],
      ]) {
        const fn = await lambda.send(new GetFunctionCommand({ FunctionName: `autorescue-${stage}-${key}` }));
        expect(fn.Configuration, file).toMatchObject({
          Role: ROLE_ARN,
          Runtime: 'python3.12',
          Handler: 'lambda_function.lambda_handler',
          MemorySize: 256,
          Timeout: 30,
        });
        expect(fn.Configuration?.Environment?.Variables).toMatchObject({
          OPS_PARAM_AMADEUS_CLIENT_ID: `/autorescue/${stage}/amadeus/client-id`,
          AMADEUS_BASE_URL: 'https://test.api.amadeus.com',
        });
      }
      lambda.destroy();
    });

    it('a second ops plan is empty', async () => {
      const r = await ops(['plan']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  });

  /**
   * The README's "Moving the running fleet onto ops": the seed's functions as deploy_lambdas.sh leaves them (its
   * names, the shared role, the credentials as plain environment variables, no tags), plus a version and an alias a
   * caller uses; `ops deploy --stage prod` adopts them in place. The only test deploying this example to stage prod
   * (moto is shared by the suite, and these names are fixed).
   */
  describe('moving the running fleet: prod adopts the seed functions in place', () => {
    const seed = { 'search-flights': 'AutoRescue-SearchFlights', 'analyze-disruption': 'AutoRescue-AnalyzeDisruption' };
    const arns = new Map<string, string>();
    let prod: Ops;
    let lambda: LambdaClient;
    const configOf = async (name: string) => await lambda.send(new GetFunctionCommand({ FunctionName: name }));

    beforeAll(async () => {
      lambda = new LambdaClient(emu.clientConfig);
      prod = opsFor(dir, 'prod', emu.env);
      await ensureAutoRescueRole(emu.clientConfig);
      const zip = path.join(await mkdtemp(path.join(tmpdir(), 'autorescue-seed-')), 'deployment.zip');
      await writeDeterministicZip([{ path: 'lambda_function.py', data: 'def lambda_handler(event, context):\n    return {}\n' }], zip);
      for (const name of Object.values(seed)) {
        const created = await lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Runtime: 'python3.12',
            Handler: 'lambda_function.lambda_handler',
            Role: ROLE_ARN,
            Timeout: 30,
            MemorySize: 256,
            Code: { ZipFile: await readFile(zip) },
            Environment: { Variables: { AMADEUS_CLIENT_ID: CLIENT_ID, AMADEUS_CLIENT_SECRET: CLIENT_SECRET } },
          }),
        );
        arns.set(name, created.FunctionArn!);
        const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
        await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'gateway', FunctionVersion: v1.Version! }));
      }
      // The README's first step: the credentials the functions had in their environment, as prod's params.
      await setParams(prod, {
        'amadeus/client-id': { value: CLIENT_ID, secure: true },
        'amadeus/client-secret': { value: CLIENT_SECRET, secure: true },
      });
    });
    afterAll(() => lambda?.destroy());

    it("ops deploy --stage prod adopts both (no create, no delete): ARN, version 1 and the caller's alias kept", async () => {
      const d = await prod(['deploy', '--yes']);
      expect(d.code, d.stdout + d.stderr).toBe(0);
      for (const name of Object.values(seed)) expect(d.stdout + d.stderr).toContain(`adopt function ${name} `);
      expect(d.stdout + d.stderr).not.toMatch(/(create|delete) (lambda )?function/);
      for (const [key, name] of Object.entries(seed)) {
        const fn = await configOf(name);
        expect(fn.Configuration?.FunctionArn, key).toBe(arns.get(name));
        expect(fn.Tags).toMatchObject({ 'ops:app': 'autorescue', 'ops:stage': 'prod', 'ops:adopted': 'true' });
        // The plain-text credentials leave the environment: only the params' names are there now.
        const vars = fn.Configuration?.Environment?.Variables ?? {};
        expect(vars.OPS_PARAM_AMADEUS_CLIENT_SECRET).toBe('/autorescue/prod/amadeus/client-secret');
        expect(Object.values(vars)).not.toContain(CLIENT_SECRET);
        expect((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'gateway' }))).FunctionVersion).toBe('1');
        expect((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion).not.toBe('1');
      }
      const again = await prod(['plan']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
    });

    it('ops destroy --stage prod keeps them (ops did not create them): same ARN, the alias, no ops tags', async () => {
      const d = await prod(['destroy', '--yes']);
      expect(d.code, d.stdout + d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain('kept (adopted: ops did not create it)');
      for (const name of Object.values(seed)) {
        const fn = await configOf(name);
        expect(fn.Configuration?.FunctionArn).toBe(arns.get(name));
        expect(Object.keys(fn.Tags ?? {}).filter((k) => k.startsWith('ops:'))).toEqual([]);
        expect((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'gateway' }))).FunctionVersion).toBe('1');
      }
    });
  });
});
