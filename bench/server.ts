/**
 * Server benchmark (`npm run bench:server`), real processes on loopback:
 * 1. Boards, on SQLite and on PostgreSQL: 10,000 scored submissions over 1,000 teams; autocannon
 *    at 50 and 200 connections on the first page of the leaderboard (compressed, as a browser
 *    asks) and on `?team=` lookups (a different team each request): p50, p99, requests/s, errors;
 *    the server's RSS.
 * 2. Scoring on PostgreSQL, the same queued speech submissions (en-25 at the demo's scale, the
 *    official 10 seeds) scored by 1 `dataperf worker`, 2 workers, 1 worker x 2 threads
 *    (`--concurrency 2`, as `serve --workers 2`: a thread each) and 2 workers x 2 threads, each on a fresh copy of
 *    one database. Throughput leaves out start-up: it counts the jobs finished
 *    after each scoring thread finished its first 20 (V8 compiles the scoring code over a process's
 *    first jobs), over the time since then; the rate from each thread's first job is printed beside
 *    it. 1 and 2 workers run in alternated rounds (1, 2 | 2, 1 | ...: a machine slowing or speeding
 *    up weighs on both orders alike); the ratio is the median round's (one try of each varies by up
 *    to 25%).
 *    For information, the same 1 and 2 worker layouts on a bigger job (en-25 at the full synthetic
 *    scale: ~4x the scoring per submission), to show how the ratio grows with the job's size.
 * Targets (issue 19): board p99 under 50 ms at 200 connections with no errors (SQLite's board),
 * 2 workers / 1 worker at least 1.7x; beside the ratio, the most the cores allow it (two workers
 * finish at most cores / their CPU per job; one worker's time per job is about its CPU per job).
 * The last line is one JSON object of the headline figures.
 * Environment: BENCH_SERVER_JOBS (submissions scored per layout, default 400),
 * BENCH_SERVER_SECONDS (autocannon duration, default 5), BENCH_SERVER_PARTS (boards,workers),
 * BENCH_SERVER_LAYOUTS (worker layouts, processes x threads, default 1x1,2x1,1x2,2x2; 1x1 and 2x1 give the ratio),
 * BENCH_SERVER_ROUNDS (alternated rounds of 1x1 and 2x1, default 4; the ratio is the median round's),
 * BENCH_SERVER_WARM_JOBS (each scoring thread's jobs counted as start-up, default 20),
 * BENCH_SERVER_BIG_JOBS (submissions per layout for the bigger job, default 100; 0 leaves it out).
 * PostgreSQL: $DATAPERF_TEST_PG_URL, else a throwaway cluster from scripts/test-postgres.sh.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import pg from 'pg'
import { stringify } from 'yaml'
import { writeFileAtomic } from '../src/io/atomic-write.js'
import { Rng } from '../src/ml/rng.js'
import { loadChallenge } from '../src/server/challenge/load.js'
import { openDb } from '../src/server/db/open.js'
import { createContext } from '../src/server/services/context.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { SPEECH_LAYOUT } from '../src/speech/layout.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { seedBoard } from '../test/helpers/board-seed.js'
import { childPids, createDatabase, startProc, type Proc } from '../test/helpers/server.js'
import { storedAndExpectedEntries } from '../test/helpers/standings-check.js'
import { figure, loadLine, median, printJsonLast, speedLine } from './report.js'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'dataperf-bench-server-'))
const JOBS = Number(process.env['BENCH_SERVER_JOBS'] ?? 400)
const SECONDS = Number(process.env['BENCH_SERVER_SECONDS'] ?? 5)
const PARTS = (process.env['BENCH_SERVER_PARTS'] ?? 'boards,workers').split(',')
const LAYOUTS = (process.env['BENCH_SERVER_LAYOUTS'] ?? '1x1,2x1,1x2,2x2').split(',')
const ROUNDS = Math.max(1, Number(process.env['BENCH_SERVER_ROUNDS'] ?? 4))
const WARM_JOBS = Math.max(1, Number(process.env['BENCH_SERVER_WARM_JOBS'] ?? 20))
const BIG_JOBS = Number(process.env['BENCH_SERVER_BIG_JOBS'] ?? 100)
const TEAMS = 1000,
  PER_TEAM = 10
const children: ChildProcess[] = []
let pgCluster: string | undefined
const json: Record<string, number> = {}

function cleanup(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  if (pgCluster) execFileSync(join(repo, 'scripts/test-postgres.sh'), ['stop', pgCluster])
  rmSync(work, { recursive: true, force: true })
}

/** `dataperf ARGS` in the work folder, killed at cleanup if still running */
async function start(args: string[]): Promise<Proc> {
  const proc = await startProc(args, work)
  children.push(proc.child)
  return proc
}

