/**
 * The append-only audit log as a hash chain: each entry's hash covers the previous entry's hash
 * and the entry itself (canonical JSON), so changing, removing or reordering any entry breaks
 * every hash after it. The server stores entries; these functions compute and check the chain.
 * Removing entries from the end leaves a valid shorter chain: the head is therefore anchored
 * outside the database (signed checkpoints, audit/checkpoints.ts; every result manifest names the
 * entry of its score), and audit-verify compares the chain with those anchors.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from '../canonical-json.js'

export const AUDIT_KINDS = [
  'submission',
  'quota',
  'score',
  'rescore',
  'publish',
  'phase',
  'baseline',
  'role',
  'team',
] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

export interface AuditEntry {
  /** 1, 2, 3, ... without gaps */
  seq: number
  /** ISO 8601 instant, stored as text so it reads back byte-equal */
  at: string
  kind: string
  /** who caused it: a user id, 'system', 'worker:<id>', ... */
  actor: string
  /** JSON data; hashed in canonical form, so key order and spacing in storage do not matter */
  payload: unknown
}

export interface ChainedEntry extends AuditEntry {
  prevHash: string
  hash: string
}

/** Where the chain ends: its last entry's seq and hash. */
export interface AuditHead {
  seq: number
  hash: string
}

/** The previous hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64)

/** SHA-256 (hex) of the previous hash and the entry's canonical JSON. */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    actor: entry.actor,
    payload: entry.payload ?? null,
  })
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex')
}

/** The entry to append after `last` (undefined for the first), with its seq and hashes. */
export function nextEntry(
  last: Pick<ChainedEntry, 'seq' | 'hash'> | undefined,
  entry: Omit<AuditEntry, 'seq'>,
): ChainedEntry {
  const seq = last ? last.seq + 1 : 1
  const prevHash = last ? last.hash : GENESIS_HASH
  const full: AuditEntry = { seq, at: entry.at, kind: entry.kind, actor: entry.actor, payload: entry.payload ?? null }
  return { ...full, prevHash, hash: entryHash(prevHash, full) }
}

export interface ChainStatus {
  ok: boolean
  /** entries checked */
  entries: number
  /** the last entry's hash (GENESIS_HASH for an empty log): keep it to detect truncation later */
  head: string
  /** seq of the first entry that does not chain (for a missing entry: the seq that was expected) */
  brokenAt?: number
  /** one line saying what is wrong there */
  reason?: string
}

/** Checks the whole chain, in seq order as stored; stops at the first broken entry. */
export function verifyChain(entries: readonly ChainedEntry[]): ChainStatus {
  let prev = GENESIS_HASH
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    const broken = (reason: string): ChainStatus => ({ ok: false, entries: i, head: prev, brokenAt: i + 1, reason })
    if (e.seq !== i + 1)
      return broken(`expected entry ${i + 1}, found entry ${e.seq} (an entry is missing or out of order)`)
    if (e.prevHash !== prev)
      return broken(
        `entry ${e.seq} names previous hash ${e.prevHash.slice(0, 12)}…, but entry ${i} hashes to ${prev.slice(0, 12)}…`,
      )
    const hash = entryHash(prev, e)
    if (hash !== e.hash)
      return broken(
        `entry ${e.seq} (${e.kind}) was changed: its content hashes to ${hash.slice(0, 12)}…, stored ${e.hash.slice(0, 12)}…`,
      )
    prev = e.hash
  }
  return { ok: true, entries: entries.length, head: prev }
}
