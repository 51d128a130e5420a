/**
 * The worker thread a selection runs in (see run-in-worker.ts): loads the class (a built-in or the
 * user's module) and the allowed embeddings, constructs it, awaits select() and posts the result.
 * Running here, a process.exit() or a select() that never settles ends this thread, not the CLI.
 */
import { workerData } from 'node:worker_threads'
import { BugError, UserError } from '../../errors.js'
import { answerParent, userCodeFailed } from '../../plugins/worker-side.js'
import { attachAudio, loadSpeechEmbeddings } from '../embeddings.js'
import { readSampleIdsYaml } from '../sample-ids.js'
import { SPEECH_SELECTIONS, builtInName, loadSelectionClass } from './load-algorithm.js'
import type { WorkerRequest } from './run-in-worker.js'

const request = workerData as WorkerRequest

answerParent(
  async (onProgress) => {
    const cls =
      request.builtIn !== undefined
        ? SPEECH_SELECTIONS[request.builtIn]!.cls
        : await loadSelectionClass(request.module, request.className, request.configFile)
    const allowed = readSampleIdsYaml(request.allowedPath)
    const embeddings = await loadSpeechEmbeddings(allowed, request.embeddingsDir, { idsFile: request.allowedPath })
    if (request.audioDir !== undefined) attachAudio(embeddings, request.audioDir)
    // the user's own code failing is one line naming its module (as for vision plugins); a built-in's is a bug in dataperf, naming which
    const builtIn = request.builtIn ?? builtInName(request.module)
    const failed = (err: unknown, what: string, after = '') => {
      if (builtIn === undefined) return userCodeFailed(err, request.module!, what, after)
      if (err instanceof UserError) return err
      return new BugError(`${what}: ${(err as Error)?.message ?? String(err)}${after}`, builtIn, { cause: err })
    }
    let instance: { select(): unknown }
    try {
      instance = new cls({
        allowedEmbeddings: embeddings,
        trainSize: request.trainSize,
        config: request.config,
        audioFlag: request.audioDir !== undefined,
        onProgress,
      })
    } catch (err) {
      throw failed(err, 'the selection class could not be constructed')
    }
    try {
      return await instance.select()
    } catch (err) {
      throw failed(err, 'the selection algorithm failed', '; nothing written')
    }
  },
  (reason) => `the selection algorithm returned something that is not a training set (${reason}); nothing written`,
)
