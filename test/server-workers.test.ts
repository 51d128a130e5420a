/**
 * Workers that scale: a worker's scoring thread lives across jobs (started once, not per job),
 * in-process workers run one thread each, the data a board's scorings share is kept between jobs
 * yet never outlives a change of the files (a rescoring after the organizer replaced eval data
 * gives `dataperf speech eval`'s new score and the new file's hash in the manifest), and on
 * PostgreSQL a queued job is announced to idle workers when its transaction commits (NOTIFY). A
 * worker killed outright (SIGKILL: no handler runs) leaves no scoring process behind.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { openDb } from '../src/server/db/open.js'
import { enqueueJob, JOBS_CHANNEL } from '../src/server/queue/jobs.js'
import { loadChallenge } from '../src/server/challenge/load.js'
import type { User } from '../src/server/services/accounts.js'
import { createContext, type ServerContext } from '../src/server/services/context.js'
import { setBaseline } from '../src/server/services/leaderboard.js'
import { signUp } from '../src/server/services/accounts.js'
import { submit } from '../src/server/services/submissions.js'
import { createTeam } from '../src/server/services/teams.js'
import { openContext } from '../src/server/open-context.js'
import { startJobWorkers } from '../src/server/worker/in-process.js'
import { patchPhase } from '../src/server/services/phase-changes.js'
import { effectivePhases } from '../src/server/services/phases.js'
import { runCli, runCliAsync } from './helpers/cli.js'
import {
  Api,
  freshPostgres,
  makeChallenge,
  speechEvalArgs,
  speechSelection,
  childPids,
  startProc,
  until,
  type Proc,
} from './helpers/server.js'
import { storedAndExpectedEntries } from './helpers/standings-check.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, challenge: string
before(() => {
  root = tempFolder('workers')
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 20 })
})

const DATA = () => join(challenge, 'speech/data/dataperf_en_data')
const upload = (seed: number) => [{ name: 'en_25_train.json', bytes: speechSelection(challenge, seed) }]
const scorerStarts = (log: string) => log.split('\n').filter((l) => l.endsWith('scoring process started')).length

function speechEval(file: string): number {
  const r = runCli([...speechEvalArgs(challenge, file), '--json'], root)
  assert.equal(r.code, 0, r.stderr)
  return (JSON.parse(r.stdout) as { score: number }).score
}

test('in-process workers keep one scoring thread each across jobs; a rescoring after an eval-data change uses the new data', async () => {
  const state = join(root, 'state')
  const dbFile = join(state, 'server.sqlite')
  const server = await startProc(
    ['serve', '--challenge', challenge, '--db', dbFile, '--state', state, '--port', '0', '--workers', '2'],
    root,
  )
  try {
    const api = new Api(server.url)
    const p = await api.participant('pat@example.org', 'Team Pat')
    const ids: string[] = []
    for (let seed = 1; seed <= 6; seed++) {
      const r = await api.submit(p.token, 'en-25', upload(seed))
      assert.equal(r.status, 202, JSON.stringify(r.body))
      ids.push(r.body.submission.id)
    }
    for (const id of ids) assert.equal((await api.waitScored(p.token, id)).status, 'scored')
    const started = scorerStarts(server.output())
    assert.ok(started >= 1 && started <= 2, `${started} scoring threads started for 6 jobs on 2 workers`)
    assert.match(server.output(), /in-process workers: 2\n/)
    // two in-process workers run on a thread each (worker/in-process.ts), which their ids name
    const db = await openDb(dbFile)
    try {
      const workerIds = (await db.kysely.selectFrom('workers').select('id').execute()).map((w) => w.id)
      assert.equal(onThreads(workerIds), 2, workerIds.join(', '))
    } finally {
      await db.close()
    }

    // the organizer drops a third of the eval clips and rescores: the kept eval set must not be reused
    const file = join(root, 'en_25_train.json')
    writeFileSync(file, speechSelection(challenge, 1))
    const before = (await api.call('GET', `submissions/${ids[0]}`, { token: p.token })).body.score as number
    assert.equal(before, speechEval(file))
    const evalFile = join(DATA(), 'eval.yaml')
    const evalIds = parse(readFileSync(evalFile, 'utf8')) as { targets: Record<string, string[]>; nontargets: string[] }
    evalIds.nontargets = evalIds.nontargets.filter((_, i) => i % 3 !== 0)
    writeFileSync(evalFile, stringify(evalIds))
    const o = await api.participant('olga@example.org', 'Organizers')
    const promote = runCli(
      ['serve', 'make-organizer', 'olga@example.org', '--challenge', challenge, '--db', dbFile, '--state', state],
      root,
    )
    assert.equal(promote.code, 0, promote.stderr)
    const rescore = await api.call('POST', 'admin/boards/en-25/rescore?wait=1', { token: o.token })
    assert.equal(rescore.status, 200, JSON.stringify(rescore.body))
    const expected = speechEval(file)
    assert.notEqual(expected, before, 'the data change moves the score')
    await until('the rescored score', async () => {
      const s = (await api.call('GET', `submissions/${ids[0]}`, { token: p.token })).body
      return s.score === expected ? true : undefined
    })
    const manifest = (await api.call('GET', `submissions/${ids[0]}/manifest`, { token: p.token })).body.manifest
    const sha = createHash('sha256').update(readFileSync(evalFile)).digest('hex')
    const key = Object.keys(manifest.data_files).find((k) => k.endsWith('eval.yaml'))!
    assert.equal(manifest.data_files[key], sha, 'the manifest names the new eval file')
    assert.equal(manifest.score, expected)
  } finally {
    await server.stop()
  }
})

test('PostgreSQL: a queued job is announced at commit; `dataperf worker --concurrency 2` scores with two threads', async (t) => {
  const url = await freshPostgres()
  if (!url) return t.skip('no PostgreSQL cluster (DATAPERF_TEST_PG_URL)')
  const db = await openDb(url)
  const heard: string[] = []
  await db.listen(JOBS_CHANNEL, (payload) => {
    if (payload !== undefined) heard.push(payload)
  })
  const server = await startProc(
    [
      'serve',
      '--challenge',
      challenge,
      '--db',
      url,
      '--state',
      join(root, 'pg-state'),
      '--port',
      '0',
      '--workers',
      '0',
    ],
    root,
  )
  try {
    const api = new Api(server.url)
    const p = await api.participant('pg@example.org', 'Team PG')
    const first = await api.submit(p.token, 'en-25', upload(11))
    assert.equal(first.status, 202)
    await until('the NOTIFY of the first job', async () => (heard.length > 0 ? true : undefined), 10_000, 20)
    assert.deepEqual(heard, ['score'])
    // nothing is announced before the transaction commits
    const sub = await db.kysely.selectFrom('submissions').select('id').executeTakeFirstOrThrow()
    await db.kysely.transaction().execute(async (trx) => {
      await enqueueJob(db, trx, sub.id, 'rescore', new Date())
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(heard.length, 1, 'announced before the commit')
    })
    await until('the NOTIFY at commit', async () => (heard.length === 2 ? true : undefined), 10_000, 20)
    const more = []
    for (const seed of [12, 13, 14]) more.push((await api.submit(p.token, 'en-25', upload(seed))).body.submission.id)
    // a second team, one of whose queued submissions the organizers mark as a baseline: the
    // board's entries below are those of every scored submission, whichever way the worker wrote them
    const q = await api.participant('pg2@example.org', 'Team PG 2')
    for (const seed of [15, 16]) more.push((await api.submit(q.token, 'en-25', upload(seed))).body.submission.id)
    const ctx = createContext(db, loadChallenge(challenge))
    await db.kysely
      .insertInto('users')
      .values({ ...organizer, password_hash: 'x', created_at: new Date().toISOString() })
      .execute()
    await setBaseline(ctx, organizer, more.at(-1)!, true)
    const worker = await startProc(['worker', '--challenge', challenge, '--db', url, '--concurrency', '2'], root)
    try {
      const printed = /dataperf worker: (.*) on /.exec(worker.output())![1]!.split(', ')
      assert.equal(onThreads(printed), 2, printed.join(', '))
      for (const [i, id] of [first.body.submission.id, ...more].entries())
        assert.equal((await api.waitScored(i < 4 ? p.token : q.token, id)).status, 'scored')
      await until('the rescore job', async () => {
        const j = await db.kysely.selectFrom('jobs').select('status').where('kind', '=', 'rescore').executeTakeFirst()
        return j?.status === 'done' ? true : undefined
      })
      const started = scorerStarts(worker.output())
      assert.ok(started >= 1 && started <= 2, `${started} scoring threads started for 7 jobs on 2`)
      // on PostgreSQL a job's rows are written by one statement (runner.ts): the audit chain
      // holds, each score's manifest names the audit entry of its own submission, each scored
      // submission points at its score, and the worker counted every job
      const verified = await runCliAsync(['serve', 'audit-verify', '--challenge', challenge, '--db', url], root)
      assert.equal(verified.code, 0, verified.stdout + verified.stderr)
      assert.match(verified.stdout, /^audit log OK: \d+ entries/)
      const scores = await db.kysely.selectFrom('scores').select(['id', 'submission_id', 'manifest']).execute()
      assert.equal(scores.length, 7)
      for (const s of scores) {
        const audit = (JSON.parse(s.manifest) as { audit: { seq: number; hash: string } }).audit
        const entry = await db.kysely
          .selectFrom('audit_log')
          .select(['hash', 'kind', 'payload'])
          .where('seq', '=', audit.seq)
          .executeTakeFirstOrThrow()
        assert.equal(entry.hash, audit.hash)
        assert.ok(['score', 'rescore'].includes(entry.kind), entry.kind)
        const payload = typeof entry.payload === 'string' ? JSON.parse(entry.payload) : entry.payload
        assert.equal(payload.submission, s.submission_id)
      }
      const latest = await db.kysely.selectFrom('submissions').select(['status', 'score_id']).execute()
      assert.ok(latest.every((r) => r.status === 'scored' && scores.some((s) => s.id === r.score_id)))
      const done = await db.kysely.selectFrom('workers').select('jobs_done').execute()
      assert.equal(
        done.reduce((n, w) => n + Number(w.jobs_done), 0),
        7,
      )
      await assertEntriesOfScored(ctx)
      // the organizers rank by each team's latest submission from now on: later scorings keep it
      const [open] = await effectivePhases(ctx)
      assert.equal(open!.rule, 'best')
      await patchPhase(ctx, organizer, open!.name, { rule: 'latest' })
      const late = [
        (await api.submit(p.token, 'en-25', upload(17))).body.submission.id,
        (await api.submit(q.token, 'en-25', upload(18))).body.submission.id,
      ]
      assert.equal((await api.waitScored(p.token, late[0])).status, 'scored')
      assert.equal((await api.waitScored(q.token, late[1])).status, 'scored')
      await assertEntriesOfScored(ctx)
    } finally {
      await worker.stop()
    }
  } finally {
    await server.stop()
    await db.close()
  }
})

test('two job workers in one process run on a thread each: a job queued here wakes them, and what they change reaches this thread', async () => {
  const dbFile = join(root, 'threads.sqlite')
  const ctx = await openContext(challenge, dbFile)
  // polls far apart: only the wake this thread passes on gets the job taken within the test
  const workers = await startJobWorkers(ctx, { dbSpec: dbFile, count: 2, pollMs: 120_000 })
  try {
    assert.equal(onThreads(workers.ids), 2, workers.ids.join(', '))
    await new Promise((r) => setTimeout(r, 300)) // both have polled the empty queue and wait
    const changed: string[] = []
    ctx.events.on('submission', (id: string) => changed.push(id))
    const boards = new Promise<void>((r) => ctx.events.once('boards', () => r()))
    const user = await signUp(ctx, { email: 'threads@example.org', name: 'T', password: 'correct horse battery' })
    await createTeam(ctx, user, 'Team Threads')
    const { submission } = await submit(ctx, user, 'en-25', upload(31), { method: 'random' })
    await until('the score', async () => {
      const row = await ctx.db.kysely
        .selectFrom('submissions')
        .select('status')
        .where('id', '=', submission.id)
        .executeTakeFirst()
      return row?.status === 'scored' ? true : undefined
    })
    await boards // the worker's new standings, told here (the pages' live updates hear of them at once)
    // queued (this thread), running and scored (a worker's thread)
    assert.ok(changed.filter((id) => id === submission.id).length >= 3, changed.join(', '))
    const owner = await ctx.db.kysely.selectFrom('jobs').select('lease_owner').executeTakeFirstOrThrow()
    assert.ok(workers.ids.includes(owner.lease_owner!), `${owner.lease_owner} is one of ${workers.ids.join(', ')}`)
  } finally {
    await workers.stop()
    await ctx.db.close()
  }
})

/** How many distinct threads (other than a process's main one) these worker ids name (runner.ts). */
function onThreads(ids: string[]): number {
  return new Set(ids.map((id) => /^wrk_.+_\d+_t(\d+)_[^_]+$/.exec(id)?.[1]).filter((t) => t !== undefined)).size
}

