/**
 * `dataperf create speech`: a new speech selection experiment from MSWC's raw material, exactly
 * as the official create_experiment.py (harvard-edge/dataperf-speech-example) writes it:
 * - targets: each target's TRAIN clips (splits CSV order) form allowed_training_set.targets[word],
 *   its DEV then TEST clips eval.targets[word]; the word's parquet rows matching them, in the
 *   parquet's row order, go to train_embeddings/ and eval_embeddings/ (eval: dev rows, then test rows);
 * - nontargets: candidates are the metadata's words, in its order, with more than
 *   `minimumSamplesForNontargetWords` clips and not a target. One numpy RandomState(seed) draws the
 *   known + unknown words (choice without replacement), then that many clips of each drawn word
 *   in turn. A known word's matching parquet rows split in half (training first); unknown words
 *   go to eval only.
 * - the two YAML files as PyYAML dumps them.
 * The official script holds the targets in a Python set, so its target order varies from run to
 * run; ours is the order of --targets.
 * Where the official script would silently write an inconsistent experiment (a listed clip with
 * no vector, a missing parquet file), we stop with a one-line error and write nothing.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, sampleList } from '../errors.js'
import { checkNumber, NON_NEGATIVE_INT, POSITIVE_INT, SEED_RULE } from '../numbers.js'
import { shown } from '../shown.js'
import { ParquetFile } from '../io/parquet/reader.js'
import { writeVectorTable } from '../io/parquet/writer.js'
import { writeFileAtomic } from '../io/atomic-write.js'
import { pyyamlDump } from '../io/pyyaml-dump.js'
import { NumpyRandomState } from '../ml/numpy-random.js'
import {
  CLIP_ID_COLUMN,
  EMBEDDING_COLUMN,
  isSpeechLanguage,
  SPEECH_DIM,
  SPEECH_LANGUAGE_CODES,
  SPEECH_LAYOUT,
} from '../speech/layout.js'
import { readFilenames, readWordCounts } from './mswc-metadata.js'
import { readTargetSplits } from './mswc-splits.js'
import { nontargetClipId } from './clip-ids.js'
import { buildFolder, requireInputFile, requireInputFolder } from './output-folder.js'
import { SPEECH_GENERATION_DEFAULTS } from './defaults.js'
import type { Progress } from '../progress.js'

export interface CreateSpeechOptions {
  metadata: string
  splits: string
  embeddings: string
  language: string
  targets: string[]
  out: string
  minimumSamplesForNontargetWords?: number
  numNontargetTrainingWords?: number
  numNontargetEvalWords?: number
  seedNontargetSelection?: number
  /** the embeddings' vector length: MSWC's 1024, which every participant tool expects (another: tests only) */
  dim?: number
  onProgress?: Progress
}

export interface CreatedSpeech {
  out: string
  /**
   * target clips the splits list both as TRAIN and as DEV or TEST: written to both sets, as the
   * official script does, and reported; `challenge pack` refuses to publish such an experiment
   */
  inBothSets: string[]
  targets: Array<{ word: string; train: number; eval: number }>
  knownNontargetWords: string[]
  unknownNontargetWords: string[]
  nontargetClips: { train: number; eval: number }
}

/** A word's embedding file: every row's clip ID, and vectors read on demand. */
interface WordFile {
  path: string
  file: ParquetFile
  ids: string[]
}

async function openWordFile(dir: string, word: string, why: string): Promise<WordFile> {
  const path = join(dir, `${word}.parquet`)
  if (!existsSync(path))
    throw new UserError(`${path}: file not found (${why}); --embeddings must hold one parquet file per word`)
  const file = await ParquetFile.open(path)
  try {
    file.requireColumn(CLIP_ID_COLUMN)
    file.requireColumn(EMBEDDING_COLUMN)
    const ids = (await file.readScalars(CLIP_ID_COLUMN)).map((v) => String(v))
    return { path, file, ids }
  } catch (err) {
    await file.close()
    throw err
  }
}

/** Rows whose clip ID is in `wanted`, in row order (pandas' `isin`). */
function rowsIn(ids: readonly string[], wanted: ReadonlySet<string>): number[] {
  const rows: number[] = []
  ids.forEach((id, r) => {
    if (wanted.has(id)) rows.push(r)
  })
  return rows
}

function requireVectors(word: WordFile, clips: readonly string[], why: string): void {
  const have = new Set(word.ids)
  const missing = [...new Set(clips.filter((c) => !have.has(c)))]
  if (missing.length > 0)
    throw new UserError(
      `${word.path}: no vector for ${missing.length} clip${missing.length > 1 ? 's' : ''} ${why}: ${sampleList(missing, 3)}`,
    )
}

