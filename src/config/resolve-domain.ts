import type * as z from 'zod';
import type { domainSchema } from './domain.js';

/* `api.domain` resolved (the schema: src/config/domain.ts). Zod-free at run time. */

/** The region of an ACM certificate ARN. */
export const certificateRegion = (arn: string): string => arn.split(':')[3] ?? '';

/** `api.domain` resolved: the same fields, `basePath` '' for the root (API Gateway's empty ApiMappingKey). */
export interface DomainSpec {
  name: string;
  certificate: string;
  basePath: string;
  hostedZoneId?: string;
  adopt: boolean;
}

export const resolveDomain = (raw: z.infer<typeof domainSchema> | undefined): DomainSpec | undefined =>
  raw && {
    name: raw.name,
    certificate: raw.certificate,
    basePath: raw.basePath ?? '',
    ...(raw.hostedZoneId ? { hostedZoneId: raw.hostedZoneId } : {}),
    adopt: raw.adopt ?? false,
  };