/** CPU seconds a process has used (all its threads): /proc/PID/stat utime + stime, in clock ticks of 1/100 s. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** keys of threadCpu's context switch counts (the others are CPU seconds) */
const SWITCHES = 'switches: '

/**
 * CPU seconds of a process's main thread (queue, database) and of its other threads (I/O, GC,
 * compilation; with two or more job workers in the process, their threads: worker/in-process.ts),
 * and the same for the scoring processes it started (prefixed "scoring process"); under
 * SWITCHES-prefixed keys, the context switches of each.
 */
function threadCpu(pid: number, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {}
  let tids: string[] = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out // the process ended meanwhile
  }
  for (const tid of tids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
    const group = prefix + (Number(tid) === pid ? 'main thread' : 'other threads')
    out[group] = (out[group] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100
    // its context switches: waits (voluntary: a reply, a message) and preemptions (involuntary)
    let status = ''
    try {
      status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')
    } catch {
      continue
    }
    for (const [key, name] of [
      ['voluntary_ctxt_switches', 'waits'],
      ['nonvoluntary_ctxt_switches', 'preemptions'],
    ] as const) {
      const k = `${SWITCHES}${group} ${name}`
      out[k] = (out[k] ?? 0) + Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
    }
  }
  for (const child of childPids(pid))
    for (const [k, v] of Object.entries(threadCpu(child, 'scoring process '))) out[k] = (out[k] ?? 0) + v
  return out
}

function sumThreads(procs: Proc[]): Record<string, number> {
  const groups: Record<string, number> = {}
  for (const p of procs) for (const [k, v] of Object.entries(threadCpu(p.child.pid!))) groups[k] = (groups[k] ?? 0) + v
  return groups
}

/** CPU seconds of the PostgreSQL backends serving this database, but this client's own. */
async function pgBackendCpu(client: pg.Client): Promise<number> {
  const pids = (
    await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )
  ).rows.map((r) => r.pid)
  return pids.reduce((sum, pid) => {
    try {
      return sum + cpuSeconds(pid)
    } catch {
      return sum
    }
  }, 0)
}