const organizer: User = { id: 'usr_org', email: 'org@example.org', name: 'Org', role: 'organizer' }

/** The materialized entries of every board and phase are those of its scored submissions (leaderboard/rank.ts). */
async function assertEntriesOfScored(ctx: ServerContext): Promise<void> {
  const boards = await storedAndExpectedEntries(ctx)
  assert.ok(boards.length > 0)
  for (const { key, stored, expected } of boards) {
    assert.deepEqual(stored, expected, key)
    assert.ok(expected.some((e) => e[5] === 1) && expected.length === 3, `${key}: two teams and a baseline`)
  }
}

/** Running or sleeping: not ended (a zombie, ended but not yet reaped by its new parent, counts as ended). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(') ') + 2))
  } catch {
    return false
  }
}

test('a `dataperf worker` killed with SIGKILL, idle or while scoring or with its workers on threads, leaves no scoring process behind', async () => {
  const state = join(root, 'kill-state')
  const dbFile = join(state, 'server.sqlite')
  const server = await startProc(
    ['serve', '--challenge', challenge, '--db', dbFile, '--state', state, '--port', '0', '--workers', '0'],
    root,
  )
  const workers: Proc[] = []
  const seen: number[] = []
  /** SIGKILLs the worker; its one scoring process must end within 5 s */
  const killAndCheck = async (worker: Proc, when: string) => {
    const scorers = await until(`the scoring process (${when})`, async () => {
      const pids = childPids(worker.child.pid!)
      return pids.length > 0 ? pids : undefined
    })
    seen.push(...scorers)
    assert.equal(scorers.length, 1, `one scoring process (${when})`)
    assert.ok(alive(scorers[0]!), `the scoring process is there (${when})`)
    await worker.stop('SIGKILL')
    await until(`the scoring process to end (${when})`, async () => (alive(scorers[0]!) ? undefined : true), 5000, 20)
  }
  try {
    const api = new Api(server.url)
    const p = await api.participant('kill@example.org', 'Team Kill')
    workers.push(await startProc(['worker', '--challenge', challenge, '--db', dbFile], root))
    const first = await api.submit(p.token, 'en-25', upload(21))
    assert.equal((await api.waitScored(p.token, first.body.submission.id)).status, 'scored')
    await killAndCheck(workers[0]!, 'idle, kept for the next job')

    const second = (await api.submit(p.token, 'en-25', upload(22))).body.submission.id as string
    workers.push(await startProc(['worker', '--challenge', challenge, '--db', dbFile], root))
    await until(
      'the second job running',
      async () =>
        (await api.call('GET', `submissions/${second}`, { token: p.token })).body.status === 'running'
          ? true
          : undefined,
      60_000,
      5,
    )
    await killAndCheck(workers[1]!, 'while scoring')

    // a worker on a thread of its own (two in the process) forked its scoring process from there
    workers.push(await startProc(['worker', '--challenge', challenge, '--db', dbFile, '--concurrency', '2'], root))
    const third = await api.submit(p.token, 'en-25', upload(23))
    assert.equal((await api.waitScored(p.token, third.body.submission.id)).status, 'scored')
    await killAndCheck(workers[2]!, 'idle, on a thread of its own')
  } finally {
    for (const w of workers) await w.stop('SIGKILL')
    for (const pid of seen.filter(alive)) process.kill(pid, 'SIGKILL') // a failed check leaves none behind
    await server.stop()
  }
})
