// OpenMeter v1 shapes, as Tally's API serves them.

export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject: string;
  time?: string;
  data?: unknown;
  [extension: string]: unknown;
}

export interface IngestedEvent {
  event: CloudEvent;
  customerId?: string;
  /** Several messages are joined with `\n`. */
  validationError?: string;
  ingestedAt: string;
  storedAt: string;
}

export interface Customer {
  id: string;
  key?: string;
  name: string;
  description?: string;
  metadata?: Record<string, string>;
  primaryEmail?: string;
  currency?: string;
  usageAttribution: { subjectKeys: string[] };
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

export type CustomerInput = Omit<Customer, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export interface CustomerPage {
  items: Customer[];
  page: number;
  pageSize: number;
  totalCount: number;
}

export const aggregations = ['SUM', 'COUNT', 'UNIQUE_COUNT', 'AVG', 'MIN', 'MAX', 'LATEST'] as const;
export type Aggregation = (typeof aggregations)[number];

export interface Meter {
  id: string;
  slug: string;
  name?: string;
  description?: string;
  aggregation: Aggregation;
  eventType: string;
  eventFrom?: string;
  valueProperty?: string;
  groupBy: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type MeterInput = Omit<Meter, 'id' | 'createdAt' | 'updatedAt'>;

export const windowSizes = ['MINUTE', 'HOUR', 'DAY', 'MONTH'] as const;
export type WindowSize = (typeof windowSizes)[number];

export interface MeterQueryRow {
  value: number;
  windowStart: string;
  windowEnd: string;
  subject?: string | null;
  customerId?: string | null;
  groupBy?: Record<string, string | null>;
}

export interface MeterQueryResult {
  from?: string;
  to?: string;
  windowSize?: WindowSize;
  data: MeterQueryRow[];
}
