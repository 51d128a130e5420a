/**
 * Loading speech embeddings the way the official load_samples does, into typed arrays:
 * targets in the ID file's key order, each word's rows in its parquet file's row order
 * (only the listed IDs); nontargets grouped by keyword (the clip ID's first path part) in
 * order of first appearance, each group in the listed order.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, sampleList } from '../errors.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { readWav } from '../io/wav.js'
import { CLIP_ID_COLUMN, EMBEDDING_COLUMN, SPEECH_DIM, SPEECH_LAYOUT, keywordOf } from './layout.js'
import type { SampleIds } from './sample-ids.js'
import type { Progress } from '../progress.js'

/** One class's clips: IDs and a row-major matrix (ids.length x dim). */
export interface SpeechClass {
  ids: string[]
  vectors: Float32Array
  /** 16 kHz samples per clip when an audio folder was given: clip i is data[offsets[i]..offsets[i+1]) */
  audio?: { data: Int16Array | Float32Array; offsets: Int32Array; sampleRate: number }
}

export interface SpeechEmbeddings {
  dim: number
  /** target word -> clips, in the ID file's key order */
  targets: Map<string, SpeechClass>
  nontargets: SpeechClass
}

export interface LoadOptions {
  /** names the ID file in errors */
  idsFile: string
  dim?: number
  onProgress?: Progress
  /** a long-lived process loading from the same files again and again (a server's scoring process) */
  cache?: EmbeddingRowsCache
}

/** `fn` over `items`, at most `limit` at a time; results in item order. The first error wins. */
async function mapConcurrently<T, R>(items: T[], fn: (item: T) => Promise<R>, limit = 8): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return out
}

interface ParquetRows {
  ids: string[]
  rowOf: Map<string, number>
}

async function openEmbeddingFile(dir: string, name: string, why: string): Promise<ParquetFile> {
  const path = join(dir, SPEECH_LAYOUT.embeddingFile(name))
  if (!existsSync(path))
    throw new UserError(
      `${path}: file not found (${why}); expected one parquet file per target word and per nontarget keyword in ${dir}`,
    )
  const file = await ParquetFile.open(path)
  for (const column of [CLIP_ID_COLUMN, EMBEDDING_COLUMN]) {
    if (!file.column(column)) {
      await file.close()
      throw new UserError(
        `${path}: no column '${column}' (found ${file.columnNames.join(', ')}); expected ${CLIP_ID_COLUMN} and ${EMBEDDING_COLUMN}`,
      )
    }
  }
  return file
}

async function readIds(file: ParquetFile): Promise<ParquetRows> {
  const raw = await file.readScalars(CLIP_ID_COLUMN)
  const ids = raw.map((v) => String(v))
  const rowOf = new Map<string, number>()
  ids.forEach((id, r) => {
    if (!rowOf.has(id)) rowOf.set(id, r)
  })
  return { ids, rowOf }
}

/** Reads `rows` (distinct, file order) of a file's vectors into one matrix. */
async function readRows(file: ParquetFile, rows: Int32Array, ids: string[], dim: number): Promise<Float32Array> {
  const read = await file.readVectors(EMBEDDING_COLUMN, {
    dim,
    rows,
    rowLabel: (r) => `row ${r} (clip_id ${ids[r]})`,
  })
  // float64 files give float32 vectors
  return read.data instanceof Float32Array ? read.data : new Float32Array(read.data)
}

/** An embedding file's clip IDs and, in a cache, the vectors read from it so far (row r at r * dim). */
interface FileRows extends ParquetRows {
  stamp: string
  /** every row's vector slot, allocated on the first read; only rows marked in `have` hold data */
  data?: Float32Array
  have?: Uint8Array
}

/**
 * Embedding files' clip IDs and the vectors read from them, kept between loads: a server's scoring
 * process reads the same training pool for every submission, and decoding its parquet pages was a
 * third of a short job's CPU. A file that changes (size or time) is read again; past `maxBytes` of
 * vectors the cache starts over, so its memory stays bounded whatever the pool's size.
 */
export class EmbeddingRowsCache {
  private readonly files = new Map<string, FileRows>()
  private bytes = 0

  constructor(private readonly maxBytes = 128 * 2 ** 20) {}