/** Writes `outputs` (each a list of the file's row numbers, in order) as parquet files of the same columns. */
async function writeRows(
  word: WordFile,
  expectedDim: number,
  outputs: Array<{ path: string; rows: number[] }>,
): Promise<void> {
  const union = Int32Array.from(new Set(outputs.flatMap((o) => o.rows))).sort()
  const vectors = await word.file.readVectors(EMBEDDING_COLUMN, {
    rows: union,
    rowLabel: (r) => `clip ${shown(word.ids[r]!)}`,
  })
  if (union.length > 0 && vectors.dim !== expectedDim)
    throw new UserError(
      `${word.path}: ${EMBEDDING_COLUMN} vectors have ${vectors.dim} values, expected ${expectedDim} (MSWC's embeddings, what every participant tool reads)`,
      { code: 'bad_file', path: word.path, field: EMBEDDING_COLUMN },
    )
  const slot = new Map<number, number>()
  union.forEach((row, i) => slot.set(row, i))
  const { dim, data } = vectors
  for (const { path, rows } of outputs) {
    writeVectorTable(path, {
      rows: rows.length,
      leading: [{ name: CLIP_ID_COLUMN, type: 'STRING', value: (i) => word.ids[rows[i]!]! }],
      vectorColumn: EMBEDDING_COLUMN,
      dim,
      elementType: data instanceof Float64Array ? 'DOUBLE' : 'FLOAT',
      vectors: (start, end) => {
        const block =
          data instanceof Float64Array ? new Float64Array((end - start) * dim) : new Float32Array((end - start) * dim)
        for (let i = start; i < end; i++) {
          const s = slot.get(rows[i]!)!
          block.set(data.subarray(s * dim, (s + 1) * dim), (i - start) * dim)
        }
        return block
      },
    })
  }
}

/** The target words as given: each one a word, none empty, none twice (a typo would otherwise shrink the set unseen). */
function checkTargets(given: readonly string[]): string[] {
  const targets = given.map((t) => t.trim())
  const fail = (why: string) =>
    new UserError((name) => `${name('targets')}: ${why}`, { code: 'bad_option', option: 'targets' })
  if (targets.length === 0 || targets.every((t) => t === ''))
    throw fail('expected a comma-separated list of target words')
  const empty = targets.indexOf('')
  if (empty >= 0) throw fail(`item ${empty + 1} of ${targets.length} is empty (a doubled or trailing comma?)`)
  const twice = targets.find((t, i) => targets.indexOf(t) !== i)
  if (twice !== undefined) throw fail(`${shown(twice)} is given twice`)
  for (const t of targets)
    if (t.includes('/') || t.startsWith('.')) throw fail(`${shown(t)} is not a word (it names files ${t}.parquet)`)
  return targets
}

