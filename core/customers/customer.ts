/** A customer in OpenMeter v1's shape. */
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