  /** `path`'s entry if the file is unchanged since it was read, else none (the stale entry is dropped) */
  get(path: string, dim: number): FileRows | undefined {
    const entry = this.files.get(path)
    if (!entry) return undefined
    if (entry.stamp === stampOf(path, dim)) return entry
    this.files.delete(path)
    this.bytes -= entry.data?.byteLength ?? 0
    return undefined
  }

  /**
   * A new entry for `path` (`stamp` taken before its IDs were read), with room for all its rows'
   * vectors; a file whose vectors alone exceed the budget, or that cannot be stat-ed, is not kept.
   * The oldest entries make room for it.
   */
  set(path: string, stamp: string, dim: number, index: ParquetRows): FileRows {
    const bytes = index.ids.length * dim * 4
    if (!stamp || bytes > this.maxBytes) return { ...index, stamp: '' }
    const entry: FileRows = {
      ...index,
      stamp,
      data: new Float32Array(index.ids.length * dim),
      have: new Uint8Array(index.ids.length),
    }
    for (const [oldPath, old] of this.files) {
      if (this.bytes + bytes <= this.maxBytes) break
      this.files.delete(oldPath)
      this.bytes -= old.data!.byteLength
    }
    this.files.set(path, entry)
    this.bytes += bytes
    return entry
  }
}

/** what must be unchanged for a cached entry to hold: the file's size and time, and the vector size */
function stampOf(path: string, dim: number): string {
  try {
    const st = statSync(path)
    return `${st.size}:${st.mtimeMs}:${dim}`
  } catch {
    return ''
  }
}

/**
 * The vectors of the rows `pick` chooses (file rows, may repeat) from one embedding file, as one
 * matrix in that order: from `cache` where it has them, the rest read from the file.
 */
async function readEmbeddingRows(
  dir: string,
  name: string,
  why: string,
  dim: number,
  cache: EmbeddingRowsCache | undefined,
  pick: (index: ParquetRows, path: string) => number[],
): Promise<{ ids: string[]; vectors: { rows: number[]; data: Float32Array } }> {
  const path = join(dir, SPEECH_LAYOUT.embeddingFile(name))
  let entry = cache?.get(path, dim)
  let file: ParquetFile | undefined
  try {
    if (!entry) {
      const stamp = cache ? stampOf(path, dim) : ''
      file = await openEmbeddingFile(dir, name, why)
      const index = await readIds(file)
      entry = cache ? cache.set(path, stamp, dim, index) : { ...index, stamp }
    }
    const rows = pick(entry, path)
    const out = new Float32Array(rows.length * dim)
    const { ids: fileIds, data, have } = entry
    const wanted = Int32Array.from(new Set(have ? rows.filter((r) => !have[r]) : rows)).sort()
    if (wanted.length) file ??= await openEmbeddingFile(dir, name, why)
    if (data && have) {
      if (wanted.length) {
        const f = file!
        const read = async (missing: Int32Array) => {
          const got = await readRows(f, missing, fileIds, dim)
          missing.forEach((r, k) => {
            data.set(got.subarray(k * dim, (k + 1) * dim), r * dim)
            have[r] = 1
          })
        }
        // a row costs decoding its whole page, so the cache takes the file's other rows with it; a
        // bad row elsewhere in the file must not fail this load: then only the wanted rows are read
        const rest = Int32Array.from(fileIds.keys()).filter((r) => !have[r])
        await (rest.length > wanted.length ? read(rest).catch(() => read(wanted)) : read(wanted))
      }
      rows.forEach((r, i) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim))
    } else if (wanted.length) {
      const got = await readRows(file!, wanted, fileIds, dim)
      const slot = new Int32Array(fileIds.length)
      wanted.forEach((r, k) => {
        slot[r] = k
      })
      rows.forEach((r, i) => out.set(got.subarray(slot[r]! * dim, (slot[r]! + 1) * dim), i * dim))
    }
    return { ids: fileIds, vectors: { rows, data: out } }
  } finally {
    await file?.close()
  }
}

