import { defineFleet } from 'opsfleet';

// The fleet: every function, its route and its settings. `ops config` shows it resolved
// for a stage; `ops new function <name>` adds a function here.
export default defineFleet({
  app: '{{app}}',
  region: '{{region}}',
  defaults: { runtime: '{{runtime}}', memory: 256, timeout: 30, logRetentionDays: 30 },
  functions: {
    hello: {
      handler: '{{handler}}',
      description: 'Says hello as JSON',
      routes: ['{{route}}'],
    },
  },
});
