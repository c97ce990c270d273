export const AGGREGATIONS = ['SUM', 'COUNT', 'UNIQUE_COUNT', 'AVG', 'MIN', 'MAX', 'LATEST'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** A meter definition, in OpenMeter v1's shape. */
export interface Meter {
  id: string;
  slug: string;
  name?: string;
  description?: string;
  aggregation: Aggregation;
  eventType: string;
  /** ISO-8601; events before it are ignored by this meter. */
  eventFrom?: string;
  /** JSONPath into `data`; absent for COUNT. */
  valueProperty?: string;
  /** groupBy key -> JSONPath into `data`. */
  groupBy: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
