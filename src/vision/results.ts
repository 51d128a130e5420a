/** The official results file (result_UTC-*.json) and our manifest beside it. */
import { statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { writeFileAtomic } from '../io/atomic-write.js'
import { pythonJsonDumps, PyInt } from '../io/python-json.js'
import { VERSION } from '../version.js'
import type { TaskEvaluation } from './evaluate.js'
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
 */
export function writeVisionResults(
  setup: VisionSetup,
  evals: TaskEvaluation[],
  hashes: Record<string, string>,
  settings: Record<string, unknown>,
  now = new Date(),
): WrittenResults {
  const stamp = utcStamp(now)
  const text = pythonJsonDumps(officialResults(evals))
  const resultsPath = join(setup.resultsDir, `result_${stamp}.json`)
  const manifestPath = join(setup.resultsDir, `manifest_${stamp}.json`)
  const inputs: Record<string, unknown> = {}
  for (const [path, sha256] of Object.entries(hashes)) {
    inputs[relative(setup.dataDir, path) || path] = { sha256, bytes: new PyInt(statSync(path).size) }
  }
  const manifest = {
    tool: 'dataperf',
    version: VERSION,
    created: now.toISOString(),
    results_file: `result_${stamp}.json`,
    setup_file: setup.setupPath,
    data_dir: setup.dataDir,
    settings,
    classifier: 'sklearn.linear_model.LogisticRegression(random_state=0)',
    inputs,
    tasks: Object.fromEntries(evals.map((e) => [e.task, {
      train_rows: new PyInt(e.trainRows), train_positives: new PyInt(e.trainPositives),
      test_rows: new PyInt(e.testRows), test_positives: new PyInt(e.testPositives),
    }])),
  }
  writeFileAtomic(resultsPath, text)
  writeFileAtomic(manifestPath, pythonJsonDumps(manifest) + '\n')
  return { resultsPath, manifestPath, text }
}
