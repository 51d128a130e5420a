/**
 * Server benchmark (`npm run bench:server`), against real processes on loopback:
 * 1. leaderboard JSON latency (p50/p99) and requests/s with autocannon at 50 and 200
 *    connections, on a board with 10,000 scored submissions (500 teams x 20), and the server's RSS;
 * 2. submissions scored per minute on PostgreSQL with 1 and then 2 `dataperf worker` processes
 *    (the same 24 speech submissions, official 10-seed config, each run on a fresh database).
 * PostgreSQL: $DATAPERF_TEST_PG_URL, else a throwaway cluster from scripts/test-postgres.sh.
 */
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { stringify } from 'yaml'
import { writeFileAtomic } from '../src/io/atomic-write.js'
import { Rng } from '../src/ml/rng.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { SPEECH_LAYOUT } from '../src/speech/layout.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { openDb } from '../src/server/db/open.js'
import { newId } from '../src/server/db/ids.js'
import { createDatabase, startProc, type Proc } from '../test/helpers/server.js'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'dataperf-bench-server-'))
const children: ChildProcess[] = []
let pgCluster: string | undefined

function cleanup(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  if (pgCluster) execFileSync(join(repo, 'scripts/test-postgres.sh'), ['stop', pgCluster])
  rmSync(work, { recursive: true, force: true })
}

/** `dataperf ARGS` in the work folder, killed at cleanup if still running */
async function start(args: string[]): Promise<Proc> {
  const proc = await startProc(args, work)
  children.push(proc.child)
  return proc
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

// a challenge: speech en at cap 25, clip counts x0.2 (the demo's size), the official 10 seeds
const challenge = join(work, 'challenge')
mkdirSync(challenge)
generateSpeechBenchmark({ out: join(challenge, 'speech/data'), seed: 0, languages: ['en'], scale: 0.2 })
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
        data_dir: `speech/data/${SPEECH_LAYOUT.languageDir('en')}`,
        config: `speech/${SPEECH_LAYOUT.config}`,
      },
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

