import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { FUNCTIONS_DIR, loadEvent, type Stub, type StubReply, type StubRequest, startStub, uniqueSuffix } from './support/helpers.js';

const FN_DIR = path.join(FUNCTIONS_DIR, 'search_flights');
const DRIVER = path.join(import.meta.dirname, 'support', 'invoke_python.py');
const CLIENT_ID = 'id-123';
const CLIENT_SECRET = 'secret-456';

interface PythonRun {
  results: any[];
  token_requests: number;
  ssm_calls?: number;
}

/** Runs lambda_handler on each event in one python3 process (a cold start, then warm calls). */
async function invoke(events: unknown[], env: Record<string, string | undefined>): Promise<PythonRun> {
  const run = await execa('python3', [DRIVER, FN_DIR, 'lambda_function', 'lambda_handler'], {
    input: JSON.stringify(events),
    env: { PYTHONDONTWRITEBYTECODE: '1', ...env },
    reject: false,
  });
  if (run.exitCode !== 0) throw new Error(`python3 failed (${run.exitCode}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
}

const oneWay = loadEvent('search_flights', 'search-one-way');
const roundTrip = loadEvent('search_flights', 'search-round-trip');

const segment = (from: string, to: string, dep: string, arr: string, carrier: string, number: string) => ({
  departure: { iataCode: from, at: dep },
  arrival: { iataCode: to, at: arr },
  carrierCode: carrier,
  number,
  numberOfStops: 0,
});
/** A trimmed Amadeus flight-offers answer: unsorted, a tie on price, one connection. */
const OFFERS = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'amadeus-flight-offers.json'), 'utf8'));

describe('search-flights (Python) against a local Amadeus stub', () => {
  let amadeus: Stub;
  /** What the stub does with the next flight search. */
  let onSearch: (req: StubRequest) => StubReply;
  let tokenTtl = 1799;
  let tokensIssued = 0;
  const tokenRequests = () => amadeus.requests.filter((r) => r.path === '/v1/security/oauth2/token');
  const searches = () => amadeus.requests.filter((r) => r.path === '/v2/shopping/flight-offers');

  beforeAll(async () => {
    amadeus = await startStub((req) => {
      if (req.method === 'POST' && req.path === '/v1/security/oauth2/token') {
        const form = new URLSearchParams(req.body);
        if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) {
          return { status: 401, body: { error: 'invalid_client', error_description: 'Client credentials are invalid', code: 38187 } };
        }
        tokensIssued++;
        return { body: { type: 'amadeusOAuth2Token', access_token: `tok-${tokensIssued}`, token_type: 'Bearer', expires_in: tokenTtl } };
      }
      if (req.method === 'GET' && req.path === '/v2/shopping/flight-offers') {
        if (req.headers.authorization !== `Bearer tok-${tokensIssued}`)
          return { status: 401, body: { errors: [{ code: 38192, title: 'Access token expired' }] } };
        return onSearch(req);
      }
      return { status: 404, body: { errors: [{ title: 'not found' }] } };
    });
  });
  afterAll(() => amadeus.close());
  beforeEach(() => {
    amadeus.requests.length = 0;
    onSearch = () => ({ body: OFFERS });
    tokenTtl = 1799;
  });

  const localEnv = (extra: Record<string, string | undefined> = {}) => ({
    AMADEUS_BASE_URL: amadeus.url,
    OPS_PARAM_VALUE_AMADEUS_CLIENT_ID: CLIENT_ID,
    OPS_PARAM_VALUE_AMADEUS_CLIENT_SECRET: CLIENT_SECRET,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // nothing may reach AWS in these runs
    ...extra,
  });

  it('returns compact offers sorted by price, reusing one token across warm invocations', async () => {
    const run = await invoke([oneWay, oneWay], localEnv());
    const [first, second] = run.results;
    expect(first).toMatchObject({ statusCode: 200, origin: 'JFK', destination: 'LAX', departure_date: '2026-12-15', count: 3 });
    expect(first.offers.map((o: { id: string }) => o.id)).toEqual(['3', '2', '1']);
    expect(first.offers[1]).toEqual({
      id: '2',
      price: 245.3,
      currency: 'USD',
      carrier: 'B6',
      carrier_name: 'JETBLUE AIRWAYS',
      departure: { airport: 'JFK', at: '2026-12-15T14:00:00' },
      arrival: { airport: 'LAX', at: '2026-12-15T19:40:00' },
      stops: 1,
      duration: 'PT8H40M',
      flights: ['B6901', 'B61402'],
      seats_left: 9,
    });
    expect(second).toEqual(first);

    expect(run.token_requests).toBe(1);
    const [token] = tokenRequests();
    expect(tokenRequests()).toHaveLength(1);
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(searches()).toHaveLength(2);
    expect(Object.fromEntries(searches()[0].query)).toEqual({
      originLocationCode: 'JFK',
      destinationLocationCode: 'LAX',
      departureDate: '2026-12-15',
      adults: '1',
      max: '5',
    });
    expect(searches()[0].headers.authorization).toBe('Bearer tok-1');
  });

  it('passes round-trip options and returns the return itinerary', async () => {
    onSearch = () => ({
      body: {
        data: [
          {
            ...OFFERS.data[0],
            itineraries: [
              OFFERS.data[0].itineraries[0],
              { duration: 'PT5H', segments: [segment('LAX', 'JFK', '2027-03-17T09:00:00', '2027-03-17T17:00:00', 'AA', '2')] },
            ],
          },
        ],
      },
    });
    const {
      results: [res],
    } = await invoke([roundTrip], localEnv());
    expect(Object.fromEntries(searches()[0].query)).toEqual({
      originLocationCode: 'CLT',
      destinationLocationCode: 'LHR',
      departureDate: '2027-03-10',
      returnDate: '2027-03-17',
      adults: '2',
      max: '3',
      currencyCode: 'USD',
      nonStop: 'true',
    });
    expect(res).toMatchObject({ statusCode: 200, return_date: '2027-03-17', count: 1 });
    expect(res.offers[0].return).toMatchObject({ departure: { airport: 'LAX' }, arrival: { airport: 'JFK' }, stops: 0, flights: ['AA2'] });
  });

  it('rejects bad input with a 400 listing every problem, without calling Amadeus', async () => {
    const { results } = await invoke(
      [
        loadEvent('search_flights', 'invalid-request'),
        { origin: 'jfk', destination: 'JFK', departure_date: '2026-02-30', adults: true },
        { origin: 'JFK', destination: 'LAX', departure_date: '2026-12-15', return_date: '2026-12-01', max_results: 0 },
        ['not', 'an', 'object'],
      ],
      localEnv(),
    );
    expect(results[0]).toMatchObject({ statusCode: 400, error: 'invalid_request' });
    expect(results[0].details).toEqual([
      'origin: must be a 3-letter IATA airport code like JFK',
      'departure_date: must be a date YYYY-MM-DD',
      'adults: must be a whole number 1..9',
    ]);
    expect(results[1].details).toEqual([
      'destination: must differ from origin',
      'departure_date: must be a date YYYY-MM-DD',
      'adults: must be a whole number 1..9',
    ]);
    expect(results[2].details).toEqual(['return_date: must not be before departure_date', 'max_results: must be a whole number 1..50']);
    expect(results[3]).toMatchObject({ statusCode: 400, error: 'invalid_request' });
    expect(amadeus.requests).toHaveLength(0);
  });

  it('passes on what Amadeus rejects as a 400 with its detail', async () => {
    onSearch = () => ({
      status: 400,
      body: { errors: [{ status: 400, code: 425, title: 'INVALID DATE', detail: 'Date/Time is in the past' }] },
    });
    const {
      results: [res],
    } = await invoke([oneWay], localEnv());
    expect(res).toEqual({
      statusCode: 400,
      error: 'upstream_rejected',
      message: 'Amadeus flight search failed with HTTP 400: Date/Time is in the past',
      details: ['Date/Time is in the past'],
    });
  });

  it('gets a new token once when a search answers 401, and again after expiry', async () => {
    let first = true;
    onSearch = () => {
      if (!first) return { body: OFFERS };
      first = false;
      return { status: 401, body: { errors: [{ title: 'Access token expired' }] } };
    };
    const retried = await invoke([oneWay], localEnv());
    expect(retried.results[0].statusCode).toBe(200);
    expect(retried.token_requests).toBe(2);
    expect(searches()).toHaveLength(2);

    amadeus.requests.length = 0;
    tokenTtl = 60; // within the expiry margin: never reused
    const expiring = await invoke([oneWay, oneWay], localEnv());
    expect(expiring.results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('reports refused credentials and an unreachable API as 502s', async () => {
    const {
      results: [auth],
    } = await invoke([oneWay], localEnv({ OPS_PARAM_VALUE_AMADEUS_CLIENT_SECRET: 'wrong' }));
    expect(auth).toMatchObject({
      statusCode: 502,
      error: 'upstream_auth_failed',
      message: 'Amadeus authentication failed with HTTP 401: Client credentials are invalid',
    });

    const closed = await startStub(() => ({}));
    await closed.close();
    const {
      results: [down],
    } = await invoke([oneWay], localEnv({ AMADEUS_BASE_URL: closed.url }));
    expect(down).toMatchObject({ statusCode: 502, error: 'upstream_unavailable' });
    expect(down.message).toMatch(/^Amadeus could not be reached: .*refused/i);
  });

  it('answers an HTTP API event with an HTTP response', async () => {
    const event = {
      ...loadEvent('tasks-api', 'create-task'),
      routeKey: 'POST /flights/search',
      rawPath: '/flights/search',
      body: JSON.stringify(oneWay),
    };
    const {
      results: [res, bad],
    } = await invoke([event, { ...event, body: '{oops' }], localEnv());
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(res.body)).toMatchObject({ count: 3, origin: 'JFK' });
    expect(JSON.parse(res.body)).not.toHaveProperty('statusCode');
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'invalid_request', message: 'request body is not valid JSON' });
  });

  it('says which env var is missing when the params are not configured', async () => {
    const {
      results: [res],
    } = await invoke([oneWay], { AMADEUS_BASE_URL: amadeus.url });
    expect(res).toMatchObject({ statusCode: 500, error: 'configuration_error' });
    expect(res.message).toContain('OPS_PARAM_AMADEUS_CLIENT_ID nor OPS_PARAM_VALUE_AMADEUS_CLIENT_ID');
  });

  describe('with credentials in SSM (moto)', () => {
    const emu = useEmulator();
    const prefix = `/fn-flights-${uniqueSuffix()}/dev`;

    beforeAll(async () => {
      const ssm = new SSMClient(emu.clientConfig);
      await ssm.send(new PutParameterCommand({ Name: `${prefix}/amadeus/client-id`, Value: CLIENT_ID, Type: 'SecureString' }));
      await ssm.send(new PutParameterCommand({ Name: `${prefix}/amadeus/client-secret`, Value: CLIENT_SECRET, Type: 'SecureString' }));
      ssm.destroy();
    });

    it('reads both SecureStrings in one batched GetParameters and caches them for warm calls', async () => {
      const proxy = await emu.proxy();
      const run = await invoke([oneWay, oneWay, roundTrip], {
        ...proxy.env,
        AMADEUS_BASE_URL: amadeus.url,
        OPS_PARAM_AMADEUS_CLIENT_ID: `${prefix}/amadeus/client-id`,
        OPS_PARAM_AMADEUS_CLIENT_SECRET: `${prefix}/amadeus/client-secret`,
      });
      expect(run.results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(proxy.operations()).toEqual(['ssm.GetParameters']);
      expect(run.ssm_calls).toBe(1);
      // The decrypted values reached Amadeus.
      expect(new URLSearchParams(tokenRequests()[0].body).get('client_secret')).toBe(CLIENT_SECRET);
    });
  });
});
