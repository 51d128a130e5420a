/**
 * `dataperf vision select --algorithm my-selector.ts`: a user's selector (types.ts) run in a
 * worker thread (plugins/run-in-worker.ts), so that one that exits, never settles or runs past
 * --timeout ends with a one-line error, and its result checked by the one vision validator before
 * anything is written. Its mistakes are the user's: one line naming the file.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { UserError } from '../../errors.js'
import { ParquetFile } from '../../io/parquet/reader.js'
import { PLUGIN_PATH } from '../../plugins/load-module.js'
import { runInWorker } from '../../plugins/run-in-worker.js'
import type { HumanLabelsReport } from '../human-labels.js'
import { requireTask, type VisionSetup } from '../setup.js'
import { validateVisionSelection } from '../validate.js'
import type { InputRequest, VisionDataPaths } from './input.js'
import type { VisionSelection, VisionSelectionOptions } from './types.js'

/** What the worker is handed (plain data: it crosses the thread boundary). */
export interface VisionPluginRequest extends VisionDataPaths, InputRequest {
  path: string
}

/** Whether an --algorithm value names a plugin file rather than a built-in. */
export function isVisionPluginPath(algorithm: string): boolean {
  return PLUGIN_PATH.test(algorithm)
}

/** Runs the plugin at `modulePath` for one task; its training set, validated (or a UserError, nothing written). */
export async function runVisionPlugin(
  setup: VisionSetup,
  modulePath: string,
  options: VisionSelectionOptions,
): Promise<VisionSelection> {
  const path = resolve(modulePath)
  if (!existsSync(path))
    throw new UserError(
      `${modulePath}: selection module not found (--algorithm takes a built-in name or a path to a .ts or .js file)`,
    )
  requireTask(setup, options.task)
  const request: VisionPluginRequest = {
    path,
    embFile: setup.embFile,
    dim: setup.dim,
    dataDir: setup.dataDir,
    task: options.task,
    budget: options.budget,
    seed: options.seed,
    humanLabelsFile: options.humanLabelsFile,
    readHumanLabels: true,
  }
  const reply = (await runInWorker(new URL('./plugin-worker.js', import.meta.url), request, path, options)) as {
    set: unknown
    report: HumanLabelsReport
  }
  const pool = await ParquetFile.open(setup.embFile)
  try {
    // the checks `vision eval` makes, so that a file we write is a file eval accepts
    const set = await validateVisionSelection(reply.set, path, pool, options.budget)
    const { notes, choices } = checkReport(reply.set as Record<string, unknown>, path)
    // the manifest records which human labels it was handed (their notes speak of built-ins' choices)
    return {
      ids: set.ids,
      labels: Array.from(set.labels),
      humanLabels: reply.report.humanLabels,
      notes,
      ...(choices ? { choices } : {}),
    }
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${err.message}; nothing written`)
    throw err
  } finally {
    await pool.close()
  }
}

/** The optional notes (strings) and choices (names to numbers or strings) a module returned beside its rows. */
function checkReport(value: Record<string, unknown>, path: string): Pick<VisionSelection, 'notes' | 'choices'> {
  const { notes = [], choices } = value
  if (!Array.isArray(notes) || !notes.every((n) => typeof n === 'string'))
    throw new UserError(`${path}: returned notes that are not a list of strings`)
  if (
    choices !== undefined &&
    (typeof choices !== 'object' ||
      choices === null ||
      Array.isArray(choices) ||
      !Object.values(choices).every((v) => typeof v === 'number' || typeof v === 'string'))
  )
    throw new UserError(`${path}: returned choices that are not an object of numbers and strings`)
  return { notes, choices: choices as VisionSelection['choices'] }
}
