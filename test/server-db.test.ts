/**
 * The database module on SQLite: a transaction takes the write lock when it begins (BEGIN
 * IMMEDIATE), so a second process waits for it (busy_timeout) instead of failing a
 * read-then-write transaction half-way with SQLITE_BUSY. Prepared statements (db/prepared.ts):
 * built once per shape of their values, run with each call's values.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { openDb } from '../src/server/db/open.js'
import { prepare } from '../src/server/db/prepared.js'
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

test("a prepared statement is built once per shape of its values and runs with each call's values", async () => {
  const db = await openDb(join(tempFolder('db-prepared'), 'server.sqlite'))
  try {
    let builds = 0
    const insert = prepare((v: { phases: Array<{ name: string; rule: string | null }>; start: string | null }) => {
      builds++
      return db.kysely
        .insertInto('phase_overrides')
        .values(
          v.phases.map((p) => ({
            name: p.name,
            start: v.start,
            end: null,
            daily_limit: 3,
            leaderboard: null,
            rule: p.rule,
          })),
        )
        .returning(['name', 'start', 'daily_limit', 'rule'])
    })
    const at = '2026-12-05T00:00:00.000Z'
    assert.deepEqual(await insert(db.kysely, { phases: [{ name: 'a', rule: 'best' }], start: at }), [
      { name: 'a', start: at, daily_limit: 3, rule: 'best' },
    ])
    // the same shape (a null where the first run had a string is a value like another)
    assert.deepEqual(await insert(db.kysely, { phases: [{ name: 'b', rule: null }], start: null }), [
      { name: 'b', start: null, daily_limit: 3, rule: null },
    ])
    assert.equal(builds, 1, 'the same shape: built once')
    const two = await insert(db.kysely, {
      phases: [
        { name: 'c', rule: 'latest' },
        { name: 'd', rule: 'best' },
      ],
      start: at,
    })
    assert.deepEqual(
      two.map((r) => [r.name, r.rule]),
      [
        ['c', 'latest'],
        ['d', 'best'],
      ],
    )
    assert.equal(builds, 2, 'two rows instead of one: built again')
    // a value the builder computes from instead of passing it on would be lost on later runs
    const wrong = prepare((v: { name: string }) =>
      db.kysely.selectFrom('phase_overrides').select('name').where('name', '=', `${v.name}!`),
    )
    await assert.rejects(wrong(db.kysely, { name: 'A' }), /values not bound as parameters: name/)
  } finally {
    await db.close()
  }
})
