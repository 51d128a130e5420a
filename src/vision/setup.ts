/**
 * The official task_setup.yaml: data_dir, emb_file, dim, eval_tasks, one [train_csv, test_parquet]
 * entry per task, results_dir (spark_driver_memory and docker_data_dir are accepted and ignored).
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { UserError } from '../errors.js'
import { checkNumber } from '../numbers.js'
import { readYamlFile } from '../io/yaml.js'
import { SETUP_KEYS, VISION_LAYOUT } from './layout.js'

export interface VisionTaskPaths {
  name: string
  trainCsv: string
  testParquet: string
}

export interface VisionSetup {
  setupPath: string
  dataDir: string
  embFile: string
  dim: number
  tasks: VisionTaskPaths[]
  resultsDir: string
}

/**
 * Reads the setup. data_dir is taken relative to the YAML's folder; if that folder does not
 * exist but one relative to the working directory does (how the official main.py resolves it),
 * that one is used. `dataDirOverride` (--data-dir) wins over both.
 */
export function loadVisionSetup(setupPath: string, dataDirOverride?: string): VisionSetup {
  const doc = readYamlFile(setupPath)
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new UserError(`${setupPath}: expected a mapping of setup keys`)
  const y = doc as Record<string, unknown>
  const str = (key: string, fallback?: string): string => {
    const v = y[key] ?? fallback
    if (typeof v !== 'string' || v === '') throw new UserError(`${setupPath}: key '${key}' must be a non-empty string`)
    return v
  }
  let dataDir: string
  if (dataDirOverride !== undefined) dataDir = resolve(dataDirOverride)
  else {
    const raw = str(SETUP_KEYS.dataDir, '.')
    const besideYaml = isAbsolute(raw) ? raw : resolve(dirname(setupPath), raw)
    const fromCwd = resolve(raw)
    dataDir = !existsSync(besideYaml) && existsSync(fromCwd) ? fromCwd : besideYaml
  }
  const dim = checkNumber(
    y[SETUP_KEYS.dim],
    { integer: true, min: 1, max: 65536 },
    { path: setupPath, field: SETUP_KEYS.dim },
  )
  const evalTasks = y[SETUP_KEYS.evalTasks]
  if (!Array.isArray(evalTasks) || evalTasks.length === 0 || !evalTasks.every((t) => typeof t === 'string')) {
    throw new UserError(`${setupPath}: key '${SETUP_KEYS.evalTasks}' must be a non-empty list of task names`)
  }
  const tasks = (evalTasks as string[]).map((name) => {
    const entry = y[name]
    if (!Array.isArray(entry) || entry.length !== 2 || !entry.every((p) => typeof p === 'string' && p !== '')) {
      throw new UserError(
        `${setupPath}: task '${name}' is listed in eval_tasks but has no [train_csv, test_parquet] entry`,
      )
    }
    return { name, trainCsv: resolve(dataDir, entry[0] as string), testParquet: resolve(dataDir, entry[1] as string) }
  })
  return {
    setupPath: resolve(setupPath),
    dataDir,
    embFile: resolve(dataDir, str(SETUP_KEYS.embFile)),
    dim,
    tasks,
    resultsDir: resolve(dataDir, str(SETUP_KEYS.resultsDir, VISION_LAYOUT.results)),
  }
}

/** True when `path` is `dir` or lies under it (e.g. results_dir inside the data folder). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * A note for results_dir outside the data folder (`../../../tmp/x`, or an absolute path from a
 * downloaded YAML): allowed, but said, so results do not land somewhere unexpected unseen.
 */
export function resultsDirNote(setup: VisionSetup): string | undefined {
  if (isInside(setup.resultsDir, setup.dataDir)) return undefined
  return `Results go to ${setup.resultsDir} (results_dir in ${setup.setupPath} points outside the data folder ${setup.dataDir})`
}

/** Refuses a task name the setup does not list (`select --task`), naming the tasks it does. */
export function requireTask(setup: VisionSetup, task: string): void {
  if (!setup.tasks.some((t) => t.name === task))
    throw new UserError(`${setup.setupPath}: no task '${task}' (tasks: ${setup.tasks.map((t) => t.name).join(', ')})`)
}
