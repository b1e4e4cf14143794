/** A REST API's keys and usage plans as read from API Gateway (owned by tags); never a key's value. */

export interface ActualApiKey {
  id: string;
  name: string;
  enabled: boolean;
  description: string;
  tags: Record<string, string>;
}

export interface ActualUsagePlan {
  id: string;
  name: string;
  description: string;
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string; offset: number };
  /** `{apiId}:{stage}` of each attached stage. */
  stages: string[];
  /** Ids of the keys attached (GetUsagePlanKeys). */
  keyIds: string[];
  tags: Record<string, string>;
}

/** The stage's keys and usage plans: those tagged `ops:app` / `ops:stage`, each named by its `ops:resource` tag. */
export interface ActualApiKeys {
  keys: ActualApiKey[];
  plans: ActualUsagePlan[];
}

/** A usage plan as the config wants it (the planner's want, the writer's input), without its stage. */
export interface UsagePlanWant {
  name: string;
  description: string;
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string; offset: number };
  tags: Record<string, string>;
}
