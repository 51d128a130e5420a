/**
 * `dataperf serve` (the leaderboard server) and its organizer commands:
 * `serve make-organizer EMAIL`, `serve invite`, `serve audit-verify`, `serve rescore --board ID`;
 * and `dataperf worker` (scoring processes on other machines, sharing a PostgreSQL database).
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { UserError } from '../errors.js'
import type { ServerConfig } from '../server/services/context.js'
import { DEFAULT_STATE_DIR, defaultDbPath } from '../server/state-dir.js'
import { numberFlag, positiveInt } from './parse.js'

// The server's modules (fastify, kysely, pg, the pages) load only when a server command runs:
// importing them costs every other `dataperf` command about half a second of start-up.
const serverModule = () => import('../server/serve.js')

interface DbOpts {
  challenge?: string
  db?: string
  state: string
}

const dbOption = () =>
  new Option('--db <file|url>', 'SQLite file or postgres://user:pass@host/db (default: STATE/dataperf.sqlite)')
const stateOption = () =>
  new Option('--state <dir>', 'folder for the SQLite file and the signing key').default(DEFAULT_STATE_DIR)
const challengeOption = () => new Option('--challenge <dir>', 'the challenge folder (challenge.yaml)')

/** Scoring workers of one process: each holds a challenge's data and a thread. */
const WORKERS_RULE = { integer: true, min: 0, max: 64 }

function dbSpec(opts: DbOpts): string {
  return opts.db ?? defaultDbPath(opts.state)
}

function requireChallenge(opts: DbOpts): string {
  if (!opts.challenge) throw new UserError('--challenge DIR is required (the folder with challenge.yaml)')
  return opts.challenge
}

function waitForSignal(): Promise<void> {
  return new Promise((r) => {
    process.once('SIGINT', () => r())
    process.once('SIGTERM', () => r())
  })
}

function workerConfig(opts: { leaseSeconds?: number }): Partial<ServerConfig> {
  return opts.leaseSeconds ? { leaseMs: opts.leaseSeconds * 1000 } : {}
}

