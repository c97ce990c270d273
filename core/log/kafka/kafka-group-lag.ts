import type { Kafka } from 'kafkajs';
import { lazyConnect } from './kafka-log.js';

export interface GroupLag {
  /** Records published but not yet committed by the group, over every partition of the topic. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

/** The group's lag, read through an admin client of its own (connected on first use). */
export function createGroupLag({ kafka, groupId, topic }: { kafka: Kafka; groupId: string; topic: string }): GroupLag {
  const admin = kafka.admin();
  const connectAdmin = lazyConnect(admin);
  return {
    async lag() {
      await connectAdmin();
      const [committed, offsets] = await Promise.all([
        admin.fetchOffsets({ groupId, topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]);
      const committedByPartition = new Map(
        (committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]),
      );
      let lag = 0n;
      for (const { partition, high, low } of offsets) {
        const position = committedByPartition.get(partition) ?? -1n;
        lag += BigInt(high) - (position >= 0n ? position : BigInt(low));
      }
      return Number(lag);
    },
    close: () => admin.disconnect(),
  };
}
