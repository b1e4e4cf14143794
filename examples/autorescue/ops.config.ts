import { defineFleet } from 'ops';

// Seed 000 (AutoRescue): two Python tool targets of an AgentCore Gateway. Both run under the one
// role the rest of AutoRescue already uses, so ops manages no role here; the Amadeus credentials
// are SecureString params instead of plain environment variables.
// In prod the functions keep the seed's names and are adopted in place (tagged, never recreated): the
// gateway's targets and every `aws lambda invoke --function-name AutoRescue-...` keep working. Other
// stages get ops's names (autorescue-<stage>-search-flights), so they never touch prod's functions.
export default defineFleet({
  app: 'autorescue',
  region: 'us-east-1',
  role: 'arn:aws:iam::123456789012:role/AutoRescueLambdaExecutionRole',
  defaults: { runtime: 'python3.12', memory: 256, timeout: 30, logRetentionDays: 30 },
  params: {
    'amadeus/client-id': { secure: true, description: 'Amadeus API client id' },
    'amadeus/client-secret': { secure: true, description: 'Amadeus API client secret' },
  },
  // The AgentCore Gateway invokes the functions with its own role; there is no HTTP API.
  api: false,
  functions: {
    'search-flights': {
      handler: 'lambda_functions/search_flights/lambda_function.lambda_handler',
      description: 'AutoRescue-SearchFlights: Amadeus flight offers search',
      name: { prod: 'AutoRescue-SearchFlights' },
      adopt: true,
      params: ['amadeus/client-id', 'amadeus/client-secret'],
      environment: { AMADEUS_BASE_URL: 'https://test.api.amadeus.com' },
    },
    'analyze-disruption': {
      handler: 'lambda_functions/analyze_disruption/lambda_function.lambda_handler',
      description: 'AutoRescue-AnalyzeDisruption: rebooking options over a multi-date search',
      name: { prod: 'AutoRescue-AnalyzeDisruption' },
      adopt: true,
      params: ['amadeus/client-id', 'amadeus/client-secret'],
      environment: { AMADEUS_BASE_URL: 'https://test.api.amadeus.com', SEARCH_DAYS: '3' },
    },
  },
});
