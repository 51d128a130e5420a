/**
 * Resolves the config's selection_algorithm_module / selection_algorithm_class to a class:
 * the official dotted names (and short names) map to our built-ins; a path to a .ts/.js/.mjs
 * file is imported as it is (TypeScript through tsx when installed, so no rebuild), relative to the working
 * directory or else to the config file's folder.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { UserError } from '../../errors.js'
import { BaselineSelection } from './baseline.js'
import { CleanRepresentativesSelection } from './clean-representatives.js'
import { CleanlabSelection } from './cleanlab.js'
import { CoresetSelection } from './coreset.js'
import { RandomSelection } from './random.js'
import type { SelectionClass } from './types.js'

export const BUILT_IN_SELECTIONS: Record<string, { module: string; className: string; cls: SelectionClass }> = {
  baseline: { module: 'selection.implementations.baseline_selection', className: 'BaselineSelection', cls: BaselineSelection },
  random: { module: 'selection.implementations.random_selection', className: 'RandomSelection', cls: RandomSelection },
  cleanlab: { module: 'selection.implementations.cleanlab_selection', className: 'CleanlabSelection', cls: CleanlabSelection },
  coreset: { module: 'coreset', className: 'CoresetSelection', cls: CoresetSelection },
  'clean-representatives': { module: 'clean-representatives', className: 'CleanRepresentativesSelection', cls: CleanRepresentativesSelection },
}

function builtIn(module: string): SelectionClass | undefined {
  for (const [name, entry] of Object.entries(BUILT_IN_SELECTIONS)) {
    if (module === name || module === entry.module) return entry.cls
  }
  return undefined
}

/**
 * tsx (12 MB with esbuild) runs a TypeScript selection module without a build step. It is an
 * optional peer dependency: loaded only for a .ts module, and a clear message when absent.
 */
async function loadTsx(path: string): Promise<typeof import('tsx/esm/api')> {
  try {
    return await import('tsx/esm/api')
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new UserError(`${path}: a TypeScript selection module needs tsx: run \`npm install tsx\` beside dataperf, or compile the module to .js`)
  }
}

export async function loadSelectionClass(module: string, className: string, configFile: string): Promise<SelectionClass> {
  const known = builtIn(module)
  if (known) return known
  if (!/\.(ts|mts|js|mjs)$/.test(module)) {
    throw new UserError(`${configFile}: selection_algorithm_module '${module}' is neither a built-in (${Object.entries(BUILT_IN_SELECTIONS).map(([n, e]) => `${n} / ${e.module}`).join(', ')}) nor a path to a .ts or .js file`)
  }
  const candidates = isAbsolute(module) ? [module] : [resolve(module), resolve(dirname(configFile), module)]
  const path = candidates.find((p) => existsSync(p))
  if (!path) throw new UserError(`${configFile}: selection_algorithm_module '${module}' not found (looked for ${[...new Set(candidates)].join(' and ')})`)
  let exports: Record<string, unknown>
  try {
    if (/\.m?ts$/.test(path)) {
      const { tsImport } = await loadTsx(path)
      exports = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>
    } else {
      exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>
    }
  } catch (err) {
    if (err instanceof UserError) throw err
    const first = String((err as Error).message ?? err).split('\n')[0]
    throw new UserError(`${path}: cannot load the selection module (${first})`)
  }
  const cls = exports[className]
  if (cls === undefined) {
    const names = Object.keys(exports).filter((k) => k !== 'default')
    throw new UserError(`${path}: no export named '${className}' (selection_algorithm_class in ${configFile}); the module exports ${names.length ? names.join(', ') : 'nothing'}`)
  }
  if (typeof cls !== 'function' || typeof (cls as { prototype?: { select?: unknown } }).prototype?.select !== 'function') {
    throw new UserError(`${path}: '${className}' does not implement TrainingSetSelection: expected a class with a select() method returning {targets, nontargets}`)
  }
  return cls as SelectionClass
}
