/**
 * Starting the server and the worker: open (and migrate) the database, load the challenge,
 * build the HTTP app, start the in-process worker. `dataperf serve` and `dataperf worker` call
 * these; so do the tests and the benchmark, as real processes or in-process.
 */
import { join, resolve } from 'node:path'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { loadChallenge } from './challenge/load.js'
import { isPostgresUrl, openDb, type Db } from './db/open.js'
import { buildApp } from './http/app.js'
import type { RateLimit } from './http/route-deps.js'
import { loadOrCreateServerKey } from './manifest.js'
import { createContext, type ServerConfig, type ServerContext } from './services/context.js'
import { DEFAULT_STATE_DIR, defaultDbPath } from './state-dir.js'
import { JobWorker } from './worker/runner.js'

export interface ServeOptions {
  challengeDir: string
  /** a SQLite file path or a postgres:// URL; default STATE/dataperf.sqlite */
  db?: string
  host?: string
  port?: number
  /** where the SQLite file and the signing key live (default ./dataperf-server) */
  stateDir?: string
  /** in-process workers (default 1; 0 when `dataperf worker` processes do the scoring) */
  workers?: number
  config?: Partial<ServerConfig>
  rateLimits?: { login?: RateLimit; submit?: RateLimit }
  plugins?: Array<FastifyPluginAsync<{ ctx: ServerContext }>>
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  app: FastifyInstance
  ctx: ServerContext
  workers: JobWorker[]
  close(): Promise<void>
}

export { DEFAULT_STATE_DIR, defaultDbPath }

export async function openContext(
  challengeDir: string,
  dbSpec: string,
  config: Partial<ServerConfig> = {},
): Promise<ServerContext> {
  const challenge = loadChallenge(challengeDir)
  const db: Db = await openDb(dbSpec)
  return createContext(db, challenge, config)
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR)
  const dbSpec = options.db ?? defaultDbPath(stateDir)
  const ctx = await openContext(options.challengeDir, dbSpec, options.config)
  const keys = loadOrCreateServerKey(join(stateDir, 'keys'))
  const app = await buildApp(ctx, { keys, rateLimits: options.rateLimits, plugins: options.plugins })
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 8080
  let address: string
  try {
    address = await app.listen({ host, port })
  } catch (err) {
    await app.close()
    await ctx.db.close()
    throw err
  }
  const workers = Array.from({ length: options.workers ?? 1 }, () => new JobWorker(ctx, { log: options.log }))
  for (const w of workers) w.start()
  return {
    url: address,
    app,
    ctx,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.stop()))
      await app.close()
      await ctx.db.close()
    },
  }
}

export interface StartedWorker {
  ctx: ServerContext
  workers: JobWorker[]
  close(): Promise<void>
}

/** `dataperf worker`: job loops only, on a shared database (PostgreSQL for other machines). */
export async function startWorkers(
  challengeDir: string,
  dbSpec: string,
  count = 1,
  config: Partial<ServerConfig> = {},
  log?: (line: string) => void,
): Promise<StartedWorker> {
  const ctx = await openContext(challengeDir, dbSpec, config)
  const workers = Array.from({ length: count }, () => new JobWorker(ctx, { log, pollMs: 500 }))
  for (const w of workers) w.start()
  return {
    ctx,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.stop()))
      await ctx.db.close()
    },
  }
}

export { isPostgresUrl }
