/**
 * The materialized boards (services/standings.ts) against the ranking rules (leaderboard/rank.ts)
 * on SQLite and PostgreSQL: after random scorings, rescorings, baseline marks and rule changes
 * the board a reader gets is exactly rankBoard over every scored submission, in this process and
 * in another one sharing the database (SQLite's data_version, PostgreSQL's NOTIFY).
 * Then the HTTP answer of `dataperf serve` at 1,000 teams: pages, totals, a team's row and rank,
 * search, CSV, ETag / 304 and compressed bodies.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { Challenge } from '../src/server/challenge/load.js'
import { openDb, type Db } from '../src/server/db/open.js'
import { rankBoard, type BoardRow } from '../src/server/leaderboard/rank.js'
import type { RankedBoard } from '../src/server/services/board-cache.js'
import { boardChange, type BoardChange } from '../src/server/services/board-feed.js'
import type { User } from '../src/server/services/accounts.js'
import { createContext, type ServerContext } from '../src/server/services/context.js'
import { allRows, rowJson, setBaseline } from '../src/server/services/leaderboard.js'
import type { Leaderboard, LeaderboardRow } from '../src/server/wire.js'
import { patchPhase } from '../src/server/services/phase-changes.js'
import { effectivePhases } from '../src/server/services/phases.js'
import {
  entryAfterFirstScoring,
  type EntryRow,
  refreshTeamStandings,
  type TeamEntryJson,
} from '../src/server/services/standings.js'
import { standingsOf } from '../src/server/leaderboard/rank.js'
import { Rng } from '../src/ml/rng.js'
import { scoredSubmission, seedBoard } from './helpers/board-seed.js'
import { EventStreamClient } from './helpers/event-stream.js'
import { freshPostgres, makeChallenge, startProc, until, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string
before(() => {
  root = tempFolder('standings')
})

const BOARD = 'en-25'
const organizer: User = { id: 'usr_org', email: 'org@example.org', name: 'Org', role: 'organizer' }

/** The challenge as the services see it; these tests never score, so no data files are needed. */
function challengeOf(dir: string): Challenge {
  return {
    dir,
    name: 'standings',
    description: '',
    boards: [{ id: BOARD, track: 'speech', language: 'en', trainSize: 25, dataDir: dir, configPath: dir }],
    phases: [
      {
        name: 'open',
        start: new Date('2020-01-01T00:00:00Z'),
        end: new Date('2100-01-01T00:00:00Z'),
        dailyLimit: 5,
        leaderboard: 'public',
        rule: 'best',
      },
    ],
  }
}

/** What the board must be: rankBoard over every scored submission, as the API writes rows. */
async function expectedRows(ctx: ServerContext): Promise<LeaderboardRow[]> {
  const rule = (await effectivePhases(ctx)).find((p) => p.name === 'open')!.rule
  const subs = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('teams', 'teams.id', 'submissions.team_id')
    .select([
      'submissions.id',
      'submissions.team_id',
      'teams.name',
      'submissions.method',
      'submissions.score',
      'submissions.submitted_at',
      'submissions.details',
      'submissions.baseline',
    ])
    .where('submissions.board', '=', BOARD)
    .where('submissions.phase', '=', 'open')
    .where('submissions.status', '=', 'scored')
    .execute()
  const rows: BoardRow[] = subs.map((s) => ({
    submissionId: s.id,
    teamId: s.team_id,
    team: s.name,
    method: s.method,
    score: s.score!,
    submittedAt: s.submitted_at,
    details: JSON.parse(s.details!),
    baseline: s.baseline === 1,
  }))
  return rankBoard(rows, rule).map(rowJson)
}

/** A worker's scoring transaction, as far as the board is concerned: the score, then the team's entries. */
async function score(ctx: ServerContext, id: string, value: number): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const sub = await trx
      .updateTable('submissions')
      .set({ status: 'scored', score: value })
      .where('id', '=', id)
      .returning(['board', 'phase', 'team_id'])
      .executeTakeFirstOrThrow()
    await refreshTeamStandings(ctx, trx, sub.board, sub.phase, sub.team_id)
  })
  ctx.events.boardsChanged()
}

