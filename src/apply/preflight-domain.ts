import type { Aws } from '../aws/clients.js';
import { lookupCertificate } from '../aws/domains.js';
import { certificateRegion } from '../config/resolve-domain.js';
import type { Fleet } from '../config/types.js';
import type { PreflightProblem } from './preflight.js';

/** What the preflight found: problems stop the deploy before any write; warnings are printed. */
export interface Checks {
  problems: PreflightProblem[];
  warnings: string[];
}

/** Statuses from which a certificate never becomes usable: API Gateway refuses it. */
const DEAD = new Set(['FAILED', 'EXPIRED', 'REVOKED', 'VALIDATION_TIMED_OUT', 'INACTIVE']);

/** `*.example.com` covers `api.example.com` (one label), as TLS does. */
const covers = (certName: string, domain: string) =>
  certName === domain || (certName.startsWith('*.') && domain.split('.').slice(1).join('.') === certName.slice(2));

/**
 * `api.domain` (an HTTP or a REST API's): the certificate must be of the stage's region (a regional endpoint
 * takes only one of its own region), exist, be usable and name the domain. No call without a domain.
 */
export async function checkDomain(aws: Aws, fleet: Fleet): Promise<Checks> {
  const domain = fleet.api?.domain;
  if (!domain) return { problems: [], warnings: [] };
  const at = 'api.domain';
  const arn = domain.certificate;
  const region = certificateRegion(arn);
  if (region !== fleet.region) {
    const message = `certificate ${arn} is in ${region}: a regional custom domain in ${fleet.region} needs a certificate of ${fleet.region} (request or import one there)`;
    return { problems: [{ path: `${at}.certificate`, message }], warnings: [] };
  }
  const found = await lookupCertificate(aws, arn);
  if (found.kind === 'missing')
    return {
      problems: [
        {
          path: `${at}.certificate`,
          message: `certificate ${arn} does not exist: request it in ACM (aws acm request-certificate --domain-name ${domain.name}) or fix the ARN`,
        },
      ],
      warnings: [],
    };
  if (found.kind === 'unchecked')
    return { problems: [], warnings: [`${at}.certificate: could not check ${arn} (${found.reason}); deploying anyway`] };
  const { status, names } = found.value;
  const problems: PreflightProblem[] = [];
  const warnings: string[] = [];
  if (status && DEAD.has(status))
    problems.push({ path: `${at}.certificate`, message: `certificate ${arn} is ${status}: request a new one` });
  else if (status && status !== 'ISSUED')
    warnings.push(`${at}.certificate: certificate ${arn} is ${status}: API Gateway takes it only once ACM has issued it`);
  if (names.length && !names.some((n) => covers(n.toLowerCase(), domain.name)))
    problems.push({
      path: `${at}.certificate`,
      message: `certificate ${arn} is for ${names.join(', ')}, not ${domain.name}: use a certificate that names it`,
    });
  return { problems, warnings };
}

/** Two lists of checks as one. */
export const mergeChecks = (all: Checks[]): Checks => ({
  problems: all.flatMap((c) => c.problems),
  warnings: all.flatMap((c) => c.warnings),
});
