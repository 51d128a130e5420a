/**
 * The database module on SQLite: a transaction takes the write lock when it begins (BEGIN
 * IMMEDIATE), so a second process waits for it (busy_timeout) instead of failing a
 * read-then-write transaction half-way with SQLITE_BUSY.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { openDb } from '../src/server/db/open.js'
import { tempFolder } from './helpers/temp-folder.js'

test('a SQLite transaction holds the write lock from its BEGIN, before it writes anything', async () => {
  const dir = tempFolder('db')
  const file = join(dir, 'server.sqlite')
  const db = await openDb(file)
  // another process's connection, which does not wait for a lock
  const other = new SQLite(file)
  other.pragma('busy_timeout = 0')
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await trx.selectFrom('teams').select('id').execute() // a read only: a deferred BEGIN would hold no write lock yet
      assert.throws(() => other.exec('begin immediate'), /locked|busy/i)
    })
    other.exec('begin immediate') // free again once the transaction has committed
    other.exec('rollback')
  } finally {
    other.close()
    await db.close()
  }
})