async function randomHistory(dbSpec: string): Promise<void> {
  const db: Db = await openDb(dbSpec)
  const ctx = createContext(db, challengeOf(root))
  // a second process on the same database: its own connection and caches, no in-process events
  const other = createContext(await openDb(dbSpec), challengeOf(root))
  try {
    const teams = await seedBoard(db, { board: BOARD, teams: 25, perTeam: 4, seed: 11 })
    await db.kysely
      .insertInto('users')
      .values({ ...organizer, password_hash: 'x', created_at: new Date().toISOString() })
      .execute()
    assert.deepEqual((await allRows(ctx, undefined, BOARD)).map(rowJson), await expectedRows(ctx), 'first build')
    const rng = new Rng(5)
    const ids = teams.flatMap((t) => t.submissionIds)
    const rounded = () => Math.round(rng.uniform() * 20) / 20 // few distinct scores: many ties
    for (let step = 0; step < 120; step++) {
      const actor = rng.uniform() < 0.5 ? ctx : other
      const op = rng.int(10)
      if (op < 4) {
        // a new submission of a team, scored (sometimes at the same minute as another)
        const team = teams[rng.int(teams.length)]!
        const row = scoredSubmission(rng, {
          board: BOARD,
          phase: 'open',
          teamId: team.id,
          userId: team.userId,
          at: new Date(Date.UTC(2026, 0, 1 + rng.int(3), 12, rng.int(3))),
          method: `step ${step}`,
        })
        await db.kysely
          .insertInto('submissions')
          .values({ ...row, status: 'running', score: null })
          .execute()
        ids.push(row.id)
        await score(actor, row.id, rounded())
      } else if (op < 7)
        await score(actor, ids[rng.int(ids.length)]!, rounded()) // a rescoring
      else if (op < 9) await setBaseline(actor, organizer, ids[rng.int(ids.length)]!, rng.uniform() < 0.6)
      else await patchPhase(actor, organizer, 'open', { rule: rng.uniform() < 0.5 ? 'best' : 'latest' })
      // the writer leaves the entries built with the phase's rule as the organizers set it (a
      // reader would rebuild them otherwise, hiding a writer that read the rule wrong)
      const built = await db.kysely
        .selectFrom('board_versions')
        .select('rule')
        .where('board', '=', BOARD)
        .where('phase', '=', 'open')
        .executeTakeFirst()
      assert.equal(built?.rule, (await effectivePhases(ctx)).find((p) => p.name === 'open')!.rule, `step ${step}: rule`)
      if (step % 6 === 5) {
        const expected = await expectedRows(ctx)
        assert.deepEqual((await allRows(actor, undefined, BOARD)).map(rowJson), expected, `step ${step}, writer`)
        // the other process sees it too, at once on SQLite, after its NOTIFY on PostgreSQL
        const reader = actor === ctx ? other : ctx
        await until(
          `step ${step}: the other process's board`,
          async () =>
            JSON.stringify((await allRows(reader, undefined, BOARD)).map(rowJson)) === JSON.stringify(expected)
              ? true
              : undefined,
          10_000,
          20,
        )
      }
    }
  } finally {
    await other.db.close()
    await db.close()
  }
}

