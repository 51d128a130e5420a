/**
 * Signed checkpoints of the audit log's head, kept OUTSIDE the database: a JSON-lines file in the
 * server's state folder, beside its signing key. Whoever can rewrite the database can cut the
 * newest entries and leave a shorter chain that still verifies; they cannot sign a checkpoint. So
 * a chain that ends before the last checkpoint, or holds another entry where a checkpoint names
 * one, is broken. (Every result manifest names its score's entry as well: the same check, with
 * the anchor in the teams' hands.)
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs'
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalJson } from '../canonical-json.js'
import type { AuditHead } from './chain.js'

export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl'
const FORMAT = 'dataperf-audit-checkpoint/1'

export interface Checkpoint extends AuditHead {
  /** when the server saw this head (ISO 8601) */
  at: string
  /** base64 ed25519 signature of the canonical JSON of { format, seq, hash, at } */
  signature: string
}

function signedBytes(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ format: FORMAT, seq: c.seq, hash: c.hash, at: c.at }))
}

export function signCheckpoint(head: AuditHead, at: string, privateKey: KeyObject): Checkpoint {
  const c = { seq: head.seq, hash: head.hash, at }
  return { ...c, signature: sign(null, signedBytes(c), privateKey).toString('base64') }
}

/** Appends one line and flushes it to disk before returning. */
export function appendCheckpoint(file: string, checkpoint: Checkpoint): void {
  appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o644 })
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export interface CheckpointFile {
  checkpoints: Checkpoint[]
  /** lines that are not checkpoints of this key: "line N: why" */
  problems: string[]
}

/** The file's checkpoints, each checked against the server's public key (an absent file has none). */
export function readCheckpoints(file: string, publicKeyPem: string): CheckpointFile {
  const out: CheckpointFile = { checkpoints: [], problems: [] }
  if (!existsSync(file)) return out
  const key = createPublicKey(publicKeyPem)
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return
      let c: Checkpoint
      try {
        c = JSON.parse(line) as Checkpoint
      } catch {
        out.problems.push(`line ${i + 1}: not JSON`)
        return
      }
      const ok =
        Number.isInteger(c.seq) &&
        typeof c.hash === 'string' &&
        typeof c.at === 'string' &&
        typeof c.signature === 'string' &&
        verify(null, signedBytes(c), key, Buffer.from(c.signature, 'base64'))
      if (ok) out.checkpoints.push({ seq: c.seq, hash: c.hash, at: c.at, signature: c.signature })
      else out.problems.push(`line ${i + 1}: not signed by this server's key (changed, or written with another key)`)
    })
  return out
}

/** An anchor the chain must agree with: a checkpoint, or the entry a result manifest names. */
export interface Anchor extends AuditHead {
  /** where the anchor comes from, for the report: "the checkpoint of 2026-…", "the manifest of sub_…" */
  source: string
}

/**
 * The first anchor the stored chain (seq -> hash, entries 1..length) disagrees with, as a
 * one-line reason; undefined when it holds every anchor.
 */
export function anchorProblem(
  hashes: ReadonlyMap<number, string>,
  length: number,
  anchors: readonly Anchor[],
): { brokenAt: number; reason: string } | undefined {
  const sorted = [...anchors].sort((a, b) => b.seq - a.seq)
  const longest = sorted[0]
  if (longest && longest.seq > length)
    return {
      brokenAt: length + 1,
      reason: `the log ends at entry ${length}, but ${longest.source} records entry ${longest.seq}: entries ${length + 1} to ${longest.seq} were removed`,
    }
  for (const a of sorted) {
    const stored = hashes.get(a.seq)
    if (stored !== a.hash)
      return {
        brokenAt: a.seq,
        reason: `entry ${a.seq} is not the one ${a.source} records (hash ${String(stored).slice(0, 12)}…, recorded ${a.hash.slice(0, 12)}…)`,
      }
  }
  return undefined
}
