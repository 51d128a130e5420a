/**
 * The worker thread a vision plugin runs in (see plugin.ts): imports the user's module, builds the
 * same input a built-in gets (input.ts), calls the selector and posts what it returned. Running
 * here, a process.exit() or a promise that never settles ends this thread, not the CLI.
 */
import { workerData } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import { importPluginModule } from '../../plugins/load-module.js'
import { answerParent, userCodeFailed } from '../../plugins/worker-side.js'
import { readSelectorInput } from './input.js'
import type { VisionPluginRequest } from './plugin.js'
import type { VisionSelector } from './types.js'

const request = workerData as VisionPluginRequest

function selectorOf(exports: Record<string, unknown>, path: string): VisionSelector {
  let fn = exports['default'] ?? exports['select']
  // a .ts module outside an ES-module package is loaded as CommonJS: its exports arrive as `default`
  if (typeof fn === 'object' && fn !== null)
    fn = (fn as Record<string, unknown>)['default'] ?? (fn as Record<string, unknown>)['select']
  if (typeof fn !== 'function') {
    const names = Object.keys(exports)
    throw new UserError(
      `${path}: expected a default export (or an export named 'select') that is a function (input) => ({ ids, labels }); the module exports ${names.length ? names.join(', ') : 'nothing'}`,
    )
  }
  return fn as VisionSelector
}

answerParent(
  async (onProgress) => {
    const select = selectorOf(await importPluginModule(request.path, 'vision selection module'), request.path)
    const { input, report } = await readSelectorInput(request, request, onProgress)
    let set: unknown
    try {
      set = await select(input)
    } catch (err) {
      throw userCodeFailed(err, request.path, 'the selector failed')
    }
    return { set, report }
  },
  (reason) => `${request.path}: returned something that is not a training set (${reason}); nothing written`,
)
