/**
 * Applies pending migrations and exits: the one-off step of a deploy (compose `migrate`, the
 * Kubernetes Job). An advisory lock makes two concurrent runs wait for each other.
 */
import 'reflect-metadata';
import { loadConfig } from '../app/config.js';
import { createLogger } from '../app/logger.js';
import { migrate, openDataSource } from '../common/db/orm.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const source = await openDataSource({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2, log });
await migrate(source, log);
await source.close();
log.info('migrations applied');