async function leaderboardBench(): Promise<void> {
  const dbFile = join(work, 'board.sqlite')
  const db = await openDb(dbFile)
  const rng = new Rng(1)
  const now = Date.now()
  const seeds = [5, 69, 98, 70, 95, 64, 37, 11, 4, 32]
  await db.kysely.transaction().execute(async (trx) => {
    for (let t = 0; t < 500; t++) {
      const user = newId('usr'),
        team = newId('team')
      await trx
        .insertInto('users')
        .values({
          id: user,
          email: `u${t}@bench`,
          name: `u${t}`,
          password_hash: 'x',
          role: 'participant',
          created_at: new Date(now).toISOString(),
        })
        .execute()
      await trx
        .insertInto('teams')
        .values({ id: team, name: `Team ${t}`, created_by: user, created_at: new Date(now).toISOString() })
        .execute()
      const rows = Array.from({ length: 20 }, (_, k) => {
        const perSeedF1 = seeds.map(() => 0.3 + 0.5 * rng.uniform())
        const at = new Date(now - (t * 20 + k) * 1000).toISOString()
        return {
          id: newId('sub'),
          board: 'en-25',
          team_id: team,
          user_id: user,
          phase: 'open',
          method: `method ${k}`,
          description: null,
          link: null,
          sha256: newId('sha'),
          status: 'scored' as const,
          stage: null,
          progress_done: 4,
          progress_total: 4,
          error: null,
          score: perSeedF1.reduce((a, b) => a + b, 0) / seeds.length,
          details: JSON.stringify({ seeds, perSeedF1 }),
          score_id: null,
          baseline: 0,
          quota_day: at.slice(0, 10),
          submitted_at: at,
          scored_at: at,
        }
      })
      await trx.insertInto('submissions').values(rows).execute()
    }
  })
  await db.close()
  const server = await start([
    'serve',
    '--challenge',
    challenge,
    '--db',
    dbFile,
    '--state',
    join(work, 'state'),
    '--port',
    '0',
    '--workers',
    '0',
  ])
  const url = `${server.url}/api/v1/boards/en-25/leaderboard`
  const body = await (await fetch(url)).text()
  console.log(
    `leaderboard: 10,000 scored submissions, ${(JSON.parse(body) as { rows: unknown[] }).rows.length} rows, ${(body.length / 1024).toFixed(0)} KiB of JSON; server RSS at start ${rssMiB(server.child.pid!).rss.toFixed(0)} MiB`,
  )
  for (const connections of [50, 200]) {
    const out = execFileSync(
      process.execPath,
      [join(repo, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', '10', '-j', url],
      { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] },
    )
    const r = JSON.parse(out) as {
      latency: { p50: number; p99: number }
      requests: { average: number }
      non2xx: number
      errors: number
    }
    console.log(
      `  ${String(connections).padStart(3)} connections, 10 s: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.requests.average.toFixed(0)} req/s (non-2xx ${r.non2xx}, errors ${r.errors})`,
    )
  }
  const mem = rssMiB(server.child.pid!)
  console.log(`  server RSS after: ${mem.rss.toFixed(0)} MiB (peak ${mem.peak.toFixed(0)} MiB)`)
  server.child.kill('SIGTERM')
}

function selections(count: number): Buffer[] {
  const allowed = readSampleIdsYaml(
    join(challenge, 'speech/data', SPEECH_LAYOUT.languageDir('en'), SPEECH_LAYOUT.allowedTrainingSet),
  )
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

async function workersBench(base: string, workers: number, files: Buffer[]): Promise<number> {
  const dbUrl = await createDatabase(base, 'bench')
  const server = await start([
    'serve',
    '--challenge',
    challenge,
    '--db',
    dbUrl,
    '--state',
    join(work, 'state'),
    '--port',
    '0',
    '--workers',
    '0',
    '--login-limit',
    '1000',
    '--submit-limit',
    '1000',
  ])
  const api = `${server.url}/api/v1`
  const post = (path: string, json: unknown, token?: string) =>
    fetch(`${api}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(json),
    }).then((r) => r.json() as Promise<any>)
  await post('auth/signup', { email: 'w@bench', name: 'w', password: 'bench password' })
  const { token } = await post('tokens', { name: 'b', email: 'w@bench', password: 'bench password' })
  await post('teams', { name: 'bench' }, token)
  for (const bytes of files) {
    const form = new FormData()
    form.append('method', 'm')
    form.append('file', new Blob([new Uint8Array(bytes)]), 'en_25_train.json')
    const r = await fetch(`${api}/boards/en-25/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    if (r.status !== 202) throw new Error(`submission refused: ${r.status} ${await r.text()}`)
  }
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  const t0 = Date.now()
  const procs = []
  for (let i = 0; i < workers; i++) procs.push(await start(['worker', '--challenge', challenge, '--db', dbUrl]))
  for (;;) {
    const r = await client.query("select count(*)::int as n from submissions where status in ('scored', 'failed')")
    if (r.rows[0].n === files.length) break
    await new Promise((res) => setTimeout(res, 200))
  }
  const minutes = (Date.now() - t0) / 60000
  const twice = await client.query('select count(*)::int as n from jobs where attempts <> 1')
  await client.end()
  for (const p of [...procs, server]) p.child.kill('SIGTERM')
  const rate = files.length / minutes
  console.log(
    `  ${workers} worker${workers > 1 ? 's' : ''}: ${files.length} submissions in ${(minutes * 60).toFixed(1)} s (including worker start) = ${rate.toFixed(1)} per minute; jobs taken more than once: ${twice.rows[0].n}`,
  )
  return rate
}

try {
  await leaderboardBench()
  let base = process.env['DATAPERF_TEST_PG_URL']
  if (!base) {
    const env = execFileSync(join(repo, 'scripts/test-postgres.sh'), ['start'], { encoding: 'utf8' })
    base = /DATAPERF_TEST_PG_URL=(\S+)/.exec(env)![1]!
    pgCluster = /DATAPERF_TEST_PG_DIR=(\S+)/.exec(env)![1]!
  }
  const files = selections(24)
  console.log('scoring on PostgreSQL (speech en-25, 10 seeds, 24 submissions queued before the workers start):')
  const one = await workersBench(base, 1, files)
  const two = await workersBench(base, 2, files)
  console.log(`  2 workers / 1 worker: ${(two / one).toFixed(2)}x`)
} finally {
  cleanup()
}
