import type { MeterWriter, WriteItem } from '../../core/meters/meter-writer.js';
import type { BatchItem, BatchStep } from './batch-item.js';

/**
 * Applies every resolved item (meter updates and dedupe marker, one script
 * per customer chunk) and marks it applied or duplicate. Items without a
 * meter still pass through so that their duplicates are recognized too.
 */
export function createMaterializeStep({ writer }: { writer: MeterWriter }): BatchStep {
  return async (items) => {
    const byCustomer = new Map<string, BatchItem[]>();
    for (const item of items) {
      if (item.customerId === undefined) continue;
      const group = byCustomer.get(item.customerId) ?? [];
      group.push(item);
      byCustomer.set(item.customerId, group);
    }
    if (byCustomer.size === 0) return;
    const writes = new Map<string, WriteItem[]>();
    for (const [customerId, group] of byCustomer) {
      writes.set(customerId, group.map((item) => ({ record: item.record, contributions: item.evaluation.contributions })));
    }
    const flags = await writer.write(writes);
    for (const [customerId, group] of byCustomer) {
      const applied = flags.get(customerId) ?? [];
      group.forEach((item, i) => {
        item.outcome = applied[i] ? 'applied' : 'duplicate';
      });
    }
  };
}
