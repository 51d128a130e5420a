/**
 * The worker thread a vision plugin runs in (see plugin.ts): imports the user's module, reads the
 * pool, the example set and the human labels, calls the selector and posts what it returned.
 * Running here, a process.exit() or a promise that never settles ends this thread, not the CLI.
 */
import { workerData } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import { ParquetFile } from '../../io/parquet/reader.js'
import { importPluginModule } from '../../plugins/load-module.js'
import { answerParent, userCodeFailed } from '../../plugins/worker-side.js'
import { humanLabelsForPool } from '../human-labels.js'
import { EMBEDDING_COLUMN, ID_COLUMN } from '../layout.js'
import { readExampleSet } from '../metadata.js'
import type { VisionPluginRequest } from './plugin.js'
import type { VisionSelectorPlugin } from './plugin-api.js'

const request = workerData as VisionPluginRequest

function selectorOf(exports: Record<string, unknown>, path: string): VisionSelectorPlugin {
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
  return fn as VisionSelectorPlugin
}

answerParent(
  async (onProgress) => {
    const select = selectorOf(await importPluginModule(request.path, 'vision selection module'), request.path)
    const pool = await ParquetFile.open(request.embFile)
    let ids: string[], embeddings: Float32Array | Float64Array
    try {
      ids = (await pool.readScalars(ID_COLUMN)).map(String)
      embeddings = (
        await pool.readVectors(EMBEDDING_COLUMN, {
          dim: request.dim,
          onProgress: (done, total) => onProgress('reading the pool', done, total),
        })
      ).data
    } finally {
      await pool.close()
    }
    const examples = readExampleSet(request.dataDir, request.task)
    const { labels, report } = await humanLabelsForPool(
      request.dataDir,
      request.task,
      examples.labelName,
      new Set(ids),
      request.humanLabelsFile,
    )
    let set: unknown
    try {
      set = await select({
        task: request.task,
        ids,
        embeddings,
        dim: request.dim,
        budget: request.budget,
        seed: request.seed,
        examples: examples.ids,
        humanLabels: { positives: labels.positives, negatives: labels.negatives, file: labels.file ?? null },
        onProgress,
      })
    } catch (err) {
      throw userCodeFailed(err, request.path, 'the selector failed')
    }
    return { set, report }
  },
  (reason) => `${request.path}: returned something that is not a training set (${reason}); nothing written`,
)
