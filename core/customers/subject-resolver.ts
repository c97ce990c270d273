/**
 * subject -> customer id. The customer whose `key` equals the subject wins;
 * otherwise the one listing it in `usageAttribution.subjectKeys`.
 * Implementations may cache in process, but a customer change made by any
 * process must be visible within a second.
 */
export interface SubjectResolver {
  /** Customer id, or undefined when no customer claims the subject. */
  resolve(subject: string): Promise<string | undefined>;
  /** `resolve` of each subject, in order; optional: a batch may then cost one await instead of one per subject. */
  resolveMany?(subjects: readonly string[]): Promise<Array<string | undefined>>;
}

/**
 * Called after a customer is created or updated so that it now claims
 * these subjects (its key and subject keys). The worker side implements it
 * by replaying the subjects' parked events into the customer's meters.
 */
export type SubjectsClaimedHook = (customerId: string, subjects: readonly string[]) => Promise<void>;
