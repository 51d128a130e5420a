/**
 * A generated MSWC-style raw corpus for the organizer tests: metadata.json.gz (two languages,
 * words in a deliberate order that includes integer-like words), a splits CSV
 * (SET,LINK,WORD,VALID,SPEAKER,GENDER) in shuffled row order, and one parquet file per word
 * (clip_id, mswc_embedding_vector) whose rows are shuffled and hold a few clips the metadata does
 * not list. Beside each parquet file, `clip_ids/<word>.json` gives the clip_id column to the
 * Python oracle, which has no parquet reader.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Rng } from '../../src/ml/rng.js'
import { writeVectorTable } from '../../src/io/parquet/writer.js'

export interface MswcCorpus {
  dir: string
  metadata: string
  splits: string
  embeddings: string
  clipIds: string
  language: string
  targets: string[]
  /** every word's parquet content, by word */
  files: Map<string, { ids: string[]; vectors: Float32Array }>
  dim: number
}

export interface CorpusOptions {
  seed: number
  targets: string[]
  /** generated nontarget words besides the tricky ones */
  otherWords: number
  /** clip counts per word are drawn in [lo, hi] */
  clips: [number, number]
  dim?: number
  /** repeat one listed clip's row in each parquet file (pandas' isin keeps both); default true */
  duplicateRows?: boolean
}

/** Words that test YAML quoting, file names and object key order. */
const TRICKY_WORDS = ['no', 'true', '100', '7', 'n\u00e3o', "o'clock", 'null', 'on']

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = xs[i]!
    xs[i] = xs[j]!
    xs[j] = t
  }
  return xs
}

/** JSON text of ordered [key, value] pairs (a JS object would move integer-like keys first). */
function orderedObject(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`
}

export function writeMswcCorpus(dir: string, options: CorpusOptions): MswcCorpus {
  const rng = new Rng(options.seed)
  const dim = options.dim ?? 4
  const language = 'en'
  const generated = Array.from({ length: options.otherWords }, (_, i) => `w${(i * 7919) % 10007}x`)
  const words = shuffle(rng, [...new Set([...options.targets, ...TRICKY_WORDS, ...generated])])
  let clipNumber = 1000
  const opus = new Map<string, string[]>()
  for (const w of words) {
    const n = options.clips[0] + rng.int(options.clips[1] - options.clips[0] + 1)
    opus.set(
      w,
      Array.from({ length: n }, () => `${w}/common_voice_${language}_${(clipNumber += 1 + rng.int(5000))}.opus`),
    )
  }

  mkdirSync(join(dir, 'embeddings'), { recursive: true })
  mkdirSync(join(dir, 'clip_ids'), { recursive: true })
  // en lists filenames before wordcounts, a second language comes first: order must not matter
  const en = orderedObject([
    ['filenames', orderedObject(words.map((w) => [w, JSON.stringify(opus.get(w))]))],
    ['wordcounts', orderedObject(words.map((w) => [w, String(opus.get(w)!.length)]))],
  ])
  const other = orderedObject([
    ['wordcounts', orderedObject([['otro', '900']])],
    ['filenames', orderedObject([['otro', JSON.stringify(['otro/common_voice_es_1.opus'])]])],
  ])
  const metadata = join(dir, 'metadata.json.gz')
  writeFileSync(
    metadata,
    gzipSync(
      orderedObject([
        ['es', other],
        [language, en],
      ]),
    ),
  )

  // splits: the targets' clips and a few other words', each TRAIN, DEV or TEST, rows shuffled
  const rows: string[] = []
  // the first words get rows too; a target among them is listed twice (the official script keeps both)
  const extra = words.slice(0, 3).filter((w) => options.duplicateRows !== false || !options.targets.includes(w))
  for (const w of [...options.targets, ...extra]) {
    for (const link of opus.get(w)!) {
      const r = rng.uniform()
      const set = r < 0.6 ? 'TRAIN' : r < 0.8 ? 'DEV' : 'TEST'
      rows.push(`${set},${link},${w},True,speaker${rng.int(40)},${['MALE', 'FEMALE', 'NAN'][rng.int(3)]}`)
    }
  }
  const splits = join(dir, `${language}_splits.csv`)
  writeFileSync(splits, ['SET,LINK,WORD,VALID,SPEAKER,GENDER', ...shuffle(rng, rows)].join('\n') + '\n')

  const files = new Map<string, { ids: string[]; vectors: Float32Array }>()
  for (const w of words) {
    const ids = opus.get(w)!.map((o) => o.replace(/\.opus$/, '.wav'))
    for (let k = 0; k < 3; k++) ids.push(`${w}/common_voice_${language}_${(clipNumber += 1)}.wav`) // not in the metadata
    shuffle(rng, ids)
    if (options.duplicateRows !== false) ids.push(opus.get(w)![0]!.replace(/\.opus$/, '.wav')) // a duplicated row: pandas' isin keeps both (and halves become uneven)
    const vectors = new Float32Array(ids.length * dim)
    for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal()
    writeVectorTable(join(dir, 'embeddings', `${w}.parquet`), {
      rows: ids.length,
      leading: [{ name: 'clip_id', type: 'STRING', value: (r) => ids[r]! }],
      vectorColumn: 'mswc_embedding_vector',
      dim,
      vectors: (s, e) => vectors.subarray(s * dim, e * dim),
    })
    writeFileSync(join(dir, 'clip_ids', `${w}.json`), JSON.stringify(ids))
    files.set(w, { ids, vectors })
  }
  return {
    dir,
    metadata,
    splits,
    embeddings: join(dir, 'embeddings'),
    clipIds: join(dir, 'clip_ids'),
    language,
    targets: options.targets,
    files,
    dim,
  }
}
