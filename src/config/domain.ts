import * as z from 'zod';

/**
 * `api.domain`: a custom domain name for the fleet's API (an API Gateway v2 DomainName, regional, with an
 * existing ACM certificate), the API's stage mapped under `basePath`, and with `hostedZoneId` a Route 53
 * alias record. A different domain per stage comes from the config being a function of the stage. The schema;
 * what it resolves to: src/config/resolve-domain.ts.
 */

/** A DNS name of at least two labels, each 1-63 letters, digits or inner hyphens (API Gateway refuses the rest). */
const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** `arn:aws:acm:eu-west-1:123456789012:certificate/<id>` (any partition). */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** A base path: path segments without a leading or trailing `/` (API Gateway's ApiMappingKey). */
const BASE_PATH = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

export const domainSchema = z.strictObject({
  name: z
    .string()
    .regex(DOMAIN_NAME, 'a domain name is lowercase labels separated by dots (api.example.com), without a scheme, port or path'),
  /** The ARN of an issued ACM certificate for `name`, in the stage's region (a regional endpoint needs one there). */
  certificate: z.string().regex(ACM_CERTIFICATE_ARN, 'an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>'),
  /** The API under https://name/basePath (default: at the root). */
  basePath: z.string().regex(BASE_PATH, "a base path is path segments without a leading or trailing '/' (v1, api/v1)").optional(),
  /** A Route 53 hosted zone of `name`: ops upserts an alias A record to the domain's target. */
  hostedZoneId: z
    .string()
    // AWS's ids start with Z; the first letter is not checked (moto's do not).
    .regex(/^[A-Z0-9]{2,32}$/, 'a Route 53 hosted zone id: capital letters and digits (Z...), without /hostedzone/')
    .optional(),
  /** Take over a domain name of that name without the stage's tags (tagging it, never recreating it). */
  adopt: z.boolean().optional(),
});
