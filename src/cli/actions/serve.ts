/**
 * `dataperf serve` and its organizer commands, and `dataperf worker`: everything goes through the
 * server's facade (server/index.ts), which loads the server's modules when an operation runs.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../../errors.js'
import {
  createDemoChallenge,
  grantOrganizer,
  newSignupInvite,
  rescoreBoard,
  seedDemoBaselines,
  type ServerConfig,
  type ServerDatabase,
  startServer,
  startWorkers,
  verifyAuditLog,
} from '../../server/index.js'

export interface DbFlags {
  challenge?: string
  db?: string
  state: string
}

export interface ServeFlags extends DbFlags {
  demo?: boolean
  host: string
  port: number
  workers: number
  inviteOnly?: boolean
  maxUploadMb: number
  serverName?: string
  leaseSeconds?: number
  loginLimit: number
  submitLimit: number
  trustProxy?: boolean | string
  lockoutSeconds: number
  requestTimeout: number
  idleTimeout: number
  maxConnectionsPerAddress: number
  stopGrace: number
}

export interface WorkerFlags {
  challenge: string
  db: string
  concurrency: number
  leaseSeconds?: number
}

function target(opts: DbFlags): ServerDatabase {
  if (!opts.challenge) throw new UserError('--challenge DIR is required (the folder with challenge.yaml)')
  return { challengeDir: opts.challenge, db: opts.db, stateDir: opts.state }
}

/**
 * Resolves on SIGINT or SIGTERM. Taken before anything starts: a signal that came while the
 * server was starting (or between its 'listening' line and the wait) would otherwise kill the
 * process at once, with nothing closed (leases held, the last audit checkpoint unwritten).
 */
function waitForSignal(): Promise<void> {
  return new Promise((r) => {
    process.once('SIGINT', () => r())
    process.once('SIGTERM', () => r())
  })
}

/** --trust-proxy: true (any peer), or the proxies' addresses (comma-separated, CIDR ranges allowed). */
function trustProxySetting(value: boolean | string | undefined): boolean | string[] | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  return value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
}

function workerConfig(opts: { leaseSeconds?: number }): Partial<ServerConfig> {
  return opts.leaseSeconds ? { leaseMs: opts.leaseSeconds * 1000 } : {}
}

export async function serve(opts: ServeFlags): Promise<void> {
  const stopAsked = waitForSignal()
  let challengeDir = opts.challenge
  if (opts.demo) {
    challengeDir = join(resolve(opts.state), 'demo-challenge')
    if (!existsSync(join(challengeDir, 'challenge.yaml'))) {
      process.stderr.write(`generating the demo challenge in ${challengeDir} ...\n`)
      await createDemoChallenge(challengeDir, 0)
    }
  }
  if (!challengeDir) throw new UserError('--challenge DIR is required (the folder with challenge.yaml), or --demo')
  const server = await startServer({
    challengeDir,
    db: opts.db,
    host: opts.host,
    port: opts.port,
    stateDir: opts.state,
    workers: opts.workers,
    config: {
      inviteOnly: !!opts.inviteOnly,
      maxUploadBytes: Math.round(opts.maxUploadMb * 1024 * 1024),
      // default: the challenge's name (a folder on this machine is no business of the manifest's readers)
      ...(opts.serverName ? { serverName: opts.serverName } : {}),
      lockoutMs: Math.round(opts.lockoutSeconds * 1000),
      ...workerConfig(opts),
    },
    trustProxy: trustProxySetting(opts.trustProxy),
    connectionLimits: {
      requestTimeoutMs: Math.round(opts.requestTimeout * 1000),
      idleTimeoutMs: Math.round(opts.idleTimeout * 1000),
      maxConnectionsPerAddress: opts.maxConnectionsPerAddress,
    },
    stopGraceMs: opts.stopGrace * 1000,
    rateLimits: {
      login: { max: opts.loginLimit, windowMs: 60_000 },
      submit: { max: opts.submitLimit, windowMs: 60_000 },
    },
    log: (line) => process.stderr.write(line + '\n'),
  })
  if (opts.demo) {
    // before the listening line: a newcomer's first page has the baselines' rows (the workers score them)
    process.stderr.write('submitting the official baselines to the demo boards ...\n')
    await seedDemoBaselines(server, (line) => process.stderr.write(line + '\n')).catch((err: unknown) =>
      process.stderr.write(`warning: the demo's baselines were not submitted: ${(err as Error)?.message ?? err}\n`),
    )
  }
  const c = server.ctx.challenge
  process.stdout.write(
    `dataperf server listening on ${server.url}\n  challenge: ${c.name} (boards: ${c.boards.map((b) => b.id).join(', ')})\n  database: ${server.ctx.db.describe}\n  in-process workers: ${server.workers.ids.length}${server.workers.ids.length < opts.workers ? ` (of ${opts.workers} asked: one per core)` : ''}\n  pages: ${server.url}/\n  API: ${server.url}/api/v1 (OpenAPI: ${server.url}/api/v1/openapi.json)\n`,
  )
  await stopAsked
  await server.close()
}

export async function makeOrganizer(email: string, opts: DbFlags): Promise<void> {
  process.stdout.write(`${await grantOrganizer(target(opts), email)} is now an organizer\n`)
}

export async function invite(opts: DbFlags): Promise<void> {
  process.stdout.write(`${await newSignupInvite(target(opts))}\n`)
}

export async function auditVerify(opts: DbFlags): Promise<void> {
  const r = await verifyAuditLog(target(opts))
  const anchors = r.lastCheckpoint
    ? `; held against ${r.checkpoints} signed checkpoints (the last: entry ${r.lastCheckpoint.seq}, ${r.lastCheckpoint.at}) and ${r.manifests} result manifests`
    : `; held against ${r.manifests} result manifests (no signed checkpoints in ${opts.state}/keys: pass the server's --state)`
  if (r.ok) process.stdout.write(`audit log OK: ${r.entries} entries, chain intact; head ${r.head}${anchors}\n`)
  else {
    process.stdout.write(`audit log BROKEN at entry ${r.brokenAt} (of ${r.total}): ${r.reason}\n`)
    process.exitCode = 1
  }
}

export async function rescore(opts: DbFlags & { board: string; workers: number }): Promise<void> {
  const r = await rescoreBoard(target(opts), opts.board, {
    workers: opts.workers,
    onQueued: (n) => process.stderr.write(`rescoring ${n} submissions of ${opts.board} ...\n`),
  })
  process.stdout.write(`rescored ${r.done} submissions of ${opts.board}${r.failed ? `, ${r.failed} failed` : ''}\n`)
  const moved = r.changes.filter((c) => c.before !== c.after || c.scoreBefore !== c.scoreAfter)
  if (moved.length === 0) process.stdout.write('no rank or score changed\n')
  for (const c of moved) {
    process.stdout.write(
      `  ${c.team}: rank ${c.before ?? '-'} -> ${c.after ?? '-'}, score ${c.scoreBefore ?? '-'} -> ${c.scoreAfter ?? '-'}\n`,
    )
  }
}

export async function worker(opts: WorkerFlags): Promise<void> {
  const stopAsked = waitForSignal()
  const started = await startWorkers(
    opts.challenge,
    opts.db,
    Math.max(1, opts.concurrency),
    workerConfig(opts),
    (line) => process.stderr.write(line + '\n'),
  )
  process.stdout.write(`dataperf worker: ${started.workers.ids.join(', ')} on ${started.ctx.db.describe}\n`)
  await stopAsked
  await started.close()
}
