/**
 * Starting the server and the worker: open (and migrate) the database, load the challenge,
 * build the HTTP app (the API and the pages), start the in-process worker. `dataperf serve` and
 * `dataperf worker` reach these through server/index.ts.
 */
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadChallenge } from './challenge/load.js'
import { openDb, type Db } from './db/open.js'
import { buildApp } from './http/app.js'
import type { RateLimits } from './http/limits.js'
import type { ConnectionLimits } from './http/connections.js'
import { existsSync, readFileSync } from 'node:fs'
import { CHECKPOINT_FILE } from './audit/checkpoints.js'
import { loadOrCreateServerKey, PUBLIC_KEY_FILE } from './manifest.js'
import { startCheckpointing } from './services/audit-checkpoints.js'
import { createContext, type ServerConfig, type ServerContext } from './services/context.js'
import { DEFAULT_STATE_DIR, defaultDbPath } from './state-dir.js'
import { webPages } from './web/plugin.js'
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
  rateLimits?: Partial<RateLimits>
  /** behind a reverse proxy (see AppOptions.trustProxy) */
  trustProxy?: boolean | string[]
  connectionLimits?: Partial<ConnectionLimits>
  /** on close, how long a job being scored may take to finish before it is given back to the queue */
  stopGraceMs?: number
  log?: (line: string) => void
}

/** A job that ends within this time after SIGTERM is kept; a longer one goes back to the queue. */
export const DEFAULT_STOP_GRACE_MS = 2000

export interface RunningServer {
  url: string
  app: FastifyInstance
  ctx: ServerContext
  workers: JobWorker[]
  close(): Promise<void>
}

/** Where a server keeps its signed audit checkpoints: beside its key, outside the database. */
export function checkpointFile(stateDir: string): string {
  return join(resolve(stateDir), 'keys', CHECKPOINT_FILE)
}

/** The state folder's checkpoints and public key, for audit-verify (undefined when it holds no key). */
export function auditCheckpointsIn(stateDir: string): ServerContext['auditCheckpoints'] {
  const publicKey = join(resolve(stateDir), 'keys', PUBLIC_KEY_FILE)
  if (!existsSync(publicKey)) return undefined
  return { file: checkpointFile(stateDir), publicKeyPem: readFileSync(publicKey, 'utf8') }
}

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
  ctx.auditCheckpoints = { file: checkpointFile(stateDir), publicKeyPem: keys.publicKeyPem }
  const app = await buildApp(ctx, {
    keys,
    rateLimits: options.rateLimits,
    plugins: [webPages],
    trustProxy: options.trustProxy,
    connectionLimits: options.connectionLimits,
  })
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
  const workers = Array.from(
    { length: scoringThreads(options.workers ?? 1) },
    () => new JobWorker(ctx, { log: options.log }),
  )
  for (const w of workers) w.start()
  const checkpoints = startCheckpointing(ctx, {
    ...ctx.auditCheckpoints,
    privateKey: keys.privateKey,
    log: options.log ?? (() => {}),
  })
  return {
    url: address,
    app,
    ctx,
    workers,
    async close() {
      // at once: no new work, the event streams end (the pages say so and reconnect to the next
      // server), the port closes; a running job finishes within the grace or goes back to the queue
      const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS
      await Promise.all([app.close(), ...workers.map((w) => w.stop(grace))])
      await checkpoints.stop()
      await ctx.db.close()
    },
  }
}

/** Workers in one process, each scoring on its own thread: at most one per core (more only wait for one). */
export function scoringThreads(asked: number): number {
  return Math.max(0, Math.min(Math.floor(asked), availableParallelism()))
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
  const workers = Array.from({ length: scoringThreads(count) }, () => new JobWorker(ctx, { log, pollMs: 500 }))
  for (const w of workers) w.start()
  return {
    ctx,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.stop(DEFAULT_STOP_GRACE_MS)))
      await ctx.db.close()
    },
  }
}
