/**
 * Leaderboard ranking: one row per team by the phase's rule (best or latest), equal scores to the
 * earlier submission, baseline rows placed and marked without a rank; CSV export; rank changes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import { boardToCsv, rankBoard, rankChanges, type BoardRow } from '../src/server/leaderboard/rank.js'
import { Rng } from '../src/ml/rng.js'

let nextId = 1
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString()
function row(team: string, score: number, minute: number, extra: Partial<BoardRow> = {}): BoardRow {
  return {
    submissionId: nextId++,
    teamId: `t-${team}`,
    team,
    method: `${team} method`,
    score,
    submittedAt: at(minute),
    details: null,
    baseline: false,
    ...extra,
  }
}

test("best: a team's highest score (ties to its earlier submission), with its count and last submission time", () => {
  const rows = [row('A', 0.5, 1), row('A', 0.7, 2), row('A', 0.6, 3), row('A', 0.7, 4), row('B', 0.65, 0)]
  const board = rankBoard(rows, 'best')
  assert.deepEqual(
    board.map((r) => [r.rank, r.team, r.score, r.submissionId, r.submissions, r.lastSubmittedAt]),
    [
      [1, 'A', 0.7, rows[1]!.submissionId, 4, at(4)],
      [2, 'B', 0.65, rows[4]!.submissionId, 1, at(0)],
    ],
  )
})

test("latest: a team's most recent submission, whatever its score", () => {
  const rows = [row('A', 0.9, 1), row('A', 0.2, 5), row('B', 0.5, 3)]
  const board = rankBoard(rows, 'latest')
  assert.deepEqual(
    board.map((r) => [r.rank, r.team, r.score, r.submissions, r.lastSubmittedAt]),
    [
      [1, 'B', 0.5, 1, at(3)],
      [2, 'A', 0.2, 2, at(5)],
    ],
  )
})

test('equal scores between teams go to the earlier submission; times compare as instants, not as text', () => {
  const a = row('A', 0.8, 10),
    b = row('B', 0.8, 9),
    c = row('C', 0.8, 0, { submittedAt: '2026-12-01T13:08:00+01:00' }) // 12:08Z
  const board = rankBoard([a, b, c], 'best')
  assert.deepEqual(
    board.map((r) => [r.rank, r.team]),
    [
      [1, 'C'],
      [2, 'B'],
      [3, 'A'],
    ],
  )
})

test('baseline rows: each its own marked row, placed by score, without a rank; team ranks stay 1, 2, 3', () => {
  const rows = [
    row('A', 0.7, 1),
    row('B', 0.6, 2),
    row('C', 0.4, 3),
    row('org', 0.65, 0, { baseline: true, method: 'official baseline' }),
    row('org', 0.3, 0, { baseline: true, method: 'random' }),
    row('org', 0.5, 5), // the organizers' team also competes with one normal submission
  ]
  const board = rankBoard(rows, 'best')
  assert.deepEqual(
    board.map((r) => [r.rank, r.team, r.method, r.baseline, r.submissions]),
    [
      [1, 'A', 'A method', false, 1],
      [null, 'org', 'official baseline', true, 1],
      [2, 'B', 'B method', false, 1],
      [3, 'org', 'org method', false, 1],
      [4, 'C', 'C method', false, 1],
      [null, 'org', 'random', true, 1],
    ],
  )
})

test("random boards: one row per team, each the team's best (earliest among equals), in board order", () => {
  const rng = new Rng(7)
  for (let trial = 0; trial < 50; trial++) {
    const rows: BoardRow[] = []
    const n = 1 + rng.int(40)
    for (let i = 0; i < n; i++) rows.push(row(`T${rng.int(8)}`, rng.int(5) / 4, rng.int(30)))
    for (const rule of ['best', 'latest'] as const) {
      const board = rankBoard(rows, rule)
      const teams = new Set(rows.map((r) => r.teamId))
      assert.equal(board.length, teams.size)
      board.forEach((r, i) => {
        assert.equal(r.rank, i + 1)
        const mine = rows.filter((x) => x.teamId === r.teamId)
        assert.equal(r.submissions, mine.length)
        const t = (x: BoardRow) => Date.parse(x.submittedAt)
        const chosen =
          rule === 'best'
            ? mine
                .filter((x) => x.score === Math.max(...mine.map((y) => y.score)))
                .sort((x, y) => t(x) - t(y) || Number(x.submissionId) - Number(y.submissionId))[0]!
            : [...mine].sort((x, y) => t(y) - t(x) || Number(y.submissionId) - Number(x.submissionId))[0]!
        assert.equal(r.submissionId, chosen.submissionId)
        const prev = board[i - 1]
        if (prev)
          assert.ok(
            prev.score > r.score ||
              (prev.score === r.score && Date.parse(prev.submittedAt) <= Date.parse(r.submittedAt)),
          )
      })
    }
  }
})

test('CSV: per-seed or per-task columns, exact numbers, quoting, spreadsheet formulas defused', () => {
  const speech = rankBoard(
    [
      row('A, Inc.', 0.7234117647058824, 1, {
        details: { seeds: [5, 69], perSeedF1: [0.7, 0.7468235294117648] },
        method: 'say "hi"',
      }),
      row('=HYPERLINK("x")', 0.1, 2, { details: { seeds: [5, 69], perSeedF1: [0.1, 0.1] } }),
      row('base', 0.5, 0, { baseline: true, details: { seeds: [5, 69], perSeedF1: [0.5, 0.5] }, method: 'random' }),
    ],
    'best',
  )
  const csv = boardToCsv(speech)
  const records = parse(csv, { columns: true }) as Array<Record<string, string>>
  assert.deepEqual(Object.keys(records[0]!), [
    'rank',
    'team',
    'method',
    'score',
    'f1_seed_5',
    'f1_seed_69',
    'submitted_at',
    'submissions',
    'last_submitted_at',
    'baseline',
    'submission_id',
  ])
  assert.deepEqual(
    records.map((r) => [r['rank'], r['team'], r['baseline']]),
    [
      ['1', 'A, Inc.', 'no'],
      ['', 'base', 'yes'],
      ['2', '\'=HYPERLINK("x")', 'no'],
    ],
  )
  assert.equal(records[0]!['method'], 'say "hi"')
  assert.equal(Number(records[0]!['score']), 0.7234117647058824)
  assert.equal(Number(records[0]!['f1_seed_69']), 0.7468235294117648)
  const tasks = {
    Cupcake: { accuracy: 0.9, recall: 0.5, precision: 0.25, f1: 1 / 3 },
    Hawk: { accuracy: 0.8, recall: 0.4, precision: 0.2, f1: 0.26666666666666666 },
  }
  const vision = parse(boardToCsv(rankBoard([row('V', 0.3, 1, { details: { tasks } })], 'best')), {
    columns: true,
  }) as Array<Record<string, string>>
  assert.deepEqual(Object.keys(vision[0]!).slice(4, 12), [
    'Cupcake_f1',
    'Cupcake_accuracy',
    'Cupcake_precision',
    'Cupcake_recall',
    'Hawk_f1',
    'Hawk_accuracy',
    'Hawk_precision',
    'Hawk_recall',
  ])
  assert.equal(Number(vision[0]!['Cupcake_f1']), 1 / 3)
})

test('rankChanges: rows whose rank or score changed, appeared or left; unchanged rows are not listed', () => {
  const a = row('A', 0.8, 1),
    b = row('B', 0.7, 2),
    c = row('C', 0.6, 3),
    d = row('D', 0.5, 4),
    base = row('org', 0.65, 0, { baseline: true })
  const before = rankBoard([a, b, c, d, base], 'best')
  // rescoring: B improves past A, C keeps rank 3 with another score, D is unchanged, E appears, the baseline is unmarked
  const after = rankBoard([{ ...a }, { ...b, score: 0.85 }, { ...c, score: 0.61 }, { ...d }, row('E', 0.1, 5)], 'best')
  assert.deepEqual(rankChanges(before, after), [
    { team: 'B', key: 't-B', before: 2, scoreBefore: 0.7, after: 1, scoreAfter: 0.85 },
    { team: 'A', key: 't-A', before: 1, scoreBefore: 0.8, after: 2, scoreAfter: 0.8 },
    { team: 'C', key: 't-C', before: 3, scoreBefore: 0.6, after: 3, scoreAfter: 0.61 },
    { team: 'E', key: 't-E', after: 5, scoreAfter: 0.1 },
    { team: 'org', key: `baseline:${base.submissionId}`, before: null, scoreBefore: 0.65 },
  ])
  assert.deepEqual(rankChanges(before, before), [])
})