/** The machine's CPU ticks, all cores: busy and in all (/proc/stat); a share of busy ticks over a window shows idle gaps. */
function machineTicks(): { busy: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const all = f.reduce((a, b) => a + b, 0)
  return { busy: all - f[3]! - f[4]!, all } // idle and iowait are fields 4 and 5
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

// a challenge: speech en at cap 25, clip counts x0.2 (the demo's size), the official 10 seeds;
// en-25-big: the same at clip counts x1 (made only when the workers part runs it)
const challenge = join(work, 'challenge')
mkdirSync(challenge)
generateSpeechBenchmark({ out: join(challenge, 'speech/data'), seed: 0, languages: ['en'], scale: 0.2 })
const BIG = PARTS.includes('workers') && BIG_JOBS > 0
if (BIG) generateSpeechBenchmark({ out: join(challenge, 'speech/data-big'), seed: 0, languages: ['en'], scale: 1 })
const dataDirOf = (board: string) =>
  `speech/${board === 'en-25-big' ? 'data-big' : 'data'}/${SPEECH_LAYOUT.languageDir('en')}`
writeFileAtomic(
  join(challenge, 'challenge.yaml'),
  stringify({
    name: 'bench',
    boards: [
      {
        id: 'en-25',
        track: 'speech',
        language: 'en',
        train_size: 25,
        data_dir: dataDirOf('en-25'),
        config: `speech/${SPEECH_LAYOUT.config}`,
      },
      ...(BIG
        ? [
            {
              id: 'en-25-big',
              track: 'speech',
              language: 'en',
              train_size: 25,
              data_dir: dataDirOf('en-25-big'),
              config: `speech/${SPEECH_LAYOUT.config}`,
            },
          ]
        : []),
    ],
    phases: [
      {
        name: 'open',
        start: '2020-01-01T00:00:00Z',
        end: '2100-01-01T00:00:00Z',
        daily_limit: 1000,
        leaderboard: 'public',
        rule: 'best',
      },
    ],
  }),
)

const serveArgs = (db: string) => [
  'serve',
  '--challenge',
  challenge,
  '--db',
  db,
  '--state',
  join(work, 'state'),
  '--port',
  '0',
  '--workers',
  '0',
  '--submit-limit',
  '100000',
  '--login-limit',
  '1000',
  '--max-connections-per-address',
  '1000',
]

interface Load {
  p50: number
  p99: number
  rps: number
  errors: number
}

async function load(url: string, connections: number, paths?: () => string): Promise<Load> {
  const r = await autocannon({
    url,
    connections,
    duration: SECONDS,
    timeout: 10,
    headers: { 'accept-encoding': 'gzip, deflate, br' },
    ...(paths
      ? {
          requests: [
            {
              setupRequest: (req) => ({ ...req, path: paths() }),
            },
          ],
        }
      : {}),
  })
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    errors: r.errors + r.timeouts + r.non2xx,
  }
}

async function boardsBench(kind: 'sqlite' | 'postgres', dbSpec: string): Promise<void> {
  const db = await openDb(dbSpec)
  const teams = await seedBoard(db, { board: 'en-25', teams: TEAMS, perTeam: PER_TEAM, seed: 1 })
  await db.close()
  const server = await start(serveArgs(dbSpec))
  const path = '/api/v1/boards/en-25/leaderboard'
  const first = await fetch(`${server.url}${path}`) // builds the standings (once, after the upgrade)
  const body = (await first.json()) as { total: number; rows: unknown[] }
  const raw = Buffer.byteLength(JSON.stringify(body))
  const br = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'br' } })
  console.log(
    `\nboards on ${kind}: ${TEAMS * PER_TEAM} scored submissions, ${body.total} rows; first page ${body.rows.length} rows, ${(raw / 1024).toFixed(0)} KiB of JSON (${br.headers.get('content-encoding')} on the wire); server RSS at start ${rssMiB(server.child.pid!).rss.toFixed(0)} MiB`,
  )
  let next = 0
  const teamPath = () => `${path}?team=${encodeURIComponent(teams[next++ % teams.length]!.name)}`
  for (const [what, paths] of [
    ['first page', undefined],
    ['?team= lookup', teamPath],
  ] as const) {
    for (const connections of [50, 200]) {
      const r = await load(`${server.url}${path}`, connections, paths)
      console.log(
        `  ${what.padEnd(14)} ${String(connections).padStart(3)} connections, ${SECONDS} s: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.rps.toFixed(0)} req/s, errors ${r.errors}`,
      )
      if (kind === 'sqlite' && what === 'first page') {
        json[`leaderboard_p99_ms_${connections}`] = r.p99
        json[`leaderboard_rps_${connections}`] = r.rps
        json[`leaderboard_errors_${connections}`] = r.errors
      }
      if (kind === 'sqlite' && what !== 'first page' && connections === 200) json['team_lookup_p99_ms_200'] = r.p99
      if (kind === 'postgres' && what === 'first page' && connections === 200) json['pg_leaderboard_p99_ms_200'] = r.p99
    }
  }
  const mem = rssMiB(server.child.pid!)
  console.log(`  server RSS after: ${mem.rss.toFixed(0)} MiB (peak ${mem.peak.toFixed(0)} MiB)`)
  if (kind === 'sqlite') {
    json['server_rss_mib'] = mem.rss
    const p99 = json['leaderboard_p99_ms_200']!
    console.log(
      figure(
        'board p99 at 200 connections (SQLite)',
        `${p99} ms`,
        'under 50 ms, no errors',
        p99 < 50 && json['leaderboard_errors_200'] === 0,
      ),
    )
  }
  await server.stop()
}

