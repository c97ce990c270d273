import type { Redis } from 'ioredis';
import { ulid } from 'ulid';
import type { Principal } from '../scope.js';
import { generateToken, hashToken } from '../token-hash.js';
import type { TokenInfo, TokenStore } from '../token-store.js';

interface StoredInfo extends TokenInfo {
  hash: string;
}

/**
 * Tokens in Redis: `<prefix>auth:token:<sha256>` -> principal (present only
 * while the token is live, so revocation is one DEL seen by every process at
 * once), and the hash `<prefix>auth:tokens` id -> info for the admin API.
 */
export function createRedisTokenStore({ redis, prefix }: { redis: Redis; prefix: string }): TokenStore {
  const tokenKey = (hash: string) => `${prefix}auth:token:${hash}`;
  const indexKey = `${prefix}auth:tokens`;

  const readInfo = async (id: string): Promise<StoredInfo | undefined> => {
    const raw = await redis.hget(indexKey, id);
    return raw === null ? undefined : (JSON.parse(raw) as StoredInfo);
  };
  const save = async (stored: StoredInfo) => {
    const principal: Principal = { tokenId: stored.id, scopes: stored.scopes };
    await redis.multi().set(tokenKey(stored.hash), JSON.stringify(principal)).hset(indexKey, stored.id, JSON.stringify(stored)).exec();
  };
  const publicInfo = ({ hash: _hash, ...info }: StoredInfo): TokenInfo => info;

  return {
    async authenticate(token) {
      const raw = await redis.get(tokenKey(hashToken(token)));
      return raw === null ? undefined : (JSON.parse(raw) as Principal);
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
      await redis.multi().del(tokenKey(stored.hash)).hset(indexKey, id, JSON.stringify(revoked)).exec();
      return true;
    },
    async ensure(token, { id, name, scopes }) {
      const hash = hashToken(token);
      const previous = await readInfo(id);
      if (previous && previous.hash !== hash) await redis.del(tokenKey(previous.hash));
      await save({ id, name, scopes, createdAt: previous?.createdAt ?? new Date().toISOString(), hash });
    },
  };
}
