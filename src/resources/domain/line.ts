import type { Fleet } from '../../config/types.js';
import type { Actual } from '../../model/actual.js';
import type { DomainLine } from '../../ui/domain.js';

/**
 * The custom domain to print after a deploy and in `ops status`: its URL and its target DNS name, from the
 * read, or (`created`) from the detail of this run's `domain.create` (`target d-...`). Pure.
 */
export function domainLine(fleet: Fleet, actual: Pick<Actual, 'domains'>, created?: string): DomainLine | undefined {
  const want = fleet.api?.domain;
  if (!want) return undefined;
  const target = created?.replace(/^target /, '') || actual.domains?.domains[want.name]?.target;
  return { url: `https://${want.name}${want.basePath ? `/${want.basePath}` : ''}`, ...(target ? { target } : {}) };
}
