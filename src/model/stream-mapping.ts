import type { DynamoTriggerSpec } from '../config/types.js';

/**
 * The settings of a DynamoDB stream's event source mapping that ops manages, as ListEventSourceMappings reports them:
 * the trigger's own fields, with `onFailure` always an ARN here (DestinationConfig.OnFailure; absent: none).
 */
export type StreamMappingSettings = Omit<DynamoTriggerSpec, 'kind' | 'table'>;

/** An event source mapping from a table's stream to one of the stage's functions. */
export interface ActualStreamMapping extends StreamMappingSettings {
  uuid: string;
  streamArn: string;
  /** The table's name, from the stream ARN. */
  table: string;
  /** Without a qualifier. */
  functionName: string;
  state: string;
}

export const STREAM_SETTING_KEYS: (keyof StreamMappingSettings)[] = [
  'startingPosition',
  'batchSize',
  'batchWindowSeconds',
  'filters',
  'bisectOnError',
  'retryAttempts',
  'maxRecordAgeSeconds',
  'onFailure',
];

/** The names of the settings that differ, in display order. */
export function streamMappingDiffs(want: StreamMappingSettings, have: StreamMappingSettings): (keyof StreamMappingSettings)[] {
  const same = (k: keyof StreamMappingSettings) => JSON.stringify(want[k] ?? null) === JSON.stringify(have[k] ?? null);
  return STREAM_SETTING_KEYS.filter((k) => !same(k));
}
