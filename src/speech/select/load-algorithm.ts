/**
 * Resolves the config's selection_algorithm_module / selection_algorithm_class to a class:
 * the official dotted names (and short names) map to our built-ins; a path to a .ts/.js/.mjs
 * file is imported as it is (plugins/load-module.ts), relative to the working directory or else to
 * the config file's folder.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { UserError } from '../../errors.js'
import { importPluginModule, PLUGIN_PATH } from '../../plugins/load-module.js'
import { BaselineSelection } from './baseline.js'
import { CleanlabSelection } from './cleanlab.js'
import { CoresetSelection } from './coreset.js'
import { KernelHerdingSelection } from './kernel-herding.js'
import { RandomSelection } from './random.js'
import type { SelectionClass } from './types.js'
import type { SpeechSelectionName } from './names.js'

interface BuiltIn {
  module: string
  className: string
  cls: SelectionClass
}

/** The built-ins by name; names.ts lists the same names for the CLI's help (the `satisfies` keeps them equal). */
export const SPEECH_SELECTIONS: Record<string, BuiltIn> = {
  baseline: {
    module: 'selection.implementations.baseline_selection',
    className: 'BaselineSelection',
    cls: BaselineSelection,
  },
  random: { module: 'selection.implementations.random_selection', className: 'RandomSelection', cls: RandomSelection },
  cleanlab: {
    module: 'selection.implementations.cleanlab_selection',
    className: 'CleanlabSelection',
    cls: CleanlabSelection,
  },
  coreset: { module: 'coreset', className: 'CoresetSelection', cls: CoresetSelection },
  'kernel-herding': { module: 'kernel-herding', className: 'KernelHerdingSelection', cls: KernelHerdingSelection },
} satisfies Record<SpeechSelectionName, BuiltIn>

/** The built-in a config's module names (short or official dotted name), if any. */
export function builtInName(module: string): string | undefined {
  return Object.entries(SPEECH_SELECTIONS).find(([name, entry]) => module === name || module === entry.module)?.[0]
}

function builtIn(module: string): SelectionClass | undefined {
  const name = builtInName(module)
  return name === undefined ? undefined : SPEECH_SELECTIONS[name]!.cls
}

/**
 * Where a config's selection_algorithm_module points: a built-in's name, or the path of the user's
 * file (resolved from the working directory, else beside the config); a user error otherwise.
 * `doctor` asks the same question, so that it and `select` agree.
 */
export function resolveSelectionModule(module: string, configFile: string): { builtIn: string } | { path: string } {
  const name = builtInName(module)
  if (name !== undefined) return { builtIn: name }
  if (!PLUGIN_PATH.test(module)) {
    throw new UserError(
      `${configFile}: selection_algorithm_module '${module}' is neither a built-in (${Object.entries(SPEECH_SELECTIONS)
        .map(([n, e]) => `${n} / ${e.module}`)
        .join(', ')}) nor a path to a .ts or .js file`,
    )
  }
  const candidates = isAbsolute(module) ? [module] : [resolve(module), resolve(dirname(configFile), module)]
  const path = candidates.find((p) => existsSync(p))
  if (!path)
    throw new UserError(
      `${configFile}: selection_algorithm_module '${module}' not found (looked for ${[...new Set(candidates)].join(' and ')})`,
      { code: 'not_found', path: configFile, field: 'selection_algorithm_module' },
    )
  return { path }
}

export async function loadSelectionClass(
  module: string,
  className: string,
  configFile: string,
): Promise<SelectionClass> {
  const known = builtIn(module)
  if (known) return known
  const { path } = resolveSelectionModule(module, configFile) as { path: string }
  const exports = await importPluginModule(path, 'selection module')
  const cls = exports[className]
  if (cls === undefined) {
    const names = Object.keys(exports).filter((k) => k !== 'default')
    throw new UserError(
      `${path}: no export named '${className}' (selection_algorithm_class in ${configFile}); the module exports ${names.length ? names.join(', ') : 'nothing'}`,
    )
  }
  if (
    typeof cls !== 'function' ||
    typeof (cls as { prototype?: { select?: unknown } }).prototype?.select !== 'function'
  ) {
    throw new UserError(
      `${path}: '${className}' does not implement TrainingSetSelection: expected a class with a select() method returning {targets, nontargets}`,
    )
  }
  return cls as SelectionClass
}
