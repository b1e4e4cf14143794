/**
 * The import rules of ops's structure (issue 13 item 5), checked by `npm run lint` (depcruise src).
 * Each rule's comment says what it keeps out and why; test/unit/lint/depcruise.test.ts shows each one firing.
 * Paths are relative to the directory depcruise runs in (the repo root; the test runs it in fixture trees).
 */

// A package as depcruise names it: resolved into node_modules, or bare when it is not installed (test fixtures).
const npm = (name) => [`^${name}`, `(^|/)node_modules/${name}`];
const AWS_SDK = npm('@(aws-sdk|smithy)/');

// Modules that perform I/O (AWS, files, processes, network, the terminal): the pure planners import none of them.
const IO_MODULES = [
  '^src/(aws|apply|cli|commands|ui)/',
  // The other areas run things too (builds, servers, local invokes, log tails); src/config/load.ts runs esbuild.
  '^src/(dev|emulator|invoke|logs|metrics|package|params|scaffold|smoke)/',
  '^src/config/load\\.ts$',
  ...AWS_SDK,
  '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|readline|worker_threads)$',
  ...npm('execa(/|$)'),
];

// The pure planners: src/plan, and in src/resources the files named plan*.ts or under a plan/ folder
// (a resource module there may also hold the code that reads and applies its kind).
// (Each pattern is written twice, for the top level and below it: depcruise refuses nested quantifiers.)
const PLANNERS = [
  '^src/plan/',
  '^src/resources/plan[^/]*\\.ts$',
  '^src/resources/.*/plan[^/]*\\.ts$',
  '^src/resources/plan/',
  '^src/resources/.*/plan/',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle in src/ makes load order matter and the layers meaningless. A cycle with an ' +
        '`import type` edge in it is allowed: that edge is erased at run time, so nothing loads in a circle, ' +
        'and a type shared both ways (a client type and its retry helper, a model and its renderer) is not ' +
        'worth a third file. Layer crossings that a type import makes are caught by the rules below.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'aws-sdk-only-in-aws',
      severity: 'error',
      comment:
        'AWS SDK calls live in src/aws (and in the Lambda handlers under src/functions, which run in AWS): ' +
        'everything else goes through src/aws, so retries, timeouts and the emulator endpoint are set in one place.',
      from: { path: '^src/', pathNot: ['^src/aws/', '^src/functions/'] },
      to: { path: AWS_SDK },
    },
    {
      name: 'planners-are-pure',
      severity: 'error',
      comment:
        'The planners turn desired × actual state into changes and nothing else: no AWS, no files, no ' +
        'processes, no network, no prompts or rendering, no commands. Type-only imports count too: they are ' +
        'still a dependency on that layer.',
      from: { path: PLANNERS },
      to: { path: IO_MODULES },
    },
    {
      name: 'commands-only-from-cli',
      severity: 'error',
      comment:
        'src/commands holds the argv definitions; the areas (apply, invoke, dev, params, ...) are imported ' +
        'by them, never the other way round. Shared setup lives in src/cli/setup.ts.',
      from: { path: '^src/', pathNot: ['^src/commands/', '^src/cli/'] },
      to: { path: '^src/commands/' },
    },
    {
      name: 'ui-renders-only',
      severity: 'error',
      comment: 'src/ui renders what it is given: it reads nothing from AWS itself.',
      from: { path: '^src/ui/' },
      to: { path: ['^src/aws/', ...AWS_SDK] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/functions/.*/events/', '\\.d\\.ts$'] },
    // See type-only imports (they are erased before run time, but they are still a dependency on a layer).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
