import { subscribeFunction, unsubscribeFunction, updateSubscription } from '../../aws/sns.js';
import { POLICY_MARKER_TAG } from '../../config/naming.js';
import { defineKind } from '../kind.js';
import { planSubscriptions, type SubscriptionChange } from './plan.js';
import { readStageSubscriptions } from './read.js';

/** SNS subscriptions of a function's `live` to the topics the config names, with the permission that lets them invoke it. */
export const subscription = defineKind<SubscriptionChange>({
  kind: 'subscription',
  // A function may subscribe to a topic the fleet declares: planned (and created) first.
  after: ['function', 'topic'],
  changes: ['subscription.create', 'subscription.update', 'subscription.delete'],
  marks: { [POLICY_MARKER_TAG]: ['subscription.create', 'subscription.update', 'subscription.delete'] },
  async read(aws, scope, r) {
    const subs = await readStageSubscriptions(aws, scope, r);
    return { actual: subs.length ? { subscriptions: subs } : {} };
  },
  plan: planSubscriptions,
  apply: {
    'subscription.create': (c, run) =>
      subscribeFunction(run.aws, {
        topicArn: c.topicArn,
        endpoint: c.endpoint,
        filterPolicy: c.filterPolicy,
        functionName: c.name,
        statementId: c.statementId,
      }),
    'subscription.update': (c, run) =>
      updateSubscription(run.aws, c.subscriptionArn, {
        filter: c.filter,
        ...(c.permission ? { permission: { functionName: c.name, statementId: c.statementId, topicArn: c.topicArn } } : {}),
      }),
    'subscription.delete': (c, run) =>
      unsubscribeFunction(run.aws, { subscriptionArn: c.subscriptionArn, functionName: c.name, statementId: c.statementId }),
  },
});
