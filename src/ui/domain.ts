import type { ChalkInstance } from 'chalk';

/** The custom domain's URL and what the user's DNS must point at (absent: AWS gave none, or it is not made yet). */
export interface DomainLine {
  url: string;
  target?: string;
}

/** `Domain: https://api.example.com/v1 (DNS: CNAME or alias A → d-abc.execute-api.eu-west-1.amazonaws.com)`. Pure. */
export function renderDomain(d: DomainLine | undefined, c: ChalkInstance): string[] {
  if (!d) return [];
  const dns = d.target ? `DNS: CNAME or alias A → ${c.cyan(d.target)}` : 'DNS target not known yet: see ops status';
  return [`Domain: ${c.cyan(d.url)} (${dns})`];
}