function selections(board: string, count: number): Buffer[] {
  const allowed = readSampleIdsYaml(join(challenge, dataDirOf(board), SPEECH_LAYOUT.allowedTrainingSet))
  const rng = new Rng(7)
  const pick = (ids: string[], n: number) => {
    const c = [...ids]
    for (let i = c.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1))
      ;[c[i], c[j]] = [c[j]!, c[i]!]
    }
    return c.slice(0, n)
  }
  return Array.from({ length: count }, () => {
    const targets: Record<string, string[]> = {}
    for (const [w, ids] of allowed.targets) targets[w] = pick(ids, 3)
    return Buffer.from(
      JSON.stringify({ targets, nontargets: pick(allowed.nontargets, 24 - Object.values(targets).flat().length) }),
    )
  })
}

/**
 * Drops a database of this bench once measured: PostgreSQL's autovacuum would otherwise work
 * through each finished run's dead rows while the next runs are timed.
 */
async function dropDatabase(base: string, url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`)
  await admin.end()
}

/**
 * A database with `jobs` queued submissions to `board` (uploaded through the API), vacuumed and
 * analysed, for workersBench to copy for each layout.
 */
async function queuedTemplate(base: string, board: string, jobs: number): Promise<string> {
  const url = await createDatabase(base, `bench_template_${board.replaceAll('-', '_')}`)
  const server = await start(serveArgs(url))
  const api = `${server.url}/api/v1`
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${api}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>)
  await post('auth/signup', { email: 'w@bench.example', name: 'w', password: 'bench password' })
  const { token } = await post('tokens', { name: 'b', email: 'w@bench.example', password: 'bench password' })
  await post('teams', { name: 'bench' }, token)
  for (const bytes of selections(board, jobs)) {
    const form = new FormData()
    form.append('method', 'm')
    form.append('file', new Blob([new Uint8Array(bytes)]), 'en_25_train.json')
    const r = await fetch(`${api}/boards/${board}/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    if (r.status !== 202) throw new Error(`submission refused: ${r.status} ${await r.text()}`)
  }
  await server.stop()
  // its copies start with no dead rows and with statistics: autovacuum finds nothing to do at once
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('vacuum analyze')
  await client.end()
  return url
}

