import { describe, expect, it } from 'vitest';
import { keptNameSchema } from '../../../src/config/kept-name.js';
import { keptNameFor, sharedByStages } from '../../../src/config/resolve-kept-name.js';

describe('kept names', () => {
  it('fills {app} and {stage}, picks the stage of a by-stage name, and leaves other stages to the derived name', () => {
    expect(keptNameFor('autorescue-search-flights', 'ar', 'prod')).toBe('autorescue-search-flights');
    expect(keptNameFor('{app}-{stage}-search', 'ar', 'dev')).toBe('ar-dev-search');
    expect(keptNameFor({ prod: 'autorescue-search-flights' }, 'ar', 'prod')).toBe('autorescue-search-flights');
    expect(keptNameFor({ prod: 'autorescue-search-flights' }, 'ar', 'dev')).toBeUndefined();
    expect(keptNameFor(undefined, 'ar', 'dev')).toBeUndefined();
  });
  it('refuses unknown placeholders and an empty by-stage map', () => {
    const r = keptNameSchema.safeParse('{app}-{fn}');
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('unknown placeholder {fn}');
    expect(keptNameSchema.safeParse({}).success).toBe(false);
  });
  it('knows a name every stage would share', () => {
    expect(sharedByStages('autorescue-search-flights')).toBe(true);
    expect(sharedByStages('{app}-{stage}-x')).toBe(false);
    expect(sharedByStages({ prod: 'x' })).toBe(false);
  });
});
