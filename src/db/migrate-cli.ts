// `npm run db:migrate`: applies migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
import { loadConfig } from '../config.js';
import { openDatabase } from './client.js';

const config = loadConfig(process.env);
const database = await openDatabase(config);
await database.migrate();
console.log(`Migrations applied (${database.kind}).`);
await database.close();
