// Runs emitted TypeORM migrations the way TypeORM's MigrationExecutor does with
// `migration:run --transaction each` / `migration:revert`, minus TypeORM itself (npm is
// unreachable here): a generated migration only ever calls `queryRunner.query(sql)`, so a
// QueryRunner whose `query` sends to PostgreSQL through node-pg is all it needs.
//
//   node typeorm-runner.js up|down <compiled migration.js>...
//
// Connection: the libpq environment variables node-pg reads (PGHOST, PGPORT, PGUSER,
// PGPASSWORD, PGDATABASE). Each migration runs in its own transaction unless its class says
// `transaction = false`, and is recorded in TypeORM's own `migrations` table.
'use strict';
const path = require('path');
const { Client } = require('pg');

async function main() {
  const [direction, ...files] = process.argv.slice(2);
  if (direction !== 'up' && direction !== 'down') throw new Error('usage: typeorm-runner.js up|down FILE...');
  // Load every migration and check its name before touching the database, as TypeORM does.
  const migrations = files.map((file) => {
    const exported = require(path.resolve(file));
    // `export class X` (tsc to CommonJS) or `module.exports = class X` (TypeORM's -o output).
    const Migration = typeof exported === 'function' ? exported : Object.values(exported).find((value) => typeof value === 'function');
    if (!Migration) throw new Error(`${file} exports no migration class`);
    const migration = new Migration();
    const name = migration.name || Migration.name;
    // TypeORM's own rule: the last 13 characters of the name are the timestamp.
    const timestamp = parseInt(name.substr(-13), 10);
    if (!timestamp || isNaN(timestamp)) {
      throw new Error(`${name} migration name is wrong. Migration class name should have a JavaScript timestamp appended.`);
    }
    return { migration, name, timestamp };
  });
  const client = new Client();
  await client.connect();
  // TypeORM's QueryRunner.query(query, parameters) resolves to the rows.
  const queryRunner = { query: (query, parameters) => client.query(query, parameters).then((result) => result.rows) };
  try {
    // TypeORM's migrations table, as its PostgreSQL driver creates it.
    await client.query('CREATE TABLE IF NOT EXISTS "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, ' +
      '"name" character varying NOT NULL, CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"))');
    for (const { migration, name, timestamp } of migrations) {
      const transactional = migration.transaction !== false;
      if (transactional) await client.query('START TRANSACTION');
      try {
        if (direction === 'up') {
          await migration.up(queryRunner);
          await client.query('INSERT INTO "migrations"("timestamp", "name") VALUES ($1, $2)', [timestamp, name]);
        } else {
          await migration.down(queryRunner);
          await client.query('DELETE FROM "migrations" WHERE "timestamp" = $1 AND "name" = $2', [timestamp, name]);
        }
        if (transactional) await client.query('COMMIT');
      } catch (error) {
        if (transactional) await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
