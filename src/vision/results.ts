/** The official results file (result_UTC-*.json) and our manifest beside it. */
import { existsSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { UserError } from '../errors.js'
import { writeGroupExclusive } from '../io/exclusive-write.js'
import { fsError } from '../io/fs-errors.js'
import { pythonJsonDumps, PyInt } from '../io/python-json.js'
import { VERSION } from '../version.js'
import type { TaskEvaluation } from './evaluate.js'
import { manifestFileName, resultsFileName } from './layout.js'
import type { VisionSetup } from './setup.js'

export type OfficialResults = Record<string, { accuracy: number; recall: number; precision: number; f1: number }>

/** The official shape: task -> {accuracy, recall, precision, f1}, in eval_tasks order. */
export function officialResults(evals: TaskEvaluation[]): OfficialResults {
  const out: OfficialResults = {}
  for (const e of evals) {
    const { accuracy, recall, precision, f1 } = e.metrics
    out[e.task] = { accuracy, recall, precision, f1 }
  }
  return out
}

/** "UTC-%Y-%m-%d-%H-%M-%S", as the official evaluator stamps its files. */
export function utcStamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `UTC-${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())}-${p(date.getUTCHours())}-${p(date.getUTCMinutes())}-${p(date.getUTCSeconds())}`
}

export interface WrittenResults {
  resultsPath: string
  manifestPath: string
  text: string
}

/**
 * Writes results_dir/result_UTC-....json exactly as the official tool (json.dump, indent 4), and
 * manifest_UTC-....json beside it: tool version, settings, and SHA-256 of every input file.
 * Neither replaces an existing file: when the second's name is taken (two runs in one second),
 * the pair is named result_UTC-...-2.json and so on. Both are written, or neither.
 */
export function writeVisionResults(
  setup: VisionSetup,
  evals: TaskEvaluation[],
  hashes: Record<string, string>,
  settings: Record<string, unknown>,
  now = new Date(),
): WrittenResults {
  const text = pythonJsonDumps(officialResults(evals))
  const inputs: Record<string, unknown> = {}
  for (const [path, sha256] of Object.entries(hashes)) {
    inputs[relative(setup.dataDir, path) || path] = { sha256, bytes: new PyInt(statSync(path).size) }
  }
  const manifest = {
    tool: 'dataperf',
    version: VERSION,
    created: now.toISOString(),
    results_file: '',
    setup_file: setup.setupPath,
    data_dir: setup.dataDir,
    settings,
    classifier: 'sklearn.linear_model.LogisticRegression(random_state=0)',
    inputs,
    tasks: Object.fromEntries(
      evals.map((e) => [
        e.task,
        {
          train_rows: new PyInt(e.trainRows),
          train_positives: new PyInt(e.trainPositives),
          test_rows: new PyInt(e.testRows),
          test_positives: new PyInt(e.testPositives),
        },
      ]),
    ),
  }
  // the official name when it is free, else -2, -3, ...; the manifest first, so a result never lacks one
  const stamp = utcStamp(now)
  let written
  try {
    written = writeGroupExclusive(setup.resultsDir, (n) => {
      const id = `${stamp}${n === 0 ? '' : `-${n + 1}`}`
      return [
        {
          name: manifestFileName(id),
          data: pythonJsonDumps({ ...manifest, results_file: resultsFileName(id) }) + '\n',
        },
        { name: resultsFileName(id), data: text },
      ]
    })
  } catch (err) {
    throw resultsDirError(setup, err) ?? err
  }
  return {
    resultsPath: join(setup.resultsDir, written[1]!.name),
    manifestPath: join(setup.resultsDir, written[0]!.name),
    text,
  }
}

/** A one-line error for a results folder that cannot take the files; undefined for anything else. */
function resultsDirError(setup: VisionSetup, err: unknown): UserError | undefined {
  const advice = `nothing was written; fix it or set another results_dir in ${setup.setupPath}`
  if (existsSync(setup.resultsDir) && !statSync(setup.resultsDir).isDirectory()) {
    return new UserError(`${setup.resultsDir}: is a file, not a folder (results_dir); ${advice}`)
  }
  return fsError(setup.resultsDir, err, 'write the results there', advice)
}
