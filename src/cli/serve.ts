/**
 * `dataperf serve` (the leaderboard server) and its organizer commands:
 * `serve make-organizer EMAIL`, `serve invite`, `serve audit-verify`, `serve rescore --board ID`;
 * and `dataperf worker` (scoring processes on other machines, sharing a PostgreSQL database).
 * Flags and help only: the actions (actions/serve.ts) reach the server through its facade,
 * server/index.ts, and load when a command runs.
 */
import { type Command, Option } from 'commander'
import { DEFAULT_STATE_DIR } from '../server/state-dir.js'
import type { DbFlags, ServeFlags, WorkerFlags } from './actions/serve.js'
import { numberFlag, positiveInt, positiveSeconds } from './parse.js'

const actions = () => import('./actions/serve.js')

/** Scoring workers of one process: each holds a challenge's data and a thread. */
const WORKERS_RULE = { integer: true, min: 0, max: 64 }

const dbOption = () =>
  new Option('--db <file|url>', 'SQLite file or postgres://user:pass@host/db (default: STATE/dataperf.sqlite)')
const stateOption = () =>
  new Option('--state <dir>', 'folder for the SQLite file and the signing key').default(DEFAULT_STATE_DIR)
const challengeOption = () => new Option('--challenge <dir>', 'the challenge folder (challenge.yaml)')

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
      'in-process scoring workers, each on its own thread, at most one per core (0 when `dataperf worker` processes score)',
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
    .option(
      '--server-name <name>',
      "the name or public URL written in result manifests (default: the challenge's name)",
    )
    .addOption(
      new Option('--lease-seconds <n>', 'a job is retaken when its worker is silent this long').argParser(positiveInt),
    )
    .option('--login-limit <n>', 'log-in (and sign-up, token) requests per minute per address', positiveInt, 10)
    .option('--submit-limit <n>', 'submission requests per minute per user', positiveInt, 30)
    .option(
      '--trust-proxy [addresses]',
      "behind a reverse proxy that terminates TLS: take the client's address and https from X-Forwarded-For/-Proto sent by the proxy (any peer, or only these comma-separated addresses/CIDR ranges); sends HSTS",
    )
    .addOption(
      new Option('--request-timeout <s>', 'a request (headers and body) must arrive within this time')
        .argParser(positiveSeconds)
        .default(120),
    )
    .addOption(
      new Option(
        '--idle-timeout <s>',
        'a connection on which nothing moves this long is closed (a body that stops, an idle keep-alive)',
      )
        .argParser(positiveSeconds)
        .default(30),
    )
    .option(
      '--max-connections-per-address <n>',
      'open connections one client address may hold (behind a proxy: set the per-client limit there)',
      positiveInt,
      128,
    )
    .addOption(
      new Option(
        '--lockout-seconds <s>',
        'after 5 wrong passwords in a row an account refuses log-ins this long, doubled by each further one (up to an hour)',
      )
        .argParser(positiveSeconds)
        .default(60),
    )
    .option(
      '--stop-grace <s>',
      'on SIGTERM, a job being scored may finish within this time; after it, the job goes back to the queue for the next server or worker',
      numberFlag({ min: 0, max: 3600, unit: 'seconds' }),
      2,
    )
    .action(async (opts: ServeFlags) => (await actions()).serve(opts))

  serve
    .command('make-organizer <email>')
    .description('give an existing account the organizer role')
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (email: string, opts: DbFlags) => (await actions()).makeOrganizer(email, opts))

  serve
    .command('invite')
    .description('print a single-use sign-up invite code (for --invite-only servers)')
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (opts: DbFlags) => (await actions()).invite(opts))

  serve
    .command('audit-verify')
    .description(
      "re-compute the audit log's hash chain and hold it against the server's signed checkpoints (in --state) and the result manifests; exit 1 if an entry was changed, removed (newest ones too) or inserted",
    )
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption())
    .addOption(stateOption())
    .action(async (opts: DbFlags) => (await actions()).auditVerify(opts))

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
    .action(async (opts: DbFlags & { board: string; workers: number }) => (await actions()).rescore(opts))

  program
    .command('worker')
    .description(
      'score submissions from a shared database (PostgreSQL), beside `dataperf serve --workers 0` or other workers',
    )
    .addOption(challengeOption().makeOptionMandatory())
    .addOption(dbOption().makeOptionMandatory())
    .option(
      '--concurrency <n>',
      'jobs scored at once by this process, each on its own thread (at most one per core)',
      numberFlag({ ...WORKERS_RULE, min: 1 }),
      1,
    )
    .addOption(
      new Option('--lease-seconds <n>', 'a job is retaken when its worker is silent this long').argParser(positiveInt),
    )
    .action(async (opts: WorkerFlags) => (await actions()).worker(opts))
}
