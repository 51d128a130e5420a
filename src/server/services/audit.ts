/**
 * The append-only audit log: each entry (submission, quota decision, score, rescore, publish,
 * phase change, baseline, role) is chained to the previous one by hash (audit/chain.ts), inside
 * the same transaction as the change it records. Appends are serialised (an advisory lock on
 * PostgreSQL; SQLite transactions already are), so the chain never forks.
 */
import type { QueryCreator, Transaction } from '../../vendor/kysely.js'
import {
  GENESIS_HASH,
  nextEntry,
  verifyChain,
  type AuditHead,
  type AuditKind,
  type ChainStatus,
} from '../audit/chain.js'
import { anchorProblem, readCheckpoints, type Anchor, type Checkpoint } from '../audit/checkpoints.js'
import { advisoryLock } from '../db/open.js'
import type { Database } from '../db/schema.js'
import { iso, type ServerContext } from './context.js'

const AUDIT_LOCK = 0x0da7a9e1

export interface AuditInput {
  kind: AuditKind
  actor: string
  payload: Record<string, unknown>
}

/** Appends one entry in `trx`; returns it as the log's new head (seq and hash). */
export async function appendAudit(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  trx: Transaction<Database>,
  input: AuditInput,
): Promise<AuditHead> {
  const entry = await nextAuditRow(ctx, trx, input)
  await trx.insertInto('audit_log').values(entry).execute()
  return { seq: entry.seq, hash: entry.hash }
}

/**
 * The row `appendAudit` would insert, with the log locked until `trx` ends; the caller inserts it
 * in `trx`.
 */
export async function nextAuditRow(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  trx: Transaction<Database>,
  input: AuditInput,
): Promise<Database['audit_log']> {
  await lockAudit(ctx, trx)
  return auditRowAfter(ctx, await auditHeadQuery(trx).executeTakeFirst(), input)
}

/**
 * Locks the log until `trx` ends (PostgreSQL; SQLite transactions are serialised already): read
 * the head after this, in a later statement, or another append may have moved it meanwhile.
 */
export async function lockAudit(ctx: Pick<ServerContext, 'db'>, trx: Transaction<Database>): Promise<void> {
  await advisoryLock(ctx.db, trx, AUDIT_LOCK)
}

/** The newest entry's seq and hash, not yet run (no row for an empty log). */
export function auditHeadQuery(q: QueryCreator<Database>) {
  return q.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1)
}

/** The row that follows `last` (undefined: the log is empty) for `input`, at ctx.now(). */
export function auditRowAfter(
  ctx: Pick<ServerContext, 'now'>,
  last: AuditHead | undefined,
  input: AuditInput,
): Database['audit_log'] {
  const e = nextEntry(last, { at: iso(ctx.now()), kind: input.kind, actor: input.actor, payload: input.payload })
  return {
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
    payload: JSON.stringify(e.payload),
    prev_hash: e.prevHash,
    hash: e.hash,
  }
}

/** The newest entry (seq 0 and the genesis hash for an empty log). */
export async function auditHead(ctx: Pick<ServerContext, 'db'>): Promise<AuditHead> {
  return (await auditHeadQuery(ctx.db.kysely).executeTakeFirst()) ?? { seq: 0, hash: GENESIS_HASH }
}

export interface AuditRow {
  seq: number
  at: string
  kind: string
  actor: string
  payload: unknown
  prevHash: string
  hash: string
}

export async function readAudit(
  ctx: Pick<ServerContext, 'db'>,
  options: { afterSeq?: number; limit?: number } = {},
): Promise<AuditRow[]> {
  let q = ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('seq', 'asc')
  if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq)
  if (options.limit !== undefined) q = q.limit(options.limit)
  const rows = await q.execute()
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    actor: r.actor,
    payload: JSON.parse(r.payload) as unknown,
    prevHash: r.prev_hash,
    hash: r.hash,
  }))
}

export interface AuditVerdict extends ChainStatus {
  total: number
  /** signed checkpoints the chain was compared with (none when the state folder has none) */
  checkpoints: number
  /** the newest checkpoint's entry and time */
  lastCheckpoint?: { seq: number; at: string }
  /** result manifests whose audit entry was compared (only with { manifests: true }) */
  manifests?: number
}

/**
 * Re-computes the whole chain, then holds it against the anchors kept elsewhere: the server's
 * signed checkpoints (ctx.auditCheckpoints) and, with { manifests: true }, the entry each stored
 * result manifest names. `dataperf serve audit-verify` checks both; the organizers' page and API
 * the checkpoints.
 */
export async function verifyAudit(
  ctx: Pick<ServerContext, 'db' | 'auditCheckpoints'>,
  options: { manifests?: boolean } = {},
): Promise<AuditVerdict> {
  const rows = await readAudit(ctx)
  const chain = verifyChain(rows)
  const file = ctx.auditCheckpoints
    ? readCheckpoints(ctx.auditCheckpoints.file, ctx.auditCheckpoints.publicKeyPem)
    : { checkpoints: [], problems: [] }
  const last = file.checkpoints.reduce<Checkpoint | undefined>((a, c) => (!a || c.seq > a.seq ? c : a), undefined)
  const verdict: AuditVerdict = {
    ...chain,
    total: rows.length,
    checkpoints: file.checkpoints.length,
    ...(last ? { lastCheckpoint: { seq: last.seq, at: last.at } } : {}),
  }
  if (!chain.ok) return verdict
  if (file.problems.length > 0)
    return {
      ...verdict,
      ok: false,
      brokenAt: last?.seq ?? rows.length,
      reason: `the checkpoint file ${ctx.auditCheckpoints?.file}: ${file.problems[0]}`,
    }
  const anchors: Anchor[] = file.checkpoints.map((c) => ({ ...c, source: `the signed checkpoint of ${c.at}` }))
  if (options.manifests) {
    const scores = await ctx.db.kysely.selectFrom('scores').select(['submission_id', 'manifest']).execute()
    let n = 0
    for (const s of scores) {
      const audit = (JSON.parse(s.manifest) as { audit?: AuditHead }).audit
      if (!audit) continue // scored before manifests carried their entry
      anchors.push({ ...audit, source: `the result manifest of ${s.submission_id}` })
      n++
    }
    verdict.manifests = n
  }
  const problem = anchorProblem(new Map(rows.map((r) => [r.seq, r.hash])), rows.length, anchors)
  return problem ? { ...verdict, ok: false, ...problem } : verdict
}