async function workersBench(
  base: string,
  template: string,
  processes: number,
  threads: number,
  jobs: number,
): Promise<{ rate: number; rateFirst: number; cpuMsPerJob: number }> {
  const name = `bench_${processes}x${threads}_${Date.now()}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`create database ${name} template ${new URL(template).pathname.slice(1)}`)
  await admin.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  const dbUrl = url.toString()
  const t0 = Date.now()
  const procs: Proc[] = []
  for (let i = 0; i < processes; i++)
    procs.push(await start(['worker', '--challenge', challenge, '--db', dbUrl, '--concurrency', String(threads)]))
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  const warmN = processes * threads
  let atWarm: { cpu: Record<string, number>; pg: number; n: number; ticks: { busy: number; all: number } } | undefined
  for (;;) {
    const r = await client.query<{ n: number; warm: number }>(
      `select coalesce(sum(n), 0)::int as n, count(*) filter (where n >= $1)::int as warm
       from (select count(*) as n from jobs where status in ('done', 'failed') group by lease_owner) t`,
      [WARM_JOBS],
    )
    // start-up ends when every scoring thread (a job worker, its lease_owner) has finished WARM_JOBS jobs
    if (!atWarm && r.rows[0]!.warm >= warmN)
      atWarm = { cpu: sumThreads(procs), pg: await pgBackendCpu(client), n: r.rows[0]!.n, ticks: machineTicks() }
    if (r.rows[0]!.n === jobs) break
    await new Promise((res) => setTimeout(res, 200))
  }
  const total = (Date.now() - t0) / 1000
  const done = (
    await client.query<{ t: string; owner: string }>(
      "select finished_at as t, lease_owner as owner from jobs where status = 'done' order by finished_at",
    )
  ).rows
  const finished = done.map((r) => Date.parse(r.t))
  const twice = (await client.query('select count(*)::int as n from jobs where attempts <> 1')).rows[0].n as number
  const failed = (await client.query("select count(*)::int as n from jobs where status = 'failed'")).rows[0].n as number
  const standings = await checkStandings(dbUrl)
  const steady = sumThreads(procs)
  const steadyPg = await pgBackendCpu(client)
  const ticks = machineTicks()
  // each scoring process's memory at the end (RSS now and its peak)
  const scoringRss = procs
    .flatMap((p) => childPids(p.child.pid!))
    .map((pid) => {
      const m = rssMiB(pid)
      json['scoring_process_rss_mib'] = Math.max(json['scoring_process_rss_mib'] ?? 0, m.rss)
      return `${m.rss.toFixed(0)} (peak ${m.peak.toFixed(0)})`
    })
  // where the CPU goes once started (a ratio of CPU time means something even on a busy machine):
  // one worker using more than one core is what keeps two from doubling its throughput
  let cpuLine = ''
  let switchLine = ''
  let cpuMsPerJob = Number.NaN
  if (atWarm) {
    const n = jobs - atWarm.n
    const per = (sec: number) => `${((sec / n) * 1000).toFixed(1)}`
    let sum = steadyPg - atWarm.pg
    const deltas = Object.entries(steady).map(([k, v]) => [k, v - (atWarm!.cpu[k] ?? 0)] as const)
    const parts = deltas.filter(([k]) => !k.startsWith(SWITCHES))
    for (const [, d] of parts) sum += d
    cpuMsPerJob = (sum / n) * 1000
    // every wait for PostgreSQL or the scoring process is a wake-up, and each wake-up can preempt
    // the other worker's scoring process: these counts show what two workers cost each other
    switchLine = `    context switches per job: ${deltas
      .filter(([k]) => k.startsWith(SWITCHES))
      .map(([k, d]) => `${k.slice(SWITCHES.length)} ${(d / n).toFixed(1)}`)
      .join(', ')}`
    cpuLine = `    after start-up (${n} jobs), CPU ms per job: ${parts
      .filter(([, d]) => d > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, d]) => `${k} ${per(d)}`)
      .join(', ')}, PostgreSQL backends ${per(steadyPg - atWarm.pg)}; total ${per(sum)}; machine busy ${(
      (100 * (ticks.busy - atWarm.ticks.busy)) / (ticks.all - atWarm.ticks.all)
    ).toFixed(0)}% of its cores`
  }
  await client.end()
  // the worker processes and the scoring processes they started
  const cpu = procs.reduce(
    (sum, p) => sum + [p.child.pid!, ...childPids(p.child.pid!)].reduce((s, pid) => s + cpuSeconds(pid), 0),
    0,
  )
  await Promise.all(procs.map((p) => p.stop()))
  await dropDatabase(base, dbUrl)
  // start-up left out: from the moment every scoring thread (job worker) had finished its first
  // WARM_JOBS jobs: a worker process started later than another is still starting while the first
  // one scores, and V8 still compiles a scoring process's code over its first jobs (two workers
  // pay that twice in the same number of jobs; with one, the compiler's thread has the idle core).
  // For comparison, the rate from each thread's first job on.
  const last = finished.length - 1
  /** jobs per minute finished after the `from`-th one */
  const rateFrom = (from: number) =>
    from >= 0 && from < last ? ((last - from) / (finished[last]! - finished[from]!)) * 60_000 : Number.NaN
  const rateAfter = (k: number) => {
    const count = new Map<string, number>()
    let from = -1 // index of the job that made the last thread's k-th
    done.forEach((r, i) => {
      const c = (count.get(r.owner) ?? 0) + 1
      count.set(r.owner, c)
      if (c === k) from = i
    })
    return rateFrom(from)
  }
  const rate = rateAfter(WARM_JOBS)
  const rateFirst = rateAfter(1)
  // the same over the last half of the jobs: each scoring process keeps optimizing its code (and
  // filling its caches) for tens of jobs after its first, so a rate still climbing shows here
  const lateRate = rateFrom(Math.floor(finished.length / 2))
  console.log(
    `  ${processes} process${processes > 1 ? 'es' : ''} x ${threads} thread${threads > 1 ? 's' : ''}: ${rate.toFixed(1)} submissions/min after start-up (from each thread's first job: ${rateFirst.toFixed(1)}/min; last half of the jobs: ${lateRate.toFixed(1)}/min; ${jobs} in ${total.toFixed(1)} s with start-up: ${((jobs / total) * 60).toFixed(1)}/min); ${((cpu / jobs) * 1000).toFixed(0)} ms of worker CPU per job; failed ${failed}, taken more than once ${twice}`,
  )
  if (cpuLine) console.log(cpuLine)
  if (switchLine) console.log(switchLine)
  console.log(`    scoring process RSS: ${scoringRss.join(', ')} MiB`)
  console.log(`    ${standings}`)
  return { rate, rateFirst, cpuMsPerJob }
}

