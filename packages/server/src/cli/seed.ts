/** Seeds the demo network into an empty database (DATABASE_URL, or the embedded PGlite). */
import 'reflect-metadata';
import { loadConfig } from '../app/config.js';
import { createApp } from '../app/app.js';

const app = await createApp({ ...loadConfig(), SEED_DEMO: true });
await app.close();
console.log('demo data present');
