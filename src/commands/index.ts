import type { CommandSpec } from '../cli/command.js';
import config from './config.js';

/**
 * Every command, in help order. Command modules import nothing heavy at the top
 * (their handlers `await import()` what they need), so this list costs nothing at startup.
 */
export const commands: CommandSpec<any>[] = [config];
