import type { CommandSpec } from '../cli/command.js';
import apiKey from './api-key.js';
import { complete, completion } from './completion.js';
import config from './config.js';
import deploy from './deploy.js';
import destroy from './destroy.js';
import dev from './dev.js';
import doctor from './doctor.js';
import importCommand from './import.js';
import init from './init.js';
import invoke from './invoke.js';
import logs from './logs.js';
import metrics from './metrics.js';
import newCommand from './new.js';
import packageCommand from './package.js';
import params from './params.js';
import plan from './plan.js';
import rollback from './rollback.js';
import secrets from './secrets.js';
import smoke from './smoke.js';
import status from './status.js';
import unlock from './unlock.js';

/**
 * Every command, in help order. Command modules import nothing heavy at the top
 * (their handlers `await import()` what they need), so this list costs nothing at startup.
 */
export const commands: CommandSpec<any>[] = [
  init,
  newCommand,
  importCommand,
  config,
  packageCommand,
  plan,
  deploy,
  status,
  rollback,
  destroy,
  unlock,
  invoke,
  smoke,
  dev,
  params,
  secrets,
  apiKey,
  logs,
  metrics,
  doctor,
  completion,
  complete,
];