export async function createSpeechExperiment(options: CreateSpeechOptions): Promise<CreatedSpeech> {
  const p = {
    ...SPEECH_GENERATION_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<CreateSpeechOptions>
  for (const option of [
    'minimumSamplesForNontargetWords',
    'numNontargetTrainingWords',
    'numNontargetEvalWords',
  ] as const)
    checkNumber(p[option], NON_NEGATIVE_INT, { option })
  checkNumber(p.seedNontargetSelection, SEED_RULE, { option: 'seedNontargetSelection' })
  const dim = checkNumber(options.dim ?? SPEECH_DIM, POSITIVE_INT, { option: 'dim' })
  // the participant tools (select, eval, doctor, serve) take the speech track's languages only
  if (!isSpeechLanguage(options.language))
    throw new UserError(
      (name) =>
        `${name('language')} ${shown(options.language)}: the speech track's tools (select, eval, download, serve) support ${SPEECH_LANGUAGE_CODES.join(', ')}; an experiment in another language could not be selected or scored`,
      { code: 'bad_option', option: 'language' },
    )
  const targets = checkTargets(options.targets)
  requireInputFile(options.metadata, 'metadata', "MSWC's metadata.json.gz")
  requireInputFile(options.splits, 'splits', "the language's splits CSV")
  requireInputFolder(options.embeddings, 'embeddings', 'one parquet file per word')
  const progress = options.onProgress ?? (() => {})

  return buildFolder(options.out, async (tmp) => {
    progress('reading metadata', 0, 1)
    const { words, counts } = await readWordCounts(options.metadata, options.language)
    const unknown = targets.filter((t) => !counts.has(t))
    if (unknown.length > 0)
      throw new UserError(
        `unknown target word${unknown.length > 1 ? 's' : ''} ${sampleList(unknown)}: not in ${options.metadata}'s ${options.language} wordcounts`,
      )

    // nontarget words: one RandomState stream draws the words, then each word's clips
    const targetSet = new Set(targets)
    const candidates = words.filter((w) => counts.get(w)! > p.minimumSamplesForNontargetWords && !targetSet.has(w))
    const wanted = p.numNontargetTrainingWords + p.numNontargetEvalWords
    if (candidates.length < wanted) {
      throw new UserError(
        `${options.metadata}: only ${candidates.length} nontarget candidate words in ${options.language} (words with more than ${p.minimumSamplesForNontargetWords} clips, not targets); ${wanted} are needed (${p.numNontargetTrainingWords} known + ${p.numNontargetEvalWords} unknown)`,
      )
    }
    const rng = new NumpyRandomState(p.seedNontargetSelection)
    const drawn = rng.choiceWithoutReplacement(candidates, wanted)
    const filenames = await readFilenames(options.metadata, options.language, new Set(drawn))
    const drawnClips = drawn.map((word) => {
      const files = filenames.get(word)
      if (!files) throw new UserError(`${options.metadata}: no ${options.language}.filenames entry for '${word}'`)
      if (files.length < p.minimumSamplesForNontargetWords) {
        throw new UserError(
          `${options.metadata}: ${options.language}.filenames.${word} lists ${files.length} files, but its wordcount is ${counts.get(word)} and ${p.minimumSamplesForNontargetWords} are drawn`,
        )
      }
      return {
        word,
        clips: rng
          .choiceWithoutReplacement(files, p.minimumSamplesForNontargetWords)
          .map((f) => nontargetClipId(word, f)),
      }
    })

    progress('reading splits', 0, 1)
    const splits = await readTargetSplits(options.splits, targets)

    const trainDir = join(tmp, SPEECH_LAYOUT.trainEmbeddings)
    const evalDir = join(tmp, SPEECH_LAYOUT.evalEmbeddings)
    const allowed = { targets: new Map<string, string[]>(), nontargets: [] as string[] }
    const evalSet = { targets: new Map<string, string[]>(), nontargets: [] as string[] }
    const summary: CreatedSpeech = {
      out: options.out,
      inBothSets: [],
      targets: [],
      knownNontargetWords: [],
      unknownNontargetWords: [],
      nontargetClips: { train: 0, eval: 0 },
    }
    const total = targets.length + drawnClips.length
    let done = 0

    for (const target of targets) {
      const s = splits.get(target)!
      const file = await openWordFile(options.embeddings, target, `target word '${target}'`)
      try {
        requireVectors(file, [...s.train, ...s.dev, ...s.test], `listed for '${target}' in ${options.splits}`)
        const trainRows = rowsIn(file.ids, new Set(s.train))
        const evalRows = [...rowsIn(file.ids, new Set(s.dev)), ...rowsIn(file.ids, new Set(s.test))]
        await writeRows(file, dim, [
          { path: join(trainDir, SPEECH_LAYOUT.embeddingFile(target)), rows: trainRows },
          { path: join(evalDir, SPEECH_LAYOUT.embeddingFile(target)), rows: evalRows },
        ])
        const train = new Set(s.train)
        summary.inBothSets.push(...new Set([...s.dev, ...s.test].filter((c) => train.has(c))))
        allowed.targets.set(target, s.train)
        evalSet.targets.set(target, [...s.dev, ...s.test])
        summary.targets.push({ word: target, train: trainRows.length, eval: evalRows.length })
      } finally {
        await file.file.close()
      }
      progress('writing embeddings', ++done, total)
    }

    for (const [i, { word, clips }] of drawnClips.entries()) {
      const known = i < p.numNontargetTrainingWords
      const file = await openWordFile(
        options.embeddings,
        word,
        `drawn as a${known ? ' known' : 'n unknown'} nontarget word`,
      )
      try {
        requireVectors(file, clips, `drawn for nontarget word '${word}'`)
        const rows = rowsIn(file.ids, new Set(clips))
        const half = known ? Math.floor(rows.length / 2) : 0
        const trainRows = rows.slice(0, half),
          evalRows = rows.slice(half)
        const outputs = [{ path: join(evalDir, SPEECH_LAYOUT.embeddingFile(word)), rows: evalRows }]
        if (known) outputs.unshift({ path: join(trainDir, SPEECH_LAYOUT.embeddingFile(word)), rows: trainRows })
        await writeRows(file, dim, outputs)
        allowed.nontargets.push(...trainRows.map((r) => file.ids[r]!))
        evalSet.nontargets.push(...evalRows.map((r) => file.ids[r]!))
        summary.nontargetClips.train += trainRows.length
        summary.nontargetClips.eval += evalRows.length
        ;(known ? summary.knownNontargetWords : summary.unknownNontargetWords).push(word)
      } finally {
        await file.file.close()
      }
      progress('writing embeddings', ++done, total)
    }

    writeFileAtomic(join(tmp, SPEECH_LAYOUT.allowedTrainingSet), pyyamlDump(allowed))
    writeFileAtomic(join(tmp, SPEECH_LAYOUT.evalSet), pyyamlDump(evalSet))
    return summary
  })
}
