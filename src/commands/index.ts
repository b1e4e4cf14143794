import type { CommandSpec } from '../cli/command.js';
import config from './config.js';
import deploy from './deploy.js';
import destroy from './destroy.js';
import init from './init.js';
import invoke from './invoke.js';
import newCommand from './new.js';
import packageCommand from './package.js';
import plan from './plan.js';

/**
 * Every command, in help order. Command modules import nothing heavy at the top
 * (their handlers `await import()` what they need), so this list costs nothing at startup.
 */
export const commands: CommandSpec<any>[] = [init, newCommand, config, packageCommand, plan, deploy, destroy, invoke];
