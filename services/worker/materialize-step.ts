import type { MeterWriter, WriteItem } from '../../core/meters/meter-writer.js';
import type { BatchItem, BatchStep } from './batch-item.js';

/** A resolved item as the writer takes it, the item itself kept beside it for its outcome. */
interface Write extends WriteItem {
  item: BatchItem;
}

/**
 * Applies every resolved item (meter updates and dedupe marker, one script
 * per customer chunk) and marks it applied or duplicate. Items without a
 * meter still pass through so that their duplicates are recognized too.
 */
export function createMaterializeStep({ writer }: { writer: MeterWriter }): BatchStep {
  return async (items) => {
    const writes = new Map<string, Write[]>();
    for (const item of items) {
      const { customerId } = item;
      if (customerId === undefined) continue;
      const write: Write = { record: item.record, contributions: item.evaluation.contributions, item };
      const group = writes.get(customerId);
      if (group) group.push(write);
      else writes.set(customerId, [write]);
    }
    if (writes.size === 0) return;
    const flags = await writer.write(writes);
    for (const [customerId, group] of writes) {
      const applied = flags.get(customerId);
      for (let i = 0; i < group.length; i++) (group[i] as Write).item.outcome = applied?.[i] ? 'applied' : 'duplicate';
    }
  };
}
