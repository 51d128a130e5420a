/**
 * A bounded soak of the board's live updates (issue 19, item 6), on loopback: 200 viewers hold the
 * board's event stream open while 100 submissions are uploaded and scored for real by a
 * `dataperf worker` process. Every viewer ends with the final board (its version, and each team's
 * row as the changes told it), no stream fails or ends early, and the server's memory once the
 * viewers have left is back near where it was before they came.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LeaderboardRow } from '../src/server/wire.js'
import { EventStreamClient } from './helpers/event-stream.js'
import { Api, makeChallenge, sleep, speechSelection, startProc, until, type Proc } from './helpers/server.js'
import { tempFolder } from './helpers/temp-folder.js'

const VIEWERS = 200
const SUBMISSIONS = 100
const TEAMS = 10
const BOARD = 'en-25'

let root: string, challenge: string, server: Proc, worker: Proc | undefined

before(async () => {
  root = tempFolder('soak')
  // one evaluation seed: the soak is about the server, not the scoring
  challenge = makeChallenge(join(root, 'challenge'), { dailyLimit: 1000, seeds: [0] })
  const state = join(root, 'state')
  server = await startProc(
    [
      'serve',
      '--challenge',
      challenge,
      '--db',
      join(state, 'server.sqlite'),
      '--state',
      state,
      '--port',
      '0',
      '--workers',
      '0',
      '--submit-limit',
      '1000',
      '--login-limit',
      '1000',
      '--max-connections-per-address',
      '1000',
    ],
    root,
  )
})

after(async () => {
  await worker?.stop()
  await server?.stop()
})

/** The server's resident memory in MiB (Linux). */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!
  return Number(kb) / 1024
}

/** What a viewer knows of the board from its events: the version, and each row by team as last told. */
interface Seen {
  version: number
  total: number
  rows: Map<string, { score: number; submission_id: string }>
}

/** Reads a viewer's events as they come; `stop` reads the last ones and stops. */
function follow(stream: EventStreamClient): { seen: Seen; stop: () => void } {
  const seen: Seen = { version: 0, total: 0, rows: new Map() }
  let read = 0
  const apply = () => {
    for (; read < stream.events.length; read++) {
      const e = stream.events[read]!
      if (e.event !== 'snapshot' && e.event !== 'change') continue
      const body = JSON.parse(e.data) as {
        version: number
        total: number
        rows: LeaderboardRow[]
        removed?: Array<{ team: string }>
      }
      if (e.event === 'snapshot') seen.rows.clear()
      for (const r of body.removed ?? []) seen.rows.delete(r.team)
      for (const r of body.rows) seen.rows.set(r.team, { score: r.score, submission_id: r.submission_id })
      seen.version = body.version
      seen.total = body.total
    }
  }
  const tick = setInterval(apply, 50)
  return {
    seen,
    stop: () => {
      clearInterval(tick)
      apply()
    },
  }
}

test(`${VIEWERS} viewers follow a board live while ${SUBMISSIONS} submissions are scored: all end with the final board, no errors, memory back near its start`, async () => {
  const api = new Api(server.url)
  const tokens: string[] = []
  for (let i = 0; i < TEAMS; i++) tokens.push((await api.participant(`p${i}@example.org`, `Soak ${i}`)).token)
  // distinct selections (a byte-equal resubmission would be answered with the earlier one)
  const files: Buffer[] = []
  const hashes = new Set<string>()
  for (let seed = 1; files.length < SUBMISSIONS; seed++) {
    const bytes = speechSelection(challenge, seed)
    const h = createHash('sha256').update(bytes).digest('hex')
    if (!hashes.has(h)) {
      hashes.add(h)
      files.push(bytes)
    }
  }
  // the board answered once (its caches made), then the memory before the viewers come
  assert.equal((await api.call('GET', `boards/${BOARD}/leaderboard`)).status, 200)
  await sleep(500)
  const rssBefore = rssMiB(server.child.pid!)

  const streams = await Promise.all(
    Array.from({ length: VIEWERS }, (_, i) =>
      // a first page for most, one row for some, as pages and scripts ask
      EventStreamClient.open(`${server.url}/api/v1/boards/${BOARD}/events${i % 4 === 0 ? '?limit=1' : ''}`),
    ),
  )
  const viewers = streams.map(follow)
  await Promise.all(streams.map((s) => s.next((e) => e.event === 'snapshot')))

  worker = await startProc(['worker', '--challenge', challenge, '--db', join(root, 'state', 'server.sqlite')], root)
  const ids: string[] = []
  for (const [i, bytes] of files.entries()) {
    const r = await api.submit(tokens[i % TEAMS]!, BOARD, [{ name: 'en_25_train.json', bytes }], `method ${i}`)
    assert.equal(r.status, 202, JSON.stringify(r.body))
    ids.push(r.body.submission.id)
  }
  await until(
    `${SUBMISSIONS} submissions scored`,
    async () => {
      const rows = await api.call('GET', `submissions/${ids[ids.length - 1]}`, {
        token: tokens[(SUBMISSIONS - 1) % TEAMS],
      })
      if (rows.body.status !== 'scored') return undefined
      for (const [i, id] of ids.entries()) {
        const s = await api.call('GET', `submissions/${id}`, { token: tokens[i % TEAMS] })
        assert.notEqual(s.body.status, 'failed', JSON.stringify(s.body))
        if (s.body.status !== 'scored') return undefined
      }
      return true
    },
    90_000,
    500,
  )
  const final = (await api.call('GET', `boards/${BOARD}/leaderboard?limit=1000`)).body as {
    version: number
    total: number
    rows: LeaderboardRow[]
  }
  assert.equal(final.total, TEAMS)
  const expected = new Map(final.rows.map((r) => [r.team, { score: r.score, submission_id: r.submission_id }]))
  // every viewer reaches the final version, and the rows its events told it are the final board's
  await until(
    'every viewer at the final version',
    async () => (viewers.every((v) => v.seen.version >= final.version) ? true : undefined),
    20_000,
    100,
  )
  for (const [i, v] of viewers.entries()) {
    v.stop()
    const s = v.seen
    const stream = streams[i]!
    assert.equal(stream.error, undefined, `viewer ${i}: ${stream.error?.message}`)
    assert.equal(stream.ended, false, `viewer ${i}'s stream ended early`)
    assert.equal(s.version, final.version, `viewer ${i}`)
    assert.equal(s.total, final.total, `viewer ${i}`)
    if (i % 4 !== 0) assert.deepEqual(s.rows, expected, `viewer ${i}'s rows`)
    // every event a viewer got was small: the changed rows, never the whole page per score
    const changes = stream.events.filter((e) => e.event === 'change')
    assert.ok(changes.length >= 1, `viewer ${i} got no change`)
  }
  const bytes = streams.map((s) => s.bytes)
  for (const s of streams) s.close()
  await sleep(1500)
  const rssAfter = rssMiB(server.child.pid!)
  console.log(
    `soak: ${VIEWERS} viewers, ${SUBMISSIONS} scored; server RSS ${rssBefore.toFixed(0)} MiB before the viewers, ${rssAfter.toFixed(0)} MiB after they left; ${Math.max(...bytes)} bytes at most to one viewer`,
  )
  assert.ok(rssAfter < rssBefore + 64, `server RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB`)
  // the server still answers, and no stream is left open on it
  assert.equal((await api.call('GET', `boards/${BOARD}/leaderboard`)).status, 200)
})
