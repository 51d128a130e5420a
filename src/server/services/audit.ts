/**
 * The append-only audit log: each entry (submission, quota decision, score, rescore, publish,
 * phase change, baseline, role) is chained to the previous one by hash (audit/chain.ts), inside
 * the same transaction as the change it records. Appends are serialised (an advisory lock on
 * PostgreSQL; SQLite transactions already are), so the chain never forks.
 */
import type { Transaction } from 'kysely'
import { nextEntry, verifyChain, type ChainStatus } from '../audit/chain.js'
import { advisoryLock } from '../db/open.js'
import type { Database } from '../db/schema.js'
import { iso, type ServerContext } from './context.js'

const AUDIT_LOCK = 0x0da7a9e1

export interface AuditInput {
  kind: 'submission' | 'quota' | 'score' | 'rescore' | 'publish' | 'phase' | 'baseline' | 'role'
  actor: string
  payload: Record<string, unknown>
}

export async function appendAudit(
  ctx: Pick<ServerContext, 'db' | 'now'>,
  trx: Transaction<Database>,
  input: AuditInput,
): Promise<number> {
  await advisoryLock(ctx.db, trx, AUDIT_LOCK)
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const e = nextEntry(last, { at: iso(ctx.now()), kind: input.kind, actor: input.actor, payload: input.payload })
  await trx
    .insertInto('audit_log')
    .values({
      seq: e.seq,
      at: e.at,
      kind: e.kind,
      actor: e.actor,
      payload: JSON.stringify(e.payload),
      prev_hash: e.prevHash,
      hash: e.hash,
    })
    .execute()
  return e.seq
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

/** Re-computes the whole chain: `dataperf serve audit-verify` and the organizers' audit page. */
export async function verifyAudit(ctx: Pick<ServerContext, 'db'>): Promise<ChainStatus & { total: number }> {
  const rows = await readAudit(ctx)
  return { ...verifyChain(rows), total: rows.length }
}
