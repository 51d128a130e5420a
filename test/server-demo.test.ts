/**
 * `dataperf serve --demo` opens on a living board (issue 18 item 16), through the real server
 * (loopback, SQLite, its in-process worker): the official baselines (speech random and baseline
 * selection at both caps, vision's weak-label baseline) are on the boards as baseline rows of an
 * organizer's team, scored by the worker with the numbers `speech eval` / `vision eval` give on
 * the same files, shown on the board's page; a restart on the same state adds nothing.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadChallenge, speechTrainFileName, type SpeechBoard, type VisionBoard } from '../src/server/challenge/load.js'
import { numpySum } from '../src/ml/numpy-sum.js'
import { loadVisionSetup } from '../src/vision/setup.js'
import { runCli } from './helpers/cli.js'
import { Api, boardSpeechEvalArgs, query, startProc, until, type Proc } from './helpers/server.js'
import { DEMO_CHALLENGE_FIXTURE, publishSharedFixture } from './helpers/shared-fixtures.js'
import { tempFolder } from './helpers/temp-folder.js'

let root: string, state: string, challenge: string, db: string, server: Proc, api: Api

interface Row {
  rank: number | null
  team: string
  method: string
  score: number
  baseline: boolean
  submission_id: string
}

const EXPECTED: Record<string, string[]> = {
  'en-25': ['baseline selection (official)', 'random (official)'],
  'en-60': ['baseline selection (official)', 'random (official)'],
  vision: ['weak-label baseline (official)'],
}

async function rowsOf(board: string): Promise<Row[]> {
  const r = await api.call('GET', `boards/${board}/leaderboard`)
  assert.equal(r.status, 200, JSON.stringify(r.body))
  return r.body.rows as Row[]
}

async function boardsScored(): Promise<Record<string, Row[]>> {
  return until(
    'the demo baselines scored',
    async () => {
      const all: Record<string, Row[]> = {}
      for (const board of Object.keys(EXPECTED)) {
        all[board] = await rowsOf(board)
        if (all[board]!.length < EXPECTED[board]!.length) return undefined
      }
      return all
    },
    240_000,
    250,
  )
}

before(async () => {
  root = tempFolder('server-demo')
  state = join(root, 'state')
  challenge = join(state, 'demo-challenge')
  db = join(state, 'server.sqlite')
  server = await startProc(['serve', '--demo', '--state', state, '--db', db, '--port', '0'], root)
  api = new Api(server.url)
  // the challenge and the baselines' files it made: server-results starts its demo from a copy
  publishSharedFixture(DEMO_CHALLENGE_FIXTURE, challenge)
})

after(async () => {
  await server?.stop()
})

test('serve --demo: the official baselines are scored baseline rows of an organizer team, equal to speech eval / vision eval', async () => {
  const boards = await boardsScored()
  const c = loadChallenge(challenge)
  for (const [id, methods] of Object.entries(EXPECTED)) {
    const rows = boards[id]!
    assert.deepEqual(rows.map((r) => r.method).sort(), methods, id)
    for (const r of rows) {
      assert.equal(r.baseline, true)
      assert.equal(r.rank, null)
      assert.equal(r.team, 'Official baselines')
    }
    const board = c.boards.find((b) => b.id === id)!
    for (const r of rows) {
      const folder = join(
        challenge,
        'baselines',
        id,
        r.method.startsWith('random') ? 'random' : r.method.startsWith('baseline') ? 'baseline' : 'weak-labels',
      )
      if (board.track === 'speech') assert.equal(r.score, speechEval(board, folder), `${id} ${r.method}`)
      else assert.equal(r.score, visionEval(board, folder), `${id} ${r.method}`)
    }
  }
  // submitted by an organizer account
  const owners = await query<{ role: string }>(
    db,
    'SELECT DISTINCT users.role FROM submissions JOIN users ON users.id = submissions.user_id WHERE submissions.baseline = 1',
  )
  assert.deepEqual(
    owners.map((o) => o.role),
    ['organizer'],
  )
  // a newcomer's first page: the board shows them
  const page = await fetch(`${server.url}/boards/en-25`)
  assert.equal(page.status, 200)
  const html = await page.text()
  assert.match(html, /Official baselines/)
  assert.match(html, /random \(official\)/)
})

test('serve --demo restarted on the same state adds no second baseline row', async () => {
  const before = await boardsScored()
  await server.stop()
  server = await startProc(['serve', '--demo', '--state', state, '--db', db, '--port', '0'], root)
  api = new Api(server.url)
  for (const id of Object.keys(EXPECTED))
    assert.deepEqual(
      (await rowsOf(id)).map((r) => r.submission_id).sort(),
      before[id]!.map((r) => r.submission_id).sort(),
    )
  const count = await query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM submissions')
  assert.equal(Number(count[0]!.n), 5)
})

/** `dataperf speech eval --json` on the baseline's file, where the board's data lives: its mean macro F1. */
function speechEval(board: SpeechBoard, folder: string): number {
  const run = runCli([...boardSpeechEvalArgs(board, join(folder, speechTrainFileName(board))), '--json'], root)
  assert.equal(run.code, 0, run.stderr)
  return (JSON.parse(run.stdout) as { score: number }).score
}

/** `dataperf vision eval --json` with each task's baseline CSV where the setup names it: the mean F1 over tasks. */
function visionEval(board: VisionBoard, folder: string): number {
  const setup = loadVisionSetup(board.setupPath)
  for (const task of setup.tasks) copyFileSync(join(folder, `${task.name}.csv`), task.trainCsv)
  const run = runCli(['vision', 'eval', '--setup', board.setupPath, '--json'], root)
  assert.equal(run.code, 0, run.stderr)
  const f1s = Object.values((JSON.parse(run.stdout) as { results: Record<string, { f1: number }> }).results).map(
    (m) => m.f1,
  )
  // the board's score is np.mean of the F1s (server-boards holds numpySum against numpy)
  return numpySum(Float64Array.from(f1s)) / f1s.length
}
