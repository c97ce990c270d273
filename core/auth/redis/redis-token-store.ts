import type { Redis } from 'ioredis';
import { ulid } from 'ulid';
import type { Principal } from '../scope.js';
import { generateToken, hashToken } from '../token-hash.js';
import type { TokenInfo, TokenStore } from '../token-store.js';
import { revocationChannel, type TokenCache } from './token-cache.js';

interface StoredInfo extends TokenInfo {
  hash: string;
}

export interface RedisTokenStoreOptions {
  redis: Redis;
  prefix: string;
  /** Process-local cache of live tokens; without it every lookup reads Redis. */
  cache?: TokenCache;
}

/**
 * Tokens in Redis: `<prefix>auth:token:<sha256>` -> principal (present only
 * while the token is live, so revocation is one DEL seen by every process at
 * once), and the hash `<prefix>auth:tokens` id -> info for the admin API.
 * Every DEL of a token key is published on the revocation channel in the
 * same MULTI, so that the token caches of every process drop it at once.
 */
export function createRedisTokenStore({ redis, prefix, cache }: RedisTokenStoreOptions): TokenStore {
  const tokenKey = (hash: string) => `${prefix}auth:token:${hash}`;
  const indexKey = `${prefix}auth:tokens`;
  const channel = revocationChannel(prefix);

  const readInfo = async (id: string): Promise<StoredInfo | undefined> => {
    const raw = await redis.hget(indexKey, id);
    return raw === null ? undefined : (JSON.parse(raw) as StoredInfo);
  };
  const save = async (stored: StoredInfo) => {
    const principal: Principal = { tokenId: stored.id, scopes: stored.scopes };
    // Published too: a token re-ensured with other scopes must not keep its cached ones.
    await redis
      .multi()
      .set(tokenKey(stored.hash), JSON.stringify(principal))
      .hset(indexKey, stored.id, JSON.stringify(stored))
      .publish(channel, stored.hash)
      .exec();
    cache?.forget(stored.hash);
  };
  const readPrincipal = async (hash: string): Promise<Principal | undefined> => {
    const raw = await redis.get(tokenKey(hash));
    return raw === null ? undefined : (JSON.parse(raw) as Principal);
  };
  const publicInfo = ({ hash: _hash, ...info }: StoredInfo): TokenInfo => info;

  return {
    authenticate(token) {
      const hash = hashToken(token);
      return cache ? cache.lookup(hash, () => readPrincipal(hash)) : readPrincipal(hash);
    },
    async create({ name, scopes }) {
      const token = generateToken();
      const stored: StoredInfo = { id: ulid(), name, scopes, createdAt: new Date().toISOString(), hash: hashToken(token) };
      await save(stored);
      return { token, info: publicInfo(stored) };
    },
    async list() {
      const all = Object.values(await redis.hgetall(indexKey)).map((raw) => publicInfo(JSON.parse(raw) as StoredInfo));
      return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async revoke(id) {
      const stored = await readInfo(id);
      if (!stored) return false;
      const revoked = { ...stored, revokedAt: stored.revokedAt ?? new Date().toISOString() };
      await redis.multi().del(tokenKey(stored.hash)).hset(indexKey, id, JSON.stringify(revoked)).publish(channel, stored.hash).exec();
      cache?.forget(stored.hash);
      return true;
    },
    async ensure(token, { id, name, scopes }) {
      const hash = hashToken(token);
      const previous = await readInfo(id);
      if (previous && previous.hash !== hash) {
        await redis.multi().del(tokenKey(previous.hash)).publish(channel, previous.hash).exec();
        cache?.forget(previous.hash);
      }
      await save({ id, name, scopes, createdAt: previous?.createdAt ?? new Date().toISOString(), hash });
    },
  };
}
