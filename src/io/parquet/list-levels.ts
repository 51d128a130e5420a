/**
 * Fast paths for the repetition and definition levels of a list column (one repetition level,
 * as every embedding column has). Instead of decoding hundreds of millions of levels one by one,
 * these read the RLE / bit-packed hybrid stream a run or a byte at a time: a run of 1s or a byte
 * 0xFF (eight 1s) holds no row start and is skipped whole.
 */

function readVarInt(bytes: Uint8Array, state: { off: number }): number {
  let result = 0
  let shift = 0
  for (;;) {
    const b = bytes[state.off++]!
    result += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return result
    shift += 7
  }
}

/**
 * Level positions that start a row (repetition level 0) in a width-1 level stream of `count`
 * levels occupying `bytes`.
 */
export function rowStartsOfRepetitionLevels(bytes: Uint8Array, count: number): Int32Array {
  let starts = new Int32Array(Math.max(16, count >> 6))
  let n = 0
  const push = (p: number) => {
    if (n === starts.length) {
      const bigger = new Int32Array(starts.length * 2)
      bigger.set(starts)
      starts = bigger
    }
    starts[n++] = p
  }
  const state = { off: 0 }
  let pos = 0
  while (pos < count && state.off < bytes.length) {
    const header = readVarInt(bytes, state)
    if (header & 1) {
      const groups = header >>> 1 // groups of 8 values, one byte each at width 1
      for (let b = 0; b < groups; b++) {
        const byte = bytes[state.off + b]!
        if (byte !== 0xff) {
          for (let bit = 0; bit < 8; bit++) {
            const p = pos + b * 8 + bit
            if (p < count && ((byte >> bit) & 1) === 0) push(p)
          }
        }
      }
      state.off += groups
      pos += groups * 8
    } else {
      const run = header >>> 1
      const value = bytes[state.off++]!
      if (value === 0) for (let i = 0; i < run && pos + i < count; i++) push(pos + i)
      pos += run
    }
  }
  return starts.subarray(0, n)
}

/** True when every one of `count` levels in the stream equals `value` (no nulls, no empty lists). */
export function allLevelsEqual(bytes: Uint8Array, width: number, count: number, value: number): boolean {
  const state = { off: 0 }
  const valueBytes = (width + 7) >> 3
  let pos = 0
  while (pos < count && state.off < bytes.length) {
    const header = readVarInt(bytes, state)
    if (header & 1) {
      const groups = header >>> 1
      const values = Math.min(groups * 8, count - pos)
      const start = state.off
      for (let i = 0; i < values; i++) {
        let v = 0
        for (let k = 0; k < width; k++) {
          const bitIndex = i * width + k
          v |= ((bytes[start + (bitIndex >> 3)]! >> (bitIndex & 7)) & 1) << k
        }
        if (v !== value) return false
      }
      state.off += groups * width
      pos += groups * 8
    } else {
      const run = header >>> 1
      let v = 0
      for (let k = 0; k < valueBytes; k++) v |= bytes[state.off++]! << (8 * k)
      if (v !== value && run > 0) return false
      pos += run
    }
  }
  return pos >= count
}

/**
 * Writers encode equal level sequences to equal bytes, so the pages of a fixed-length vector
 * column mostly share one repetition-level stream. Remembering decoded streams by their exact
 * bytes turns most pages' decoding into one memory comparison.
 */
export class RowStartsCache {
  private readonly known = new Map<string, Array<{ bytes: Buffer; rowStarts: Int32Array }>>()

  rowStarts(bytes: Uint8Array, count: number): Int32Array {
    const key = `${count}:${bytes.length}`
    const candidates = this.known.get(key) ?? []
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (const c of candidates) if (c.bytes.equals(buf)) return c.rowStarts
    const rowStarts = rowStartsOfRepetitionLevels(bytes, count)
    if (candidates.length < 4) {
      candidates.push({ bytes: Buffer.from(buf), rowStarts })
      this.known.set(key, candidates)
    }
    return rowStarts
  }
}
