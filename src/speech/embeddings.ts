/**
 * Loading speech embeddings the way the official load_samples does, into typed arrays:
 * targets in the ID file's key order, each word's rows in its parquet file's row order
 * (only the listed IDs); nontargets grouped by keyword (the clip ID's first path part) in
 * order of first appearance, each group in the listed order.
 */
import { existsSync } from 'node:fs'
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

/** Reads `rows` (file order, may repeat) of a file's vectors into one matrix. */
async function readRows(file: ParquetFile, rows: number[], ids: string[], dim: number): Promise<Float32Array> {
  const distinct = Int32Array.from(new Set(rows)).sort()
  const read = await file.readVectors(EMBEDDING_COLUMN, {
    dim,
    rows: distinct,
    rowLabel: (r) => `row ${r} (clip_id ${ids[r]})`,
  })
  const slot = new Map<number, number>()
  distinct.forEach((r, k) => slot.set(r, k))
  const out = new Float32Array(rows.length * dim)
  rows.forEach((r, i) => {
    const k = slot.get(r)!
    for (let j = 0; j < dim; j++) out[i * dim + j] = read.data[k * dim + j]!
  })
  return out
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
    const file = await openEmbeddingFile(dir, word, `target word '${word}' in ${options.idsFile}`)
    try {
      const { ids: fileIds, rowOf } = await readIds(file)
      const wanted = new Set(list)
      const missing = list.filter((id) => !rowOf.has(id))
      if (missing.length)
        throw new UserError(
          `${file.path}: no clip_id ${sampleList(missing.map((m) => `'${m}'`))} (listed under targets.${word} in ${options.idsFile})`,
        )
      const rows: number[] = []
      fileIds.forEach((id, r) => {
        if (wanted.has(id)) rows.push(r)
      })
      const cls: SpeechClass = { ids: rows.map((r) => fileIds[r]!), vectors: await readRows(file, rows, fileIds, dim) }
      options.onProgress?.('targets', ++done, total)
      return cls
    } finally {
      await file.close()
    }
  })
  const targets = new Map<string, SpeechClass>(targetEntries.map(([word], i) => [word, targetClasses[i]!]))
  // nontargets: one file per keyword, in order of first appearance
  const groups = new Map<string, number[]>()
  ids.nontargets.forEach((id, i) => {
    const k = keywordOf(id)
    let g = groups.get(k)
    if (!g) groups.set(k, (g = []))
    g.push(i)
  })
  const blocks = await mapConcurrently([...groups], async ([keyword, members]) => {
    const file = await openEmbeddingFile(
      dir,
      keyword,
      `nontarget clip '${ids.nontargets[members[0]!]}' in ${options.idsFile}`,
    )
    try {
      const { ids: fileIds, rowOf } = await readIds(file)
      const rows = members.map((i) => {
        const id = ids.nontargets[i]!
        const r = rowOf.get(id)
        if (r === undefined)
          throw new UserError(`${file.path}: no clip_id '${id}' (listed under nontargets in ${options.idsFile})`)
        return r
      })
      return await readRows(file, rows, fileIds, dim)
    } finally {
      await file.close()
    }
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
