import { createAggregatedClient } from '@smithy/core/client';

/**
 * The SDK's aggregated clients (`new IAM()`) import every command and schema of their service: esbuild
 * cannot drop what a class wires up at load, so each `ops deploy` compiled all of IAM, SSM, Lambda...
 * Each module here imports the bare client and only the commands ops sends, and builds the same
 * method-per-command client from them with the SDK's own `createAggregatedClient`.
 */

/** `GetRoleCommand` -> `getRole`, the name the SDK gives a command's method. */
type MethodOf<Key> = Key extends `${infer Name}Command` ? Uncapitalize<Name> : never;

/** The bare client `Bare` plus the methods of the aggregated `Full` whose commands are in `Commands`. */
export type Slim<Bare, Full, Commands> = Bare & Pick<Full, MethodOf<keyof Commands> & keyof Full>;

/** A factory of `Bare`'s subclass with one method per command. */
export function aggregate<Config, Client>(
  Bare: new (config: Config) => object,
  commands: Record<string, unknown>,
): (config: Config) => Client {
  class Aggregated extends Bare {}
  createAggregatedClient(commands, Aggregated as Parameters<typeof createAggregatedClient>[1]);
  return (config) => new Aggregated(config) as Client;
}
