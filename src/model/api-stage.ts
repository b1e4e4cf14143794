/** An API stage's throttling and access logs as read (API Gateway v2 GetStages, v1 GetStages' `*\/*` method settings). */
export interface ActualStageSettings {
  /** The default route throttling (v1: the `*\/*` method setting); absent: none set. */
  throttle?: { rateLimit?: number; burstLimit?: number };
  /** Absent: access logging off. */
  accessLog?: { destinationArn: string; format?: string };
  /** The throttle is ops' own (THROTTLE_MARKER_TAG on the HTTP API, on the REST API's stage): only then does its removal reset it. */
  throttleManaged?: boolean;
  /** Detailed metrics: v2 DefaultRouteSettings.DetailedMetricsEnabled, v1 `*\/*` metricsEnabled. */
  detailedMetrics?: boolean;
  /** v1 `*\/*` loggingLevel (execution logs), when not OFF. */
  loggingLevel?: string;
}
