/**
 * One change feed per board and phase, shared by all its viewers. When the board's version moves
 * (board-cache.ts hears of it, whichever process made the change), the feed ranks the board once,
 * compares it with what it last announced and hands every subscriber the same small event: the
 * rows whose own figures changed, the span of places where anything moved, the new version and
 * total. A viewer refetches its page (written once per version) only when that span touches it.
 * A change of phases or publication ends every feed with a 'reset': viewers reconnect, and their
 * visibility and phase are checked again.
 */
import type { Phase } from '../challenge/load.js'
import { standingKey, type RankedRow } from '../leaderboard/rank.js'
import { boardVersions, rankedBoard, type RankedBoard } from './board-cache.js'
import type { ServerContext } from './context.js'
import type { LeaderboardRow } from '../wire.js'
import { rowJson } from './leaderboard.js'
import { SETTINGS_KEY, versionKey } from './standings.js'

export interface BoardChange {
  board: string
  phase: string
  version: number
  /** rows on the board now */
  total: number
  /** rows that are new, or whose submission, score, figures, count or method changed, with their place (1-based) */
  rows: Array<LeaderboardRow & { position: number }>
  /** rows that left the board (a baseline unmarked) */
  removed: Array<{ team: string; baseline: boolean; submission_id: string }>
  /** first and last place (1-based, in the new order) whose row differs in any way, rank included; null if none */
  places: { from: number; to: number } | null
}

export type FeedEvent = { kind: 'change'; change: BoardChange; text: string } | { kind: 'reset' }

/** Fewest milliseconds between two events of one feed: scores landing together go out as one event. */
const MIN_GAP_MS = 250

/** What a viewer sees of a row besides its place: two rows that agree here need no new event. */
function sameRow(a: RankedRow, b: RankedRow): boolean {
  return (
    a.submissionId === b.submissionId &&
    a.score === b.score &&
    a.submissions === b.submissions &&
    a.lastSubmittedAt === b.lastSubmittedAt &&
    a.method === b.method &&
    a.team === b.team &&
    a.baseline === b.baseline &&
    JSON.stringify(a.details) === JSON.stringify(b.details)
  )
}

/** What changed from `before` to `after` (two versions of one board). */
export function boardChange(
  board: string,
  phase: string,
  before: readonly RankedRow[],
  after: RankedBoard,
): BoardChange {
  const old = new Map(before.map((r) => [standingKey(r), r]))
  const rows: BoardChange['rows'] = []
  const seen = new Set<string>()
  let from = -1,
    to = -1
  after.rows.forEach((r, i) => {
    const key = standingKey(r)
    seen.add(key)
    const o = old.get(key)
    if (!o || !sameRow(o, r)) rows.push({ ...rowJson(r), position: i + 1 })
    const at = before[i]
    if (!at || standingKey(at) !== key || at.rank !== r.rank || !sameRow(at, r)) {
      if (from < 0) from = i
      to = i
    }
  })
  if (before.length > after.rows.length) {
    if (from < 0) from = after.rows.length
    to = Math.max(to, before.length - 1)
  }
  const removed = before
    .filter((r) => !seen.has(standingKey(r)))
    .map((r) => ({ team: r.team, baseline: r.baseline, submission_id: String(r.submissionId) }))
  return {
    board,
    phase,
    version: after.version,
    total: after.rows.length,
    rows,
    removed,
    places: from < 0 ? null : { from: from + 1, to: to + 1 },
  }
}

class Feed {
  readonly listeners = new Set<(e: FeedEvent) => void>()
  private last: RankedBoard | undefined
  private running = false
  private again = false
  private lastSent = 0
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly ctx: ServerContext,
    readonly board: string,
    readonly phase: Phase,
  ) {}

  /** The board as announced; the first subscriber's ranking starts it. */
  async start(): Promise<void> {
    this.last ??= await rankedBoard(this.ctx, this.board, this.phase)
  }

  /** The version moved: announce it (at most one event per MIN_GAP_MS, the newest state last). */
  wake(): void {
    if (this.running || this.timer) {
      this.again = true
      return
    }
    const wait = this.lastSent + MIN_GAP_MS - Date.now()
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.wake()
      }, wait)
      return
    }
    this.running = true
    void this.announce().finally(() => {
      this.running = false
      if (this.again) {
        this.again = false
        this.wake()
      }
    })
  }

  private async announce(): Promise<void> {
    let next: RankedBoard
    try {
      next = await rankedBoard(this.ctx, this.board, this.phase)
    } catch {
      return // the next change (or the poll) tries again
    }
    const before = this.last
    if (!before || next.version <= before.version) return
    this.last = next
    this.lastSent = Date.now()
    const change = boardChange(this.board, this.phase.name, before.rows, next)
    const event: FeedEvent = { kind: 'change', change, text: JSON.stringify(change) }
    for (const fn of this.listeners) fn(event)
  }

  close(): void {
    clearTimeout(this.timer)
    for (const fn of this.listeners) fn({ kind: 'reset' })
    this.listeners.clear()
  }
}

const feedsOf = new WeakMap<ServerContext, Map<string, Feed>>()

function feeds(ctx: ServerContext): Map<string, Feed> {
  let map = feedsOf.get(ctx)
  if (!map) {
    const all = new Map<string, Feed>()
    map = all
    feedsOf.set(ctx, all)
    const settings = versionKey(SETTINGS_KEY.board, SETTINGS_KEY.phase)
    boardVersions(ctx).on('change', (key: string) => {
      if (key === settings) {
        for (const f of all.values()) f.close()
        all.clear()
      } else all.get(key)?.wake()
    })
  }
  return map
}

/**
 * Follows a board: `listener` gets each change from now on (and 'reset' when it must reconnect).
 * Resolves once the feed knows the board, with the function that stops following.
 */
export async function followBoard(
  ctx: ServerContext,
  board: string,
  phase: Phase,
  listener: (e: FeedEvent) => void,
): Promise<() => void> {
  const all = feeds(ctx)
  const key = versionKey(board, phase.name)
  let feed = all.get(key)
  if (!feed || feed.phase.rule !== phase.rule) {
    feed?.close()
    feed = new Feed(ctx, board, phase)
    all.set(key, feed)
  }
  feed.listeners.add(listener)
  await feed.start()
  const mine = feed
  return () => {
    mine.listeners.delete(listener)
    if (mine.listeners.size === 0 && all.get(key) === mine) {
      mine.close()
      all.delete(key)
    }
  }
}