describe('the materialized board is rankBoard over every scored submission', () => {
  test('SQLite: random scorings, rescorings, baselines and rule changes, from two processes', async () => {
    await randomHistory(join(root, 'random.sqlite'))
  })
  test('PostgreSQL: the same history', async (t) => {
    const url = await freshPostgres()
    if (!url) return t.skip('no PostgreSQL cluster (DATAPERF_TEST_PG_URL)')
    await randomHistory(url)
  })
})

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A GET without a client library's decoding: the bytes as sent, for the encoding checks. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('GET /api/v1/boards/:board/leaderboard at 1,000 teams', () => {
  let server: Proc,
    dbFile: string,
    ctx: ServerContext,
    full: LeaderboardRow[],
    teams: Awaited<ReturnType<typeof seedBoard>>
  const url = (q = '') => `${server.url}/api/v1/boards/${BOARD}/leaderboard${q}`
  const json = async (q = '') => {
    const r = await rawGet(url(q))
    return { status: r.status, body: JSON.parse(r.body.toString()) }
  }

  before(async () => {
    const challenge = makeChallenge(join(root, 'challenge'))
    dbFile = join(root, 'big.sqlite')
    const db = await openDb(dbFile)
    teams = await seedBoard(db, { board: BOARD, teams: 1000, perTeam: 3, seed: 3 })
    ctx = createContext(db, challengeOf(challenge))
    full = await expectedRows(ctx)
    server = await startProc(
      [
        'serve',
        '--challenge',
        challenge,
        '--db',
        dbFile,
        '--state',
        join(root, 'state'),
        '--port',
        '0',
        '--workers',
        '0',
      ],
      root,
    )
  })
  after(async () => {
    await server?.stop()
    await ctx?.db.close()
  })

  test('pages of 100 rows (or ?limit) with the total; the rows are the ranking rules', async () => {
    const first = await json()
    assert.equal(first.status, 200)
    assert.deepEqual([first.body.total, first.body.page, first.body.limit, first.body.pages], [1000, 1, 100, 10])
    assert.deepEqual(first.body.rows, full.slice(0, 100))
    const third = await json('?page=3&limit=50')
    assert.deepEqual([third.body.page, third.body.pages], [3, 20])
    assert.deepEqual(third.body.rows, full.slice(100, 150))
    assert.deepEqual((await json('?page=11')).body.rows, [])
    for (const bad of ['?limit=0', '?limit=1001', '?page=0', '?page=x'])
      assert.equal((await json(bad)).status, 400, bad)
  })

  test("?team= gives the team's row, rank and page; ?q= searches teams and methods", async () => {
    const i = full.findIndex((r) => r.team === 'Team 517')
    const found = await json('?team=team%20517&limit=25')
    assert.equal(found.status, 200)
    assert.deepEqual(found.body.rows, [full[i]])
    assert.equal(found.body.rows[0].rank, i + 1)
    assert.deepEqual(
      [found.body.team, found.body.position, found.body.page],
      ['Team 517', i + 1, Math.floor(i / 25) + 1],
    )
    const missing = await json('?team=Nobody')
    assert.equal(missing.status, 404)
    assert.match(missing.body.error.message, /team 'Nobody' on board en-25 in phase open: it has no scored submission/)
    const search = await json('?q=TEAM%2051&limit=5')
    const matching = full.filter((r) => /team 51/i.test(r.team))
    assert.equal(search.body.total, matching.length)
    assert.equal(matching.length, 11) // Team 51 and 510-519
    assert.deepEqual(search.body.rows, matching.slice(0, 5))
  })

  test('an ETag answers 304; compressed bodies (br, gzip) are the same JSON; CSV has every row', async () => {
    const plain = await rawGet(url())
    const etag = plain.headers['etag'] as string
    assert.match(etag, /^W\/".+"$/)
    assert.equal(plain.headers['cache-control'], 'public, no-cache')
    const again = await rawGet(url(), { 'if-none-match': etag })
    assert.deepEqual([again.status, again.body.length], [304, 0])
    const br = await rawGet(url(), { 'accept-encoding': 'gzip, deflate, br' })
    assert.equal(br.headers['content-encoding'], 'br')
    assert.match(String(br.headers['vary']), /accept-encoding/i)
    assert.deepEqual(brotliDecompressSync(br.body), plain.body)
    assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} of ${plain.body.length} bytes`)
    const gz = await rawGet(url(), { 'accept-encoding': 'gzip' })
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.deepEqual(gunzipSync(gz.body), plain.body)
    assert.equal((await rawGet(url(), { 'accept-encoding': 'gzip', 'if-none-match': etag })).status, 304)
    const csv = (await rawGet(url('?format=csv'))).body.toString().trim().split('\n')
    assert.equal(csv.length, 1001)
    assert.match(String((await rawGet(url('?format=csv'))).headers['content-disposition']), /en-25-open\.csv/)
  })

  test('a score written by another process changes the board, its ETag and its version', async () => {
    const before = await rawGet(url())
    const version = JSON.parse(before.body.toString()).version as number
    const last = full[full.length - 1]!
    const team = teams.find((t) => t.name === last.team)!
    const row = scoredSubmission(new Rng(9), {
      board: BOARD,
      phase: 'open',
      teamId: team.id,
      userId: team.userId,
      at: new Date('2026-03-01T00:00:00Z'),
      method: 'late and best',
    })
    await ctx.db.kysely.insertInto('submissions').values(row).execute()
    await score(ctx, row.id, 0.99)
    const now = await until('the new first row', async () => {
      const r = await rawGet(url(), { 'if-none-match': before.headers['etag'] as string })
      return r.status === 200 ? r : undefined
    })
    const body = JSON.parse(now.body.toString()) as { version: number; rows: LeaderboardRow[] }
    assert.ok(body.version > version)
    const first = body.rows[0]!
    assert.deepEqual(first, (await expectedRows(ctx))[0])
    assert.deepEqual([first.team, first.rank, first.score], [last.team, 1, 0.99])
    assert.notEqual(now.headers['etag'], before.headers['etag'])
  })

  test('the change feed: a snapshot on connecting, then only the changed rows and the span of places that moved', async () => {
    const stream = await EventStreamClient.open(`${server.url}/api/v1/boards/${BOARD}/events?limit=1`)
    const snapshot = await stream.next((e) => e.event === 'snapshot')
    const snap = JSON.parse(snapshot.data) as { version: number; total: number; rows: LeaderboardRow[] }
    assert.equal(snapshot.id, String(snap.version))
    assert.deepEqual([snap.total, snap.rows.length], [1000, 1])
    // a team from the middle of the board jumps to the top
    const now = await expectedRows(ctx)
    const mover = now[499]!
    const team = teams.find((t) => t.name === mover.team)!
    const row = scoredSubmission(new Rng(10), {
      board: BOARD,
      phase: 'open',
      teamId: team.id,
      userId: team.userId,
      at: new Date('2026-03-02T00:00:00Z'),
      method: 'jump',
    })
    await ctx.db.kysely.insertInto('submissions').values(row).execute()
    await score(ctx, row.id, 0.995)
    const event = await stream.next((e) => e.event === 'change')
    const change = JSON.parse(event.data) as BoardChange
    assert.ok(change.version > snap.version)
    assert.equal(event.id, String(change.version))
    const after = await expectedRows(ctx)
    assert.deepEqual(change.rows, [{ ...after[0]!, position: 1 }])
    assert.deepEqual([change.total, change.places, change.removed], [1000, { from: 1, to: 500 }, []])
    const page = (await rawGet(url())).body.length
    assert.ok(event.data.length < page / 20, `an event of ${event.data.length} bytes against a page of ${page}`)
    stream.close()
    // reconnecting (as a browser does, with the last id) starts with a snapshot of the board as it is now
    const again = await EventStreamClient.open(
      `${server.url}/api/v1/boards/${BOARD}/events?team=${encodeURIComponent(mover.team)}`,
      {
        'last-event-id': event.id!,
      },
    )
    const fresh = JSON.parse((await again.next((e) => e.event === 'snapshot')).data) as Leaderboard
    assert.deepEqual([fresh.version, fresh.rows, fresh.position], [change.version, [after[0]], 1])
    again.close()
  })
})

test("a first scoring's entry from the team's entry before it equals the ranking rules over all its scored submissions", () => {
  const rng = new Rng(11)
  for (const rule of ['best', 'latest'] as const)
    for (let trial = 0; trial < 200; trial++) {
      const scored: EntryRow[] = []
      let teamEntry: TeamEntryJson | null = null
      const baselines = new Map<string, unknown>()
      const n = 1 + Math.floor(rng.uniform() * 12)
      for (let i = 0; i < n; i++) {
        // few distinct scores and times: ties on both, which the rules break by time then id
        const row: EntryRow = {
          submissionId: `sub_${Math.floor(rng.uniform() * 1e6)
            .toString(36)
            .padStart(4, '0')}${i}`,
          teamId: 'team_a',
          score: Math.floor(rng.uniform() * 4) / 4,
          submittedAt: new Date(Date.UTC(2026, 0, 1, 0, Math.floor(rng.uniform() * 5))).toISOString(),
          baseline: rng.uniform() < 0.15,
        }
        scored.push(row)
        const entry = entryAfterFirstScoring(teamEntry, row, rule)
        if (row.baseline) baselines.set(row.submissionId, entry)
        else teamEntry = [entry.submissionId, entry.score, entry.submittedAt, entry.submissions, entry.lastSubmittedAt]
        const expected = standingsOf(scored, rule)
        const team = expected.find((e) => !e.baseline)
        assert.deepEqual(
          teamEntry,
          team ? [team.submissionId, team.score, team.submittedAt, team.submissions, team.lastSubmittedAt] : null,
          `${rule}, trial ${trial}, after ${i + 1}`,
        )
        assert.deepEqual(
          new Map(expected.filter((e) => e.baseline).map((e) => [e.submissionId, e])),
          baselines,
          `${rule}, trial ${trial}: baselines`,
        )
      }
    }
})

test('boardChange: rows whose figures changed, places that moved, rows that left', () => {
  let id = 0
  const row = (team: string, score: number, extra: Partial<BoardRow> = {}): BoardRow => ({
    submissionId: `s${++id}`,
    teamId: team,
    team,
    method: 'm',
    score,
    submittedAt: '2026-01-01T00:00:00Z',
    details: null,
    baseline: false,
    ...extra,
  })
  const ranked = (rows: BoardRow[], version: number): RankedBoard => ({
    version,
    rule: 'best',
    rows: rankBoard(rows, 'best'),
    bodies: new Map(),
    teamIndex: new Map(),
    submissionIndex: new Map(),
  })
  const a = row('A', 0.9),
    b = row('B', 0.8),
    c = row('C', 0.7),
    d = row('D', 0.6),
    base = row('org', 0.75, { baseline: true })
  const v1 = ranked([a, b, c, d, base], 1)
  assert.deepEqual(boardChange('x', 'open', v1.rows, ranked([a, b, c, d, base], 2)), {
    board: 'x',
    phase: 'open',
    version: 2,
    total: 5,
    rows: [],
    removed: [],
    places: null,
  })
  // D's new best passes B and C and the baseline: D's row changed, places 2-5 moved
  const d2 = row('D', 0.85)
  const moved = boardChange('x', 'open', v1.rows, ranked([a, b, c, d, d2, base], 2))
  assert.deepEqual(
    moved.rows.map((r) => [r.team, r.rank, r.position, r.submissions]),
    [['D', 2, 2, 2]],
  )
  assert.deepEqual(moved.places, { from: 2, to: 5 })
  // the baseline unmarked (gone from the board): places from its old one to the end moved
  const gone = boardChange('x', 'open', v1.rows, ranked([a, b, c, d], 3))
  assert.deepEqual(gone.removed, [{ team: 'org', baseline: true, submission_id: base.submissionId }])
  assert.deepEqual([gone.rows, gone.places, gone.total], [[], { from: 3, to: 5 }, 4])
})
