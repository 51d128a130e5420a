/**
 * A speech board: one `{lang}_{size}_train.json`, checked and scored by the functions behind
 * `dataperf speech eval` (readSampleIdsJson + validateSpeechSelection, then evaluateSpeech). The
 * file is parsed from the uploaded bytes (parseSampleIdsJson, under its submitted name), not staged
 * on disk: a job worker scores tens of them a second, and a temporary folder per job cost it
 * ~0.7 ms of system calls.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../errors.js'
import { EmbeddingRowsCache } from '../../speech/embeddings.js'
import { evaluateSpeech, type EvalDataset } from '../../speech/evaluate.js'
import { countSamples, parseSampleIdsJson, readSampleIdsYaml, type SampleIds } from '../../speech/sample-ids.js'
import { validateSpeechSelection } from '../../speech/validate.js'
import { speechBoardPaths, speechTrainFileName, type SpeechBoard } from '../challenge/load.js'
import { withPathsHidden, type SubmittedFile } from './staging.js'
import type { Progress } from '../../progress.js'

export interface SpeechDetails {
  seeds: number[]
  /** macro F1 per seed, in seed order; the score is their mean (np.mean) */
  perSeedF1: number[]
}

/** The single file a speech board takes, by its expected name. */
function theFile(board: SpeechBoard, files: readonly SubmittedFile[]): SubmittedFile {
  const expected = speechTrainFileName(board)
  if (files.length !== 1 || files[0]!.name !== expected) {
    const got = files.length === 0 ? 'no file' : files.map((f) => f.name).join(', ')
    throw new UserError(`board ${board.id} takes one file named ${expected}, got ${got}`)
  }
  return files[0]!
}

/**
 * What every scoring of a board reads, kept in this process (or scoring thread) between
 * submissions: the parsed allowed set and eval list, and the eval set's vectors. Dropped when any
 * of those files (or the eval embeddings folder's files) changes size or time: an organizer
 * replacing data and rescoring gets the new data.
 */
interface BoardData {
  signature: string
  ids: Map<string, SampleIds>
  evalSets: Map<string, EvalDataset>
  /** the training pool's clip IDs and the rows submissions selected so far (each file re-read when it changes) */
  trainRows: EmbeddingRowsCache
}
const dataOf = new Map<string, BoardData>()

function boardData(board: SpeechBoard): BoardData {
  const paths = speechBoardPaths(board)
  const stamp = (path: string) => {
    try {
      const st = statSync(path)
      return `${path}:${st.size}:${st.mtimeMs}`
    } catch {
      return `${path}:missing` // the evaluator names the missing file
    }
  }
  let evalFiles: string[] = []
  try {
    evalFiles = readdirSync(paths.evalEmbeddingsDir).map((f) => join(paths.evalEmbeddingsDir, f))
  } catch {
    /* the evaluator names the missing folder */
  }
  const signature = [paths.allowedTrainingSet, paths.evalFile, ...evalFiles].map(stamp).join('\n')
  let data = dataOf.get(board.dataDir)
  if (!data || data.signature !== signature) {
    data = { signature, ids: new Map(), evalSets: new Map(), trainRows: new EmbeddingRowsCache() }
    dataOf.set(board.dataDir, data)
  }
  return data
}

function allowedSet(board: SpeechBoard, path: string): SampleIds {
  const { ids } = boardData(board)
  let allowed = ids.get(path)
  if (!allowed) ids.set(path, (allowed = readSampleIdsYaml(path)))
  return allowed
}

/** The uploaded training set, parsed as `dataperf speech eval` reads the file (UTF-8 JSON). */
function selectionOf(file: SubmittedFile): SampleIds {
  return parseSampleIdsJson(file.bytes.toString('utf8'), file.name)
}

export async function validateSpeechSubmission(
  board: SpeechBoard,
  files: readonly SubmittedFile[],
): Promise<{ samples: number }> {
  const file = theFile(board, files)
  const paths = speechBoardPaths(board)
  return withPathsHidden([board.dataDir], async () => {
    const selected = selectionOf(file)
    validateSpeechSelection(selected, allowedSet(board, paths.allowedTrainingSet), board.trainSize, {
      selected: file.name,
      allowed: paths.allowedTrainingSet,
    })
    return { samples: countSamples(selected) }
  })
}

const STAGES = ['validating selected IDs', 'loading selected training data', 'loading eval data']

export async function scoreSpeechSubmission(
  board: SpeechBoard,
  files: readonly SubmittedFile[],
  onProgress?: Progress,
): Promise<{ score: number; details: SpeechDetails }> {
  const file = theFile(board, files)
  const paths = speechBoardPaths(board)
  const total = STAGES.length + 1
  const data = boardData(board)
  const result = await withPathsHidden([board.dataDir], async () =>
    evaluateSpeech({
      idsCache: data.ids,
      evalCache: data.evalSets,
      trainCache: data.trainRows,
      language: board.language,
      trainSize: board.trainSize,
      ...paths,
      trainFile: file.name,
      trainSelection: selectionOf(file),
      configFile: board.configPath,
      log: (line) => {
        const k = STAGES.indexOf(line)
        if (k >= 0) onProgress?.(line, k, total)
      },
    }),
  )
  onProgress?.('scored', total, total)
  return { score: result.score, details: { seeds: result.seeds, perSeedF1: result.scores } }
}
