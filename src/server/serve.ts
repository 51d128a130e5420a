/**
 * Starting the server: open (and migrate) the database, load the challenge, build the HTTP app
 * (the API and the pages), start the in-process workers. `dataperf serve` reaches it through
 * server/index.ts; `dataperf worker` starts from start-workers.ts, which loads no HTTP app.
 */
import { join, resolve } from 'node:path'
import type { FastifyInstance } from '../vendor/fastify.js'
import { buildApp } from './http/app.js'
import type { RateLimits } from './http/limits.js'
import type { ConnectionLimits } from './http/connections.js'
import { loadOrCreateServerKey } from './manifest.js'
import { checkpointFile, openContext } from './open-context.js'
import { startCheckpointing } from './services/audit-checkpoints.js'
import type { ServerConfig, ServerContext } from './services/context.js'
import { DEFAULT_STOP_GRACE_MS, scoringThreads } from './start-workers.js'
import { DEFAULT_STATE_DIR, defaultDbPath } from './state-dir.js'
import { webPages } from './web/plugin.js'
import { type JobWorkers, startJobWorkers } from './worker/in-process.js'

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

export interface RunningServer {
  url: string
  app: FastifyInstance
  ctx: ServerContext
  /** the in-process job workers (more than one: a thread each) */
  workers: JobWorkers
  close(): Promise<void>
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
  let workers: JobWorkers
  try {
    workers = await startJobWorkers(ctx, {
      dbSpec,
      count: scoringThreads(options.workers ?? 1),
      ...(options.config ? { config: options.config } : {}),
      ...(options.log ? { log: options.log } : {}),
    })
  } catch (err) {
    await app.close()
    await ctx.db.close()
    throw err
  }
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
      await Promise.all([app.close(), workers.stop(grace)])
      await checkpoints.stop()
      await ctx.db.close()
    },
  }
}