export function registerServeCommands(program: Command): void {
  // `serve` and its subcommands share option names (--challenge, --db): options belong to the command they follow
  program.enablePositionalOptions()
  const serve = program
    .command('serve')
    .description(
      'run the leaderboard server: accounts, teams, submissions scored with the official evaluators, leaderboards',
    )
    .enablePositionalOptions()
    .addOption(challengeOption())
    .option('--demo', 'generate a small demo challenge in STATE/demo-challenge and serve it')
    .addOption(dbOption())
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', numberFlag({ integer: true, min: 0, max: 65535 }), 8080)
    .addOption(stateOption())
    .option(
      '--workers <n>',
      'in-process scoring workers (0 when `dataperf worker` processes score)',
      numberFlag(WORKERS_RULE),
      1,
    )
    .option('--invite-only', 'sign-up needs an invite code (dataperf serve invite)')
    .option(
      '--max-upload-mb <n>',
      'largest submission accepted, in MB',
      numberFlag({ min: 0, minExclusive: true, max: 10240, unit: 'MB' }),
      20,
    )
    .option('--server-name <name>', 'the name or public URL written in result manifests')
    .addOption(
      new Option('--lease-seconds <n>', 'a job is retaken when its worker is silent this long').argParser(positiveInt),
    )
    .option('--login-limit <n>', 'log-in (and sign-up, token) requests per minute per address', positiveInt, 10)
    .option('--submit-limit <n>', 'submission requests per minute per user', positiveInt, 30)
    .action(
      async (
        opts: DbOpts & {
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
        },
      ) => {
        let challengeDir = opts.challenge
        if (opts.demo) {
          challengeDir = join(resolve(opts.state), 'demo-challenge')
          if (!existsSync(join(challengeDir, 'challenge.yaml'))) {
            process.stderr.write(`generating the demo challenge in ${challengeDir} ...\n`)
            const { createDemoChallenge } = await import('../server/demo.js')
            createDemoChallenge(challengeDir, 0)
          }
        }
        if (!challengeDir)
          throw new UserError('--challenge DIR is required (the folder with challenge.yaml), or --demo')
        const [{ startServer }, { webPages }] = await Promise.all([serverModule(), import('../server/web/plugin.js')])
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
            serverName: opts.serverName ?? `dataperf ${challengeDir}`,
            ...workerConfig(opts),
          },
          rateLimits: {
            login: { max: opts.loginLimit, windowMs: 60_000 },
            submit: { max: opts.submitLimit, windowMs: 60_000 },
          },
          log: (line) => process.stderr.write(line + '\n'),
          plugins: [webPages],
        })
        const c = server.ctx.challenge
        process.stdout.write(
          `dataperf server listening on ${server.url}\n  challenge: ${c.name} (boards: ${c.boards.map((b) => b.id).join(', ')})\n  database: ${server.ctx.db.describe}\n  in-process workers: ${opts.workers}\n  pages: ${server.url}/\n  API: ${server.url}/api/v1 (OpenAPI: ${server.url}/api/v1/openapi.json)\n`,
        )
        await waitForSignal()
        await server.close()
      },
    )

  serve
    .command('make-organizer <email>')
    .description('give an existing account the organizer role')
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (email: string, opts: DbOpts) => {
      const [{ openContext }, { makeOrganizer }] = await Promise.all([
        serverModule(),
        import('../server/services/accounts.js'),
      ])
      const ctx = await openContext(requireChallenge(opts), dbSpec(opts))
      try {
        const user = await makeOrganizer(ctx, email)
        process.stdout.write(`${user.email} is now an organizer\n`)
      } finally {
        await ctx.db.close()
      }
    })

  serve
    .command('invite')
    .description('print a single-use sign-up invite code (for --invite-only servers)')
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (opts: DbOpts) => {
      const [{ openContext }, { createSignupInvite }] = await Promise.all([
        serverModule(),
        import('../server/services/accounts.js'),
      ])
      const ctx = await openContext(requireChallenge(opts), dbSpec(opts))
      try {
        process.stdout.write(`${await createSignupInvite(ctx, undefined)}\n`)
      } finally {
        await ctx.db.close()
      }
    })

  serve
    .command('audit-verify')
    .description("re-compute the audit log's hash chain; exit 1 if an entry was changed, removed or inserted")
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (opts: DbOpts) => {
      const [{ openContext }, { verifyAudit }] = await Promise.all([
        serverModule(),
        import('../server/services/audit.js'),
      ])
      const ctx = await openContext(requireChallenge(opts), dbSpec(opts))
      try {
        const r = await verifyAudit(ctx)
        if (r.ok) process.stdout.write(`audit log OK: ${r.entries} entries, chain intact; head ${r.head}\n`)
        else {
          process.stdout.write(`audit log BROKEN at entry ${r.brokenAt} (of ${r.total}): ${r.reason}\n`)
          process.exitCode = 1
        }
      } finally {
        await ctx.db.close()
      }
    })

  serve
    .command('rescore')
    .description('re-evaluate every scored submission of a board (old scores are kept) and print the rank changes')
    .requiredOption('--board <id>', 'the board')
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .option(
      '--workers <n>',
      'scoring workers in this command (others on the database help too)',
      numberFlag(WORKERS_RULE),
      1,
    )
    .action(async (opts: DbOpts & { board: string; workers: number }) => {
      const [{ openContext }, { startRescore, finishRescore }, { JobWorker }] = await Promise.all([
        serverModule(),
        import('../server/services/rescore.js'),
        import('../server/worker/runner.js'),
      ])
      const ctx = await openContext(requireChallenge(opts), dbSpec(opts))
      const workers = Array.from({ length: Math.max(0, opts.workers) }, () => new JobWorker(ctx, { pollMs: 300 }))
      try {
        const batch = await startRescore(ctx, undefined, opts.board)
        process.stderr.write(`rescoring ${batch.jobs.length} submissions of ${opts.board} ...\n`)
        for (const w of workers) w.start()
        const r = await finishRescore(ctx, batch)
        process.stdout.write(
          `rescored ${r.done} submissions of ${opts.board}${r.failed ? `, ${r.failed} failed` : ''}\n`,
        )
        const moved = r.changes.filter((c) => c.before !== c.after || c.scoreBefore !== c.scoreAfter)
        if (moved.length === 0) process.stdout.write('no rank or score changed\n')
        for (const c of moved) {
          process.stdout.write(
            `  ${c.team}: rank ${c.before ?? '-'} -> ${c.after ?? '-'}, score ${c.scoreBefore ?? '-'} -> ${c.scoreAfter ?? '-'}\n`,
          )
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()))
        await ctx.db.close()
      }
    })

  program
    .command('worker')
    .description(
      'score submissions from a shared database (PostgreSQL), beside `dataperf serve --workers 0` or other workers',
    )
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption().makeOptionMandatory())
    .option('--concurrency <n>', 'jobs scored at once by this process', numberFlag({ ...WORKERS_RULE, min: 1 }), 1)
    .addOption(
      new Option('--lease-seconds <n>', 'a job is retaken when its worker is silent this long').argParser(positiveInt),
    )
    .action(async (opts: { challenge: string; db: string; concurrency: number; leaseSeconds?: number }) => {
      const { startWorkers } = await serverModule()
      const started = await startWorkers(
        opts.challenge,
        opts.db,
        Math.max(1, opts.concurrency),
        workerConfig(opts),
        (line) => process.stderr.write(line + '\n'),
      )
      process.stdout.write(
        `dataperf worker: ${started.workers.map((w) => w.id).join(', ')} on ${started.ctx.db.describe}\n`,
      )
      await waitForSignal()
      await started.close()
    })
}
