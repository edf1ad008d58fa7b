/**
 * Generates a migration from the difference between the entities and a scratch PostgreSQL database
 * that has every existing migration applied. Usage: DATABASE_URL=… pnpm migration:create [name]
 */
import 'reflect-metadata';
import { createLogger } from '../app/logger.js';
import { migrate, openDataSource } from '../common/db/orm.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must point at a scratch database');
  process.exit(1);
}
const log = createLogger('info');
const source = await openDataSource({ databaseUrl: url, dataDir: '.data', poolSize: 2, log });
await migrate(source, log);
const result = await source.orm.migrator.create(new URL('../migrations', import.meta.url).pathname, false, false, process.argv[2]);
console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
await source.close();
