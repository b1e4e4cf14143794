import type { RouteSpec } from '../../config/types.js';
import type { ActualRestMethod } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';

/** A method's apiKeyRequired against its route's `apiKey` (src/config/api-keys.ts); keys and plans are src/resources/api-keys. */
export function apiKeyDiff(have: ActualRestMethod, route: RouteSpec | undefined): FieldDiff[] {
  const want = route?.apiKey === true;
  const had = have.apiKeyRequired === true;
  return want === had ? [] : [{ field: 'apiKeyRequired', from: String(had), to: String(want) }];
}

/** The method change's key fields: what PutMethod sends, and what an existing method holds (for UpdateMethod's patch). */
export const methodKeyFields = (have: ActualRestMethod | undefined, route: RouteSpec | undefined) => ({
  ...(route?.apiKey ? { keyRequired: true as const } : {}),
  ...(have?.apiKeyRequired ? { haveKeyRequired: true as const } : {}),
});
