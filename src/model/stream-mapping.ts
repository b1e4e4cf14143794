/** The settings of a DynamoDB stream's event source mapping that ops manages, as ListEventSourceMappings reports them. */
export interface StreamMappingSettings {
  /** Lambda cannot change it on a mapping: a new one replaces it. */
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  batchSize: number;
  batchWindowSeconds: number;
  /** FilterCriteria patterns, JSON with sorted keys, in the config's order. */
  filters: string[];
  bisectOnError: boolean;
  /** -1: until the record expires. */
  retryAttempts: number;
  /** -1: no limit. */
  maxRecordAgeSeconds: number;
  /** DestinationConfig.OnFailure's ARN; absent: none. */
  onFailure?: string;
}

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
