/**
 * Lambda runtimes `ops` can build and run: the supported Node.js and Python ones. Kept apart from the
 * schema so command definitions can name them without loading zod.
 */
export const RUNTIMES = ['nodejs24.x', 'nodejs22.x', 'nodejs20.x', 'python3.14', 'python3.13', 'python3.12', 'python3.11'] as const;
export type Runtime = (typeof RUNTIMES)[number];
