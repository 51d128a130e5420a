/**
 * The audit hash chain: a chain built entry by entry verifies; changing any field of any entry,
 * removing, inserting or swapping entries is found at the first broken entry.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { entryHash, GENESIS_HASH, nextEntry, verifyChain, type ChainedEntry } from '../src/server/audit/chain.js'

function buildChain(n: number): ChainedEntry[] {
  const kinds = ['submission', 'quota', 'score', 'rescore', 'publish', 'phase', 'baseline', 'role']
  const out: ChainedEntry[] = []
  for (let i = 0; i < n; i++) {
    out.push(
      nextEntry(out.at(-1), {
        at: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
        kind: kinds[i % kinds.length]!,
        actor: `user:${i % 3}`,
        payload: { submission: i, board: 'en-25', score: i / 7, nested: { list: [i, 'x'] } },
      }),
    )
  }
  return out
}

const copy = (chain: ChainedEntry[]) => JSON.parse(JSON.stringify(chain)) as ChainedEntry[]

test('a chain built with nextEntry verifies; its head is the last hash; the empty log is fine', () => {
  const chain = buildChain(20)
  assert.deepEqual(
    chain.map((e) => e.seq),
    Array.from({ length: 20 }, (_, i) => i + 1),
  )
  assert.equal(chain[0]!.prevHash, GENESIS_HASH)
  for (let i = 1; i < chain.length; i++) assert.equal(chain[i]!.prevHash, chain[i - 1]!.hash)
  assert.deepEqual(verifyChain(chain), { ok: true, entries: 20, head: chain[19]!.hash })
  assert.deepEqual(verifyChain([]), { ok: true, entries: 0, head: GENESIS_HASH })
  // the hash is SHA-256 of the previous hash, a newline and the entry's canonical JSON
  const e = chain[3]!
  const body = `{"actor":"${e.actor}","at":"${e.at}","kind":"${e.kind}","payload":{"board":"en-25","nested":{"list":[3,"x"]},"score":${3 / 7},"submission":3},"seq":4}`
  assert.equal(e.hash, createHash('sha256').update(`${e.prevHash}\n${body}`).digest('hex'))
})

test('payload key order and spacing as stored (e.g. jsonb) do not matter; values do', () => {
  const chain = buildChain(3)
  const reordered = copy(chain)
  reordered[1]!.payload = Object.fromEntries(Object.entries(reordered[1]!.payload as Record<string, unknown>).reverse())
  assert.equal(verifyChain(reordered).ok, true)
})

test('any changed field of any entry breaks the chain at that entry', () => {
  const chain = buildChain(12)
  const edits: Array<[string, (e: ChainedEntry) => void]> = [
    [
      'at',
      (e) => {
        e.at = '2027-01-01T00:00:00.000Z'
      },
    ],
    [
      'kind',
      (e) => {
        e.kind = 'publish' === e.kind ? 'phase' : 'publish'
      },
    ],
    [
      'actor',
      (e) => {
        e.actor = 'user:99'
      },
    ],
    [
      'a payload value',
      (e) => {
        ;(e.payload as { score: number }).score += 1e-12
      },
    ],
    [
      'a nested payload value',
      (e) => {
        ;(e.payload as { nested: { list: unknown[] } }).nested.list[1] = 'y'
      },
    ],
    [
      'an added payload key',
      (e) => {
        ;(e.payload as Record<string, unknown>)['extra'] = true
      },
    ],
    [
      'the stored hash',
      (e) => {
        e.hash = e.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))
      },
    ],
  ]
  for (const at of [0, 5, 11]) {
    for (const [what, edit] of edits) {
      const bad = copy(chain)
      edit(bad[at]!)
      const status = verifyChain(bad)
      assert.equal(status.ok, false, `${what} at ${at}`)
      assert.equal(status.brokenAt, at + 1, `${what} at ${at}`)
      assert.equal(status.entries, at)
      assert.match(status.reason!, new RegExp(`^entry ${at + 1} `))
    }
  }
  // re-hashing the changed entry does not help: the next entry names the old hash
  const rehashed = copy(chain)
  rehashed[4]!.actor = 'user:99'
  rehashed[4]!.hash = entryHash(rehashed[4]!.prevHash, rehashed[4]!)
  const status = verifyChain(rehashed)
  assert.equal(status.brokenAt, 6)
  assert.match(status.reason!, /^entry 6 names previous hash [0-9a-f]{12}…, but entry 5 hashes to [0-9a-f]{12}…$/)
})

test('removed, inserted, swapped or renumbered entries are found where the sequence breaks', () => {
  const chain = buildChain(10)
  const removed = copy(chain).filter((e) => e.seq !== 4)
  assert.deepEqual(
    [verifyChain(removed).brokenAt, verifyChain(removed).reason],
    [4, 'expected entry 4, found entry 5 (an entry is missing or out of order)'],
  )
  const swapped = copy(chain)
  ;[swapped[6], swapped[7]] = [swapped[7]!, swapped[6]!]
  assert.equal(verifyChain(swapped).brokenAt, 7)
  // an entry removed and the rest renumbered: the hashes give it away
  const renumbered = copy(chain)
    .filter((e) => e.seq !== 4)
    .map((e, i) => ({ ...e, seq: i + 1 }))
  assert.equal(verifyChain(renumbered).brokenAt, 4)
  // a forged entry appended in the middle with a correct-looking seq
  const inserted = copy(chain)
  inserted.splice(2, 0, nextEntry(chain[1], { at: chain[1]!.at, kind: 'score', actor: 'mallory', payload: {} }))
  const status = verifyChain(inserted.map((e, i) => (i > 2 ? { ...e, seq: i + 1 } : e)))
  assert.equal(status.brokenAt, 4)
})
