/**
 * The baseline selection on worker threads picks what it picks in one thread, also when a later
 * selection in the same process reuses the threads and the shared buffers (the pool's matrix, the
 * distance table) kept from earlier ones: a table larger than needed, a pool of the same size.
 */
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { loadSpeechEmbeddings, type SpeechEmbeddings } from '../src/speech/embeddings.js'
import { readSampleIdsYaml } from '../src/speech/sample-ids.js'
import { baselineSelect } from '../src/speech/select/baseline.js'
import { generateSpeechBenchmark } from '../src/synth/speech.js'
import { tempFolder } from './helpers/temp-folder.js'

let pool: SpeechEmbeddings

before(async () => {
  const work = tempFolder('baseline-threads')
  // the generator writes the config beside its data folder: inside `work`, not in the temp folder
  generateSpeechBenchmark({ out: join(work, 'data'), languages: ['en'], seed: 6, scale: 0.1 })
  const dir = join(work, 'data', 'dataperf_en_data')
  pool = await loadSpeechEmbeddings(
    readSampleIdsYaml(join(dir, 'allowed_training_set.yaml')),
    join(dir, 'train_embeddings'),
    { idsFile: 'allowed' },
  )
})

test('baseline on two threads, selection after selection (buffers kept between them): the one-thread picks', async () => {
  const alone = new Map<number, unknown>()
  for (const size of [25, 30]) alone.set(size, await baselineSelect(pool, size, 0, { threads: 1 }))
  assert.notDeepEqual(alone.get(25), alone.get(30))
  // 25 first (fresh buffers), 30 (the pool's buffer again, a larger table), 25 again (the larger table kept from 30)
  for (const size of [25, 30, 25]) {
    assert.deepEqual(await baselineSelect(pool, size, 0, { threads: 2 }), alone.get(size), `size ${size}`)
  }
})
