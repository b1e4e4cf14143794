import { readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { entrySnippet, findFunctionsBlock, insertFunction } from '../../../src/scaffold/config-edit.js';
import { scan } from '../../../src/scaffold/scan.js';

const entry = { handler: 'src/functions/users/handler.ts', routes: ['GET /users/{id}'] };

/** Inserts `users` and checks the result still compiles; returns the new source. */
function insert(src: string, key = 'users', e: typeof entry | { handler: string } = entry): string {
  const r = insertFunction(src, key, e);
  if (!r.ok) throw new Error(r.reason);
  expect(() => transformSync(r.source, { loader: 'ts' })).not.toThrow();
  return r.source;
}

/** Evaluates `export default { ... }`-style source without a loader: the object after `=`. */
const objectOf = (src: string) => new Function(`return ${src.slice(src.indexOf('{'))}`)() as { functions: Record<string, unknown> };

describe('insertFunction', () => {
  it('appends after a trailing comma, matching indentation', () => {
    const src = `export default defineFleet({
  app: 'a',
  functions: {
    api: { handler: 'src/functions/api/handler.ts' },
  },
});
`;
    expect(insert(src)).toBe(`export default defineFleet({
  app: 'a',
  functions: {
    api: { handler: 'src/functions/api/handler.ts' },
    users: {
      handler: 'src/functions/users/handler.ts',
      routes: ['GET /users/{id}'],
    },
  },
});
`);
  });

  it('adds the missing comma and keeps a file without trailing commas without them', () => {
    const src = `const fleet = {
    app: "a",
    functions: {
        api: { handler: "src/functions/api/handler.ts" } // the API, { yes }
    }
}`;
    expect(insert(src)).toBe(`const fleet = {
    app: "a",
    functions: {
        api: { handler: "src/functions/api/handler.ts" }, // the API, { yes }
        users: {
            handler: "src/functions/users/handler.ts",
            routes: ["GET /users/{id}"]
        }
    }
}`);
  });

  it('is not fooled by braces in comments, strings, template literals and regexes', () => {
    const src = `export default {
  app: 'a', // functions: { not: this }
  /* functions: { nor: this } } */
  functions: {
    'a-b': {
      handler: 'src/a.ts',
      description: 'uses { and } and \\' quotes',
      environment: { PATTERN: \`\${ { x: '}' }.x }\`, RE: String(/[}{]/) },
    },
  },
};`;
    const out = insert(src);
    expect(Object.keys(objectOf(out).functions)).toEqual(['a-b', 'users']);
    expect(findFunctionsBlock(src)).toMatchObject({ keys: ['a-b'], dynamicKeys: false });
  });

  it('inserts after nested objects and arrays, before a trailing comment', () => {
    const src = `export default {
  functions: {
    api: {
      handler: 'x.ts',
      permissions: [{ Action: ['s3:GetObject'], Resource: '*', Condition: { StringEquals: { a: 'b' } } }],
    },
    // more later { }
  },
  tags: { a: 'b' },
};`;
    const out = insert(src);
    expect(out).toContain(`    // more later { }\n    users: {\n`);
    expect(Object.keys(objectOf(out).functions)).toEqual(['api', 'users']);
  });

  it('fills an empty object, inline or on two lines', () => {
    expect(insert(`export default { app: 'a', functions: {} };`, 'x', { handler: 'x.ts' })).toBe(
      `export default { app: 'a', functions: {\n  x: {\n    handler: 'x.ts',\n  },\n} };`,
    );
    expect(insert(`export default {\n\tfunctions: {\n\t},\n};`, 'x', { handler: 'x.ts' })).toBe(
      `export default {\n\tfunctions: {\n\t\tx: {\n\t\t\thandler: 'x.ts',\n\t\t},\n\t},\n};`,
    );
  });

  it('keeps a one-line object valid', () => {
    const out = insert(`export default {\n  functions: { a: { handler: 'a.ts' } },\n};`);
    expect(Object.keys(objectOf(out).functions)).toEqual(['a', 'users']);
  });

  it('quotes keys that are not identifiers and escapes quotes in values', () => {
    const out = insert(`x = { functions: {\n  a: {},\n} }`, 'send-email', { handler: "it's.ts" });
    expect(out).toContain(`  'send-email': {\n    handler: 'it\\'s.ts',\n  },`);
  });

  it('edits the repo config without disturbing it', () => {
    const src = readFileSync(path.resolve(import.meta.dirname, '../../../ops.config.ts'), 'utf8');
    const block = findFunctionsBlock(src);
    expect(block).toMatchObject({
      keys: ['tasks-api', 'tasks-worker', 'search-flights', 'health-check', 'gateway'],
      trailingComma: true,
      entryIndent: '    ',
    });
    const out = insert(src);
    expect(out.replace(/ {4}users: \{\n[\s\S]*?\n {4}\},\n/, '')).toBe(src);
  });

  it.each([
    ['a shorthand property', `const functions = {}; export default { functions };`, /no `functions/],
    ['a variable', `export default { functions: fns };`, /no `functions/],
    ['two candidates', `export default (s) => s === 'prod' ? { functions: {} } : { functions: {} };`, /2 `functions/],
    ['an unterminated string', `export default { functions: { a: 'x } };`, /unterminated string at 1:34/],
    ['unbalanced brackets', `export default { functions: { a: [ } };`, /unbalanced/],
  ])('refuses %s', (_, src, reason) => {
    const r = insertFunction(src, 'users', entry);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('refuses a key that is already there, quoted or not', () => {
    expect(insertFunction(`x = { functions: { users: {} } }`, 'users', entry)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('already'),
    });
    expect(insertFunction(`x = { functions: { "send-email": {} } }`, 'send-email', entry)).toMatchObject({ ok: false });
  });

  it('notices spread and computed keys', () => {
    expect(findFunctionsBlock(`x = { functions: { ...shared, [name]: {}, b: {} } }`)).toMatchObject({ keys: ['b'], dynamicKeys: true });
  });
});

describe('scan', () => {
  it('tells division from a regex literal', () => {
    const r = scan(`const a = b / c / d; const re = /}/g; const t = (1) / 2;`);
    expect('tokens' in r && r.tokens.filter((t) => t.value === '}')).toEqual([]);
  });
});

describe('a trigger hint', () => {
  it('is the last line of the entry, commented out: the source still compiles with or without a trailing comma', () => {
    const hint = "triggers: [{ sqs: '<queue key in resources>' }],";
    for (const src of ["x = { functions: { api: { handler: 'a.ts' }, } }", "x = { functions: { api: { handler: 'a.ts' } } }"]) {
      const r = insertFunction(src, 'jobs', { handler: 'h.ts' }, hint);
      if (!r.ok) throw new Error(r.reason);
      expect(r.source).toMatch(/handler: 'h\.ts',?\n +\/\/ triggers: \[\{ sqs: '<queue key in resources>' \}\],\n/);
      expect(() => transformSync(r.source, { loader: 'ts' })).not.toThrow();
      expect(objectOf(r.source).functions.jobs).toEqual({ handler: 'h.ts' });
    }
    expect(entrySnippet('jobs', { handler: 'h.ts' }, hint)).toBe(`    jobs: {\n      handler: 'h.ts',\n      // ${hint}\n    },`);
  });
});

describe('entrySnippet', () => {
  it('is what a person pastes under functions:', () => {
    expect(entrySnippet('send-email', { handler: 'h.ts', runtime: 'nodejs20.x' })).toBe(
      `    'send-email': {\n      handler: 'h.ts',\n      runtime: 'nodejs20.x',\n    },`,
    );
  });
});
