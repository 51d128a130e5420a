/**
 * What a server process remembers of its boards between requests: the version counters of
 * standings.ts, the phases and publication state, and each board's ranked rows with the bodies
 * already written for them. A request checks freshness without a query in the usual case:
 * this process's own changes mark the counters stale (ctx.events 'boards'); other processes'
 * changes arrive by NOTIFY (PostgreSQL) or show in SQLite's data_version, which costs no disk
 * read. A timer looks as well, so the change feeds (board-feed.ts) hear of changes nobody asked about.
 */
import { EventEmitter } from 'node:events'
import type { Phase } from '../challenge/load.js'
import { orderStandings, type RankedRow } from '../leaderboard/rank.js'
import type { ServerContext } from './context.js'
import { applyOverrides } from './phases.js'
import { BOARDS_CHANNEL, readStandings, readVersions, SETTINGS_KEY, versionKey } from './standings.js'

/** How often the timer looks for other processes' changes (SQLite: data_version, PostgreSQL: the counters, in case a NOTIFY was lost). */
const POLL_MS = { sqlite: 250, postgres: 1000 }
/** SQLite: a request looks at data_version at most this often (a look costs ~30 µs: a board answer's fifth). */
const PROBE_MS = 20

/**
 * The version counters as this process knows them, re-read whenever something may have changed
 * (and only then). Emits 'change' (key, version) for each counter that moved.
 */
export class BoardVersions extends EventEmitter {
  private known = new Map<string, number>()
  /** raised by each hint that the counters may have moved */
  private wanted = 1
  /** the value of `wanted` when the last completed read started */
  private read = 0
  private reading: Promise<void> | undefined
  private external: number | undefined
  private probedAt = 0
  private readonly timer: NodeJS.Timeout

  constructor(private readonly ctx: ServerContext) {
    super()
    this.setMaxListeners(0)
    const hint = () => this.hint()
    ctx.events.on('boards', hint)
    void ctx.db.listen(BOARDS_CHANNEL, hint)
    this.timer = setInterval(() => {
      if (ctx.db.dialect === 'postgres') this.wanted++
      if (this.stale(true)) void this.current().catch(() => {})
    }, POLL_MS[ctx.db.dialect])
    this.timer.unref()
    ctx.db.onClose(() => clearInterval(this.timer))
  }

  /** Something may have changed: the next `current()` reads the counters, and the feeds hear soon. */
  hint(): void {
    this.wanted++
    if (this.listenerCount('change') > 0) setImmediate(() => void this.current().catch(() => {}))
  }

  private stale(force = false): boolean {
    const probe = this.ctx.db.externalChanges
    const now = Date.now()
    if (probe && (force || now - this.probedAt >= PROBE_MS)) {
      this.probedAt = now
      const v = probe()
      if (v !== this.external) {
        this.external = v
        this.wanted++
      }
    }
    return this.read < this.wanted
  }

  /** The counters, read again first if they may have moved since this call began. */
  async current(): Promise<ReadonlyMap<string, number>> {
    while (this.stale()) {
      if (!this.reading) {
        const gen = this.wanted
        this.reading = readVersions(this.ctx)
          .then((fresh) => {
            const before = this.known
            this.known = fresh
            this.read = Math.max(this.read, gen)
            for (const [key, v] of fresh) if (before.get(key) !== v) this.emit('change', key, v)
          })
          .finally(() => {
            this.reading = undefined
          })
      }
      await this.reading
    }
    return this.known
  }
}

export interface BoardSettings {
  version: number
  phases: Phase[]
  /** versionKey(board, phase) of each published board */
  published: Set<string>
}

/** A board's ranked rows at one version, and what was built from them (JSON bodies, indexes). */
export interface RankedBoard {
  version: number
  rule: Phase['rule']
  rows: RankedRow[]
  /** bodies written from these rows (leaderboard.ts), by what was asked */
  bodies: Map<string, unknown>
  /** lower-cased team name -> index in rows of the team's ranked row */
  teamIndex: Map<string, number>
  /** submission id -> index in rows */
  submissionIndex: Map<string, number>
}

interface ContextCache {
  versions: BoardVersions
  settings?: BoardSettings
  loadingSettings?: { version: number; promise: Promise<BoardSettings> }
  boards: Map<string, RankedBoard>
  loading: Map<string, Promise<RankedBoard>>
}

const caches = new WeakMap<ServerContext, ContextCache>()

function cacheOf(ctx: ServerContext): ContextCache {
  let c = caches.get(ctx)
  if (!c) {
    c = { versions: new BoardVersions(ctx), boards: new Map(), loading: new Map() }
    caches.set(ctx, c)
  }
  return c
}

export function boardVersions(ctx: ServerContext): BoardVersions {
  return cacheOf(ctx).versions
}

/** The effective phases and which boards are published, as of now. */
export async function boardSettings(ctx: ServerContext): Promise<BoardSettings> {
  const c = cacheOf(ctx)
  const versions = await c.versions.current()
  const version = versions.get(versionKey(SETTINGS_KEY.board, SETTINGS_KEY.phase)) ?? 0
  if (c.settings && c.settings.version >= version) return c.settings
  if (c.loadingSettings && c.loadingSettings.version >= version) return c.loadingSettings.promise
  const promise: Promise<BoardSettings> = (async () => {
    try {
      const [overrides, states] = await Promise.all([
        ctx.db.kysely.selectFrom('phase_overrides').selectAll().execute(),
        ctx.db.kysely.selectFrom('board_state').select(['board', 'phase', 'published_at']).execute(),
      ])
      const settings: BoardSettings = {
        version,
        phases: applyOverrides(ctx.challenge.phases, overrides),
        published: new Set(states.filter((s) => s.published_at).map((s) => versionKey(s.board, s.phase))),
      }
      if (!c.settings || c.settings.version <= version) c.settings = settings
      return settings
    } finally {
      if (c.loadingSettings?.version === version) c.loadingSettings = undefined
    }
  })()
  c.loadingSettings = { version, promise }
  return promise
}

/** The ranked rows of (board, phase) at the newest version (read from the standings when it moved). */
export async function rankedBoard(ctx: ServerContext, board: string, phase: Phase): Promise<RankedBoard> {
  const c = cacheOf(ctx)
  const key = versionKey(board, phase.name)
  const version = (await c.versions.current()).get(key)
  const hit = c.boards.get(key)
  if (hit && version !== undefined && hit.version >= version && hit.rule === phase.rule) return hit
  // a read started before the newest version would answer with older rows: join only one of this version
  const loadKey = `${key}\u0000${phase.rule}\u0000${version ?? 'new'}`
  let loading = c.loading.get(loadKey)
  if (!loading) {
    loading = (async () => {
      try {
        const { version: read, entries } = await readStandings(ctx, board, phase.name, phase.rule)
        const rows = orderStandings(entries)
        const teamIndex = new Map<string, number>()
        const submissionIndex = new Map<string, number>()
        rows.forEach((r, i) => {
          if (!r.baseline) teamIndex.set(r.team.toLowerCase(), i)
          submissionIndex.set(String(r.submissionId), i)
        })
        const ranked: RankedBoard = {
          version: read,
          rule: phase.rule,
          rows,
          bodies: new Map(),
          teamIndex,
          submissionIndex,
        }
        const current = c.boards.get(key)
        if (!current || current.version <= read) c.boards.set(key, ranked)
        return ranked
      } finally {
        c.loading.delete(loadKey)
      }
    })()
    c.loading.set(loadKey, loading)
  }
  return loading
}
