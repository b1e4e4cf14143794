/** A custom domain name of the stage (API Gateway v2), as read. */
export interface ActualDomain {
  name: string;
  /** Tagged with the stage's ops:app / ops:stage; false: found by name only, read because the config adopts it. */
  owned: boolean;
  certificate?: string;
  endpointType?: string;
  securityPolicy?: string;
  /** What the user's DNS points at: the regional domain name (d-xxxx.execute-api.{region}.amazonaws.com). */
  target?: string;
  /** The Route 53 hosted zone of `target` (for an alias record). */
  targetZoneId?: string;
  tags: Record<string, string>;
  mappings: ActualApiMapping[];
}

export interface ActualApiMapping {
  id: string;
  apiId: string;
  stage: string;
  /** '' at the root. */
  key: string;
}

/** A Route 53 A record of a domain, as read (only in a zone the config or the API's marker names). */
export interface ActualDomainRecord {
  zoneId: string;
  name: string;
  /** The alias target's DNS name (without the trailing dot), when the record is an alias. */
  aliasTarget?: string;
  /** The alias target's hosted zone (a DELETE must name the record exactly). */
  aliasZoneId?: string;
}

/** The stage's custom domains (by name) and their Route 53 records; absent from Actual: not read. */
export interface ActualDomains {
  domains: Record<string, ActualDomain>;
  records: ActualDomainRecord[];
}
