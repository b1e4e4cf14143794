/**
 * An SNS topic in the shape the topic planner compares, normalized from GetTopicAttributes, ListTagsForResource
 * and ListSubscriptionsByTopic (src/aws/sns-topics.ts).
 */

/** A subscription of a topic to something that is not a Lambda function (those belong to the `subscription` kind). */
export interface ActualTopicSubscription {
  /** `PendingConfirmation` (an email or https endpoint that has not confirmed yet) is not an ARN: it cannot be unsubscribed. */
  arn: string;
  protocol: string;
  endpoint: string;
  /** The filter policy as SNS holds it (JSON text), when there is one (not read for pending ones). */
  filterPolicy?: string;
}

export interface ActualTopic {
  name: string;
  arn: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  tags: Record<string, string>;
  /** Its non-Lambda subscriptions (read for owned topics and for unowned ones with a desired name). */
  subscriptions: ActualTopicSubscription[];
}

/** The topics the read found: owned by the stage's tags, and those with a desired name but not ours. */
export interface ActualTopics {
  /** By physical name. */
  owned: Record<string, ActualTopic>;
  /** By physical name: untagged, or another app's or stage's. The plan stops on them unless `adopt`. */
  unowned: Record<string, ActualTopic>;
}

/** True for an endpoint that is a Lambda function or alias ARN: the `subscription` kind's, never the topic kind's. */
export const isLambdaEndpoint = (protocol: string, endpoint: string) => protocol === 'lambda' || /^arn:[^:]+:lambda:/.test(endpoint);

/** A subscription's identity on a topic: SNS keeps one per protocol and endpoint. */
export const subscriptionKey = (s: { protocol: string; endpoint: string }) => `${s.protocol}\0${s.endpoint}`;
