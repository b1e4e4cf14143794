// What `ops init` and `ops new` load in their handlers, in one lazy import.
export { appNameProblem, functionNameProblem, newFunctionProblems, normalizeRoute } from './check.js';
export { entrySnippet, findFunctionsBlock, insertFunction } from './config-edit.js';
export { renderPackageAdditions } from './fleet-package.js';
export { planInitPackage } from './init-package.js';
export { EVENT_KINDS, type EventKind, type FileToWrite, type FunctionEntry, planInit, planNewFunction, sanitizeAppName } from './plan.js';
export { initNextSteps, newFunctionNextSteps, renderCreated, renderNextSteps } from './render.js';
export { packageTemplates, renderTemplate, templatesDir } from './templates.js';
export { existingPaths, writeNewFiles } from './write.js';
