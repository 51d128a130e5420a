/**
 * The worker thread a selection runs in (see run-in-worker.ts): loads the class (a built-in or the
 * user's module) and the allowed embeddings, constructs it, awaits select() and posts the result.
 * Running here, a process.exit() or a select() that never settles ends this thread, not the CLI.
 */
import { workerData } from 'node:worker_threads'
import { UserError } from '../../errors.js'
import { answerParent } from '../../plugins/worker-side.js'
import { attachAudio, loadSpeechEmbeddings } from '../embeddings.js'
import { readSampleIdsYaml } from '../sample-ids.js'
import { BUILT_IN_SELECTIONS, loadSelectionClass } from './load-algorithm.js'
import type { WorkerRequest } from './run-in-worker.js'

const request = workerData as WorkerRequest

answerParent(async (onProgress) => {
  const cls = request.builtIn !== undefined
    ? BUILT_IN_SELECTIONS[request.builtIn]!.cls
    : await loadSelectionClass(request.module, request.className, request.configFile)
  const allowed = readSampleIdsYaml(request.allowedPath)
  const embeddings = await loadSpeechEmbeddings(allowed, request.embeddingsDir, { idsFile: request.allowedPath })
  if (request.audioDir !== undefined) attachAudio(embeddings, request.audioDir)
  // a built-in's own exception is a bug in dataperf (posted with its stack); the user's is their mistake
  const users = !Object.values(BUILT_IN_SELECTIONS).some((e) => e.cls === cls)
  let instance: { select(): unknown }
  try {
    instance = new cls({ allowedEmbeddings: embeddings, trainSize: request.trainSize, config: request.config, audioFlag: request.audioDir !== undefined, onProgress })
  } catch (err) {
    if (err instanceof UserError || !users) throw err
    throw new UserError(`the selection class could not be constructed: ${(err as Error)?.message ?? String(err)}`)
  }
  try {
    return await instance.select()
  } catch (err) {
    if (err instanceof UserError || !users) throw err
    // the user's own code failed: one line naming it, not our stack trace
    throw new UserError(`the selection algorithm failed: ${(err as Error)?.message ?? String(err)}; nothing written`)
  }
}, (reason) => `the selection algorithm returned something that is not a training set (${reason}); nothing written`)
