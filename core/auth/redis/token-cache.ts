import type { Redis } from 'ioredis';
import type { Principal } from '../scope.js';

/**
 * A process-local cache of live tokens (hash -> principal), so an ingest
 * request does not pay a Redis round trip for its token. Revocation still
 * takes effect at once: the token store publishes every revoked hash on
 * `channel` in the same MULTI that deletes it, and every process drops the
 * hash as soon as the message arrives. The cache answers only while its
 * subscription is live: when the subscriber connection drops it forgets
 * everything and every lookup goes to Redis until it has resubscribed.
 */
export interface TokenCache {
  /** The cached principal, or `load()` — cached only if no revocation arrived while it ran. */
  lookup(hash: string, load: () => Promise<Principal | undefined>): Promise<Principal | undefined>;
  /** Drops `hash` in this process now (others hear it on the channel). */
  forget(hash: string): void;
  close(): void;
}

export interface TokenCacheOptions {
  /** A connection of its own: a subscribed ioredis client can run no other command. */
  subscriber: Redis;
  channel: string;
  /** Upper bound on an entry's age, a safety net beside the revocation channel. */
  maxAgeMs: number;
  maxEntries: number;
}

export function revocationChannel(prefix: string): string {
  return `${prefix}auth:revoked`;
}

export function createTokenCache({ subscriber, channel, maxAgeMs, maxEntries }: TokenCacheOptions): TokenCache {
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  let live = false;
  // Bumped by every revocation and every lost subscription: a load that started before must not be cached.
  let generation = 0;
  // Bumped by every lost connection: a subscribe that started before does not make the cache live.
  let connection = 0;

  const invalidateAll = () => {
    live = false;
    generation++;
    connection++;
    entries.clear();
  };
  const subscribe = () => {
    const started = connection;
    subscriber.subscribe(channel).then(
      () => {
        if (connection === started && subscriber.status === 'ready') live = true;
      },
      () => invalidateAll(),
    );
  };

  subscriber.on('message', (from: string, hash: string) => {
    if (from !== channel) return;
    generation++;
    entries.delete(hash);
  });
  subscriber.on('close', invalidateAll);
  subscriber.on('error', () => undefined); // reconnects on its own; `close` already invalidated
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();

  return {
    async lookup(hash, load) {
      if (live) {
        const hit = entries.get(hash);
        if (hit && hit.expiresAt > Date.now()) return hit.principal;
      }
      const started = generation;
      const principal = await load();
      if (principal && live && generation === started) {
        if (entries.size >= maxEntries) entries.clear();
        entries.set(hash, { principal, expiresAt: Date.now() + maxAgeMs });
      }
      return principal;
    },
    forget(hash) {
      generation++;
      entries.delete(hash);
    },
    close() {
      invalidateAll();
      subscriber.disconnect();
    },
  };
}