export async function loadSpeechEmbeddings(
  ids: SampleIds,
  dir: string,
  options: LoadOptions,
): Promise<SpeechEmbeddings> {
  const dim = options.dim ?? SPEECH_DIM
  // files are read several at a time (their order in the result stays the official one)
  const targetEntries = [...ids.targets]
  let done = 0
  const total = targetEntries.length + 1
  const targetClasses = await mapConcurrently(targetEntries, async ([word, list]) => {
    const { ids: fileIds, vectors } = await readEmbeddingRows(
      dir,
      word,
      `target word '${word}' in ${options.idsFile}`,
      dim,
      options.cache,
      ({ ids: fileIds, rowOf }, path) => {
        const wanted = new Set(list)
        const missing = list.filter((id) => !rowOf.has(id))
        if (missing.length)
          throw new UserError(
            `${path}: no clip_id ${sampleList(missing.map((m) => `'${m}'`))} (listed under targets.${word} in ${options.idsFile})`,
          )
        const rows: number[] = []
        fileIds.forEach((id, r) => {
          if (wanted.has(id)) rows.push(r)
        })
        return rows
      },
    )
    options.onProgress?.('targets', ++done, total)
    return { ids: vectors.rows.map((r) => fileIds[r]!), vectors: vectors.data }
  })
  const targets = new Map<string, SpeechClass>(targetEntries.map(([word], i) => [word, targetClasses[i]!] as const))
  // nontargets: one file per keyword, in order of first appearance
  const groups = new Map<string, number[]>()
  ids.nontargets.forEach((id, i) => {
    const k = keywordOf(id)
    let g = groups.get(k)
    if (!g) groups.set(k, (g = []))
    g.push(i)
  })
  const blocks = await mapConcurrently([...groups], async ([keyword, members]) => {
    const { vectors } = await readEmbeddingRows(
      dir,
      keyword,
      `nontarget clip '${ids.nontargets[members[0]!]}' in ${options.idsFile}`,
      dim,
      options.cache,
      ({ rowOf }, path) =>
        members.map((i) => {
          const id = ids.nontargets[i]!
          const r = rowOf.get(id)
          if (r === undefined)
            throw new UserError(`${path}: no clip_id '${id}' (listed under nontargets in ${options.idsFile})`)
          return r
        }),
    )
    return vectors.data
  })
  const order = [...groups.values()].flatMap((members) => members.map((i) => ids.nontargets[i]!))
  const vectors = new Float32Array(order.length * dim)
  let offset = 0
  for (const b of blocks) {
    vectors.set(b, offset)
    offset += b.length
  }
  options.onProgress?.('nontargets', total, total)
  return { dim, targets, nontargets: { ids: order, vectors } }
}

/**
 * The official create_dataset: targets (in key order) then nontargets, as float64 rows;
 * class ids: target words sorted alphabetically get 1..n, nontarget is 0.
 */
export function createDataset(embeddings: SpeechEmbeddings): {
  X: Float64Array
  y: Int32Array
  rows: number
  classIdOf: Map<string, number>
} {
  const classIdOf = new Map<string, number>()
  Array.from(embeddings.targets.keys())
    .sort()
    .forEach((w, i) => classIdOf.set(w, i + 1))
  let rows = embeddings.nontargets.ids.length
  for (const c of embeddings.targets.values()) rows += c.ids.length
  const d = embeddings.dim
  const X = new Float64Array(rows * d)
  const y = new Int32Array(rows)
  let r = 0
  for (const [word, c] of embeddings.targets) {
    X.set(c.vectors, r * d)
    y.fill(classIdOf.get(word)!, r, r + c.ids.length)
    r += c.ids.length
  }
  X.set(embeddings.nontargets.vectors, r * d)
  return { X, y, rows, classIdOf }
}

/** Adds each clip's audio from `audioDir/<clip_id>` (16 kHz WAV, as the official --audio_dir). */
export function attachAudio(embeddings: SpeechEmbeddings, audioDir: string): void {
  const load = (cls: SpeechClass) => {
    const clips = cls.ids.map((id) => readWav(join(audioDir, id)))
    const offsets = new Int32Array(clips.length + 1)
    clips.forEach((c, i) => {
      offsets[i + 1] = offsets[i]! + c.samples.length
    })
    const float = clips.some((c) => c.samples instanceof Float32Array)
    const data = float ? new Float32Array(offsets[clips.length]!) : new Int16Array(offsets[clips.length]!)
    clips.forEach((c, i) => data.set(c.samples, offsets[i]!))
    cls.audio = { data, offsets, sampleRate: clips[0]?.sampleRate ?? 16000 }
  }
  for (const cls of embeddings.targets.values()) load(cls)
  load(embeddings.nontargets)
}
