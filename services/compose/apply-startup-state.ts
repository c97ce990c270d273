import type { Logger } from 'pino';
import type { TokenStore } from '../../core/auth/token-store.js';
import type { Config } from '../../core/config/config.js';
import { loadMetersFile } from '../../core/meters/meters-file.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';

/** The id under which TALLY_ADMIN_TOKEN lives; a new value replaces the previous token. */
export const bootstrapAdminTokenId = 'bootstrap-admin';

/**
 * What every process makes true at start, idempotently (replicas may run
 * it at the same moment): the bootstrap admin token is live, and the meters
 * of TALLY_METERS_FILE exist as declared. A bad meters file stops the start
 * (MetersFileError lists every problem).
 */
export async function applyStartupState({ config, logger, tokens, meters }: { config: Config; logger: Logger; tokens: TokenStore; meters: MeterRegistry }): Promise<void> {
  if (config.adminToken) {
    await tokens.ensure(config.adminToken, { id: bootstrapAdminTokenId, name: 'bootstrap admin', scopes: ['admin'] });
    logger.info({ tokenId: bootstrapAdminTokenId }, 'bootstrap admin token ensured');
  }
  const file = config.definitions.metersFile;
  if (file) {
    const applied = await loadMetersFile({ registry: meters, file });
    logger.info({ file, ...applied }, 'meters file applied');
  }
}
