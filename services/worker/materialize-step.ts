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
    const writes = new Map<string, WriteItem[]>();
    for (const item of items) {
      const { customerId } = item;
      if (customerId === undefined) continue;
      const write: WriteItem = { record: item.record, contributions: item.evaluation.contributions };
      const group = byCustomer.get(customerId);
      if (group) {
        group.push(item);
        writes.get(customerId)?.push(write);
      } else {
        byCustomer.set(customerId, [item]);
        writes.set(customerId, [write]);
      }
    }
    if (byCustomer.size === 0) return;
    const flags = await writer.write(writes);
    for (const [customerId, group] of byCustomer) {
      const applied = flags.get(customerId) ?? [];
      group.forEach((item, i) => {
        item.outcome = applied[i] ? 'applied' : 'duplicate';
      });
    }
  };
}
