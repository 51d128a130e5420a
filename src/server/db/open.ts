/**
 * The one module that knows which database is behind the server: an embedded SQLite file
 * (better-sqlite3) by default, or PostgreSQL (`pg`) for a URL starting with postgres://.
 * Opening migrates the schema to the latest version.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type SQLite from 'better-sqlite3'
import type pg from 'pg'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
  type Transaction,
} from '../../vendor/kysely.js'
import { UserError } from '../../errors.js'
import { migrations } from './migrations.js'
import type { Database } from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

export interface Db {
  kysely: Kysely<Database>
  dialect: Dialect
  /** where it is, without a password */
  describe: string
  /**
   * SQLite: a number that changes when another connection (another process) commits to the file
   * (PRAGMA data_version, no disk read); this connection's own commits leave it as it is.
   * PostgreSQL: undefined (other processes announce changes with NOTIFY; see listen).
   */
  externalChanges: (() => number) | undefined
  /**
   * PostgreSQL: runs `onMessage(payload)` for each NOTIFY on `channel`, over a connection of its
   * own that reconnects when lost (`onMessage(undefined)` then: something may have been missed).
   * SQLite: nothing (a single process, or polling). Stopped by close().
   */
  listen(channel: string, onMessage: (payload: string | undefined) => void): Promise<void>
  /** PostgreSQL: NOTIFY `channel` when `trx` commits; SQLite: nothing. */
  notify(trx: Transaction<Database>, channel: string, payload: string): Promise<void>
  /** Runs `fn` when close() begins (timers of caches over this database stop there). */
  onClose(fn: () => void): void
  close(): Promise<void>
}

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//.test(spec)
}

// Each driver loads when a database of its kind is opened: a server on SQLite never loads pg's
// 25 modules, a worker on PostgreSQL never loads better-sqlite3's.
let pgModule: typeof pg | undefined
async function loadPg(): Promise<typeof pg> {
  if (!pgModule) {
    pgModule = (await import('pg')).default
    // pg returns BIGINT (count(*)) as text; counts here are small, so numbers are safe
    pgModule.types.setTypeParser(20, (v: string) => Number(v))
  }
  return pgModule
}

export async function openDb(spec: string, options: { migrate?: boolean } = {}): Promise<Db> {
  let kysely: Kysely<Database>
  let dialect: Dialect
  let describe: string
  let externalChanges: Db['externalChanges']
  const listeners: Listener[] = []
  const closing: Array<() => void> = []
  if (isPostgresUrl(spec)) {
    dialect = 'postgres'
    const url = new URL(spec)
    describe = `postgres://${url.host}${url.pathname}`
    const pool = new (await loadPg()).Pool({ connectionString: spec, max: 10 })
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    try {
      await sql`select 1`.execute(kysely)
    } catch (err) {
      await kysely.destroy()
      throw new UserError(`cannot connect to ${describe}: ${(err as Error).message}`)
    }
  } else {
    dialect = 'sqlite'
    const path = resolve(spec)
    describe = path
    mkdirSync(dirname(path), { recursive: true })
    // imported outside the try: a driver that fails to load is an installation fault, not the user's file
    const Driver = (await import('better-sqlite3')).default
    let database: SQLite.Database
    try {
      database = new Driver(path)
    } catch (err) {
      throw new UserError(`cannot open the SQLite database ${path}: ${(err as Error).message}`)
    }
    // WAL lets a reader (audit-verify, a second process) run beside the server; busy_timeout waits out a writer
    database.pragma('journal_mode = WAL')
    database.pragma('busy_timeout = 5000')
    database.pragma('foreign_keys = ON')
    kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) })
    const dataVersion = database.prepare('pragma data_version').pluck()
    externalChanges = () => dataVersion.get() as number
  }
  const db: Db = {
    kysely,
    dialect,
    describe,
    externalChanges,
    async listen(channel, onMessage) {
      if (dialect !== 'postgres') return
      const l = new Listener(spec, channel, onMessage)
      listeners.push(l)
      await l.start()
    },
    async notify(trx, channel, payload) {
      if (dialect === 'postgres') await sql`select pg_notify(${channel}, ${payload})`.execute(trx)
    },
    onClose(fn) {
      closing.push(fn)
    },
    async close() {
      for (const fn of closing.splice(0)) fn()
      await Promise.all(listeners.map((l) => l.stop()))
      await kysely.destroy()
    },
  }
  if (options.migrate !== false) await migrate(db)
  return db
}

/**
 * Kysely's SQLite dialect with transactions that begin IMMEDIATE. Kysely's own BEGIN is deferred:
 * another process (a CLI command beside the server) could then make a read-then-write transaction
 * fail at once with SQLITE_BUSY. BEGIN IMMEDIATE takes the write lock up front, so busy_timeout
 * waits for it instead. (Through createDriver(), the dialect's documented extension point.)
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig

  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/** One LISTEN connection; when it fails it reconnects a second later and reports a possible gap. */
class Listener {
  private client: pg.Client | undefined
  private stopped = false
  private retry: NodeJS.Timeout | undefined

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onMessage: (payload: string | undefined) => void,
  ) {}

  async start(): Promise<void> {
    const driver = await loadPg() // already loaded: the database it listens to is open
    const client = new driver.Client({ connectionString: this.url })
    this.client = client
    let gone = false
    const lost = () => {
      if (gone) return
      gone = true
      if (this.client === client) this.client = undefined
      client.removeAllListeners('notification')
      void client.end().catch(() => {})
      if (this.stopped) return
      this.retry = setTimeout(() => void this.start(), 1000)
      this.retry.unref()
    }
    client.on('notification', (m) => {
      if (m.channel === this.channel) this.onMessage(m.payload ?? '')
    })
    client.on('error', lost)
    client.on('end', lost)
    try {
      await client.connect()
      await client.query(`listen ${driver.escapeIdentifier(this.channel)}`)
    } catch {
      lost()
      return
    }
    this.onMessage(undefined)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.retry)
    const c = this.client
    this.client = undefined
    await c?.end().catch(() => {})
  }
}

export async function migrate(db: Db): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(db.dialect) }
  const migrator = new Migrator({ db: db.kysely, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(
      `migration ${failed?.migrationName ?? '?'} failed on ${db.describe}: ${(error as Error).message ?? String(error)}`,
    )
  }
}

/** PostgreSQL: an advisory lock held until `trx` ends (to serialise e.g. appends to the audit chain); SQLite transactions are already serialised by the single connection. */
export async function advisoryLock(db: Db, trx: Transaction<Database>, key: number): Promise<void> {
  if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${key})`.execute(trx)
}

/** Unique-constraint violation, in either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