/**
 * The board the workers wrote (table standings) against the ranking rules over every scored
 * submission: the workers wrote it concurrently, one team's submissions in both at once. A mismatch
 * ends the bench.
 */
async function checkStandings(dbUrl: string): Promise<string> {
  const db = await openDb(dbUrl)
  try {
    const boards = await storedAndExpectedEntries(createContext(db, loadChallenge(challenge)))
    if (boards.length === 0) throw new Error('standings: no scored submission to check')
    for (const { key, stored, expected } of boards)
      if (JSON.stringify(stored) !== JSON.stringify(expected))
        throw new Error(
          `standings of ${key}: stored ${JSON.stringify(stored)}, the ranking rules give ${JSON.stringify(expected)}`,
        )
    return `standings: ${boards.map((b) => `${b.key} ${b.stored.length} entries`).join(', ')}, as the ranking rules give them`
  } finally {
    await db.close()
  }
}

try {
  console.log(`bench:server; ${loadLine()}`)
  let base = process.env['DATAPERF_TEST_PG_URL']
  if (!base) {
    const env = execFileSync(join(repo, 'scripts/test-postgres.sh'), ['start'], { encoding: 'utf8' })
    base = /DATAPERF_TEST_PG_URL=(\S+)/.exec(env)![1]!
    pgCluster = /DATAPERF_TEST_PG_DIR=(\S+)/.exec(env)![1]!
  }
  if (PARTS.includes('boards')) {
    await boardsBench('sqlite', join(work, 'board.sqlite'))
    const board = await createDatabase(base, 'bench_board')
    await boardsBench('postgres', board)
    await dropDatabase(base, board)
  }
  if (PARTS.includes('workers')) {
    console.log(
      `\nscoring on PostgreSQL (speech en-25 at the demo's scale, 10 seeds; ${JOBS} submissions queued before the workers start)`,
    )
    const template = await queuedTemplate(base, 'en-25', JOBS)
    console.log(`  ${speedLine()}`)
    // 1 and 2 workers in ROUNDS alternated rounds (1, 2 | 2, 1 | 1, 2 ...): one layout scoring the
    // same jobs twice gives rates up to ~25% apart while the cores stay as fast (speedLine), so one
    // try of each is a draw; each round's ratio compares two runs taken side by side, and the figure
    // is the median round's
    const runs: Record<string, Array<{ rate: number; rateFirst: number; cpuMsPerJob: number }>> = {}
    const measure = async (layout: string) => {
      const [processes, threads] = layout.split('x').map(Number)
      ;(runs[layout] ??= []).push(await workersBench(base, template, processes!, threads!, JOBS))
    }
    const paired = LAYOUTS.includes('1x1') && LAYOUTS.includes('2x1')
    const ratios: number[] = []
    const ratiosFirst: number[] = [] // the rates from each thread's first job
    for (let round = 0; paired && round < ROUNDS; round++) {
      console.log(`  round ${round + 1} of ${ROUNDS}`)
      for (const layout of round % 2 === 0 ? ['1x1', '2x1'] : ['2x1', '1x1']) await measure(layout)
      const [one, two] = [runs['1x1']![round]!, runs['2x1']![round]!]
      ratios.push(two.rate / one.rate)
      ratiosFirst.push(two.rateFirst / one.rateFirst)
      console.log(
        `  round ${round + 1}: 2 workers / 1 worker ${ratios[round]!.toFixed(2)}x (from each thread's first job: ${ratiosFirst[round]!.toFixed(2)}x)`,
      )
    }
    for (const layout of LAYOUTS) if (!paired || (layout !== '1x1' && layout !== '2x1')) await measure(layout)
    console.log(`  ${speedLine()}`)
    const rates = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, median(r.map((x) => x.rate))]))
    const one = rates['1x1'],
      two = rates['2x1']
    if (one !== undefined) json['workers_1_per_min'] = one
    if (two !== undefined) json['workers_2_per_min'] = two
    // 1x2: two job workers in one process, as `dataperf worker --concurrency 2` and `serve --workers 2` run them
    if (rates['1x2'] !== undefined) json['workers_1x2_per_min'] = rates['1x2']
    if (rates['2x2'] !== undefined) json['workers_2x2_per_min'] = rates['2x2']
    if (one !== undefined && two !== undefined) {
      const ratio = median(ratios)
      json['workers_2_over_1'] = ratio
      json['workers_2_over_1_min'] = Math.min(...ratios)
      json['workers_2_over_1_max'] = Math.max(...ratios)
      json['workers_2_over_1_from_first_job'] = median(ratiosFirst)
      console.log(
        figure(
          `2 workers / 1 worker (PostgreSQL; median of ${ratios.length})`,
          `${ratio.toFixed(2)}x`,
          'at least 1.7x',
          ratio >= 1.7,
        ),
      )
      console.log(
        `  rounds: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; start-up: each scoring thread's first ${WARM_JOBS} jobs`,
      )
      console.log(
        `  from each thread's first job instead: ${median(ratiosFirst).toFixed(2)}x (rounds ${ratiosFirst.map((r) => `${r.toFixed(2)}x`).join(', ')})`,
      )
      // What the cores allow: one worker runs its job's parts one after another (its time per job is
      // about its CPU per job), so two workers sharing the machine's cores finish at most
      // cores / (their CPU per job) jobs, however little they wait for each other.
      const cores = Math.min(2, availableParallelism()) // two workers use at most two cores
      const cpu2 = median(runs['2x1']!.map((x) => x.cpuMsPerJob))
      if (Number.isFinite(cpu2)) {
        const bound = (cores * 60_000) / cpu2
        json['workers_2_over_1_cpu_bound'] = bound / one
        console.log(
          `  the cores' bound: ${cores} cores / ${cpu2.toFixed(1)} ms of CPU per job with 2 workers = ${bound.toFixed(0)}/min at 100% busy, ${(bound / one).toFixed(2)}x the 1 worker's ${one.toFixed(0)}/min (1 worker: ${(60_000 / one).toFixed(1)} ms per job, ${median(runs['1x1']!.map((x) => x.cpuMsPerJob)).toFixed(1)} ms of CPU; medians of the rounds)`,
        )
      }
    }
    await dropDatabase(base, template)
    if (BIG) {
      console.log(
        `\nfor information: a bigger job (en-25 at the full synthetic scale, ~4x the scoring per submission; ${BIG_JOBS} submissions)`,
      )
      const big = await queuedTemplate(base, 'en-25-big', BIG_JOBS)
      const one = (await workersBench(base, big, 1, 1, BIG_JOBS)).rate
      const two = (await workersBench(base, big, 2, 1, BIG_JOBS)).rate
      await dropDatabase(base, big)
      json['workers_big_1_per_min'] = one
      json['workers_big_2_per_min'] = two
      json['workers_big_2_over_1'] = two / one
      console.log(`  2 workers / 1 worker on the bigger job: ${(two / one).toFixed(2)}x (information; no target)`)
    }
  }
  console.log(loadLine())
  printJsonLast(json)
} finally {
  cleanup()
}
