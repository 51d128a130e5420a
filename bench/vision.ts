/**
 * Benchmark of `dataperf vision eval` on a 1,000,000-row pool with three 1,000-row training sets.
 * Baseline, measured in the same run: reading the pool file once with `cat pool > /dev/null`.
 * Targets (issue 2): eval wall time <= 10x the read time; peak RSS <= 2x the pool file's size.
 * The generated pool is cached under bench/out/ (generation takes a couple of minutes).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateVisionBenchmark, VISION_LAYOUT } from '../src/synth/vision.js'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { writeCsv } from '../src/io/csv.js'
import { weakLabelBaseline } from '../src/vision/baseline.js'

const here = dirname(fileURLToPath(import.meta.url))
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 1_000_000)
const dir = join(here, '..', '..', 'bench', 'out', `vision-${poolSize}`)
const setup = join(dir, VISION_LAYOUT.setup)

if (!existsSync(setup)) {
  console.log(`generating a ${poolSize}-row pool in ${dir} (cached for later runs)...`)
  const t = performance.now()
  generateVisionBenchmark({ out: dir, seed: 0, poolSize })
  console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const poolPath = join(dir, VISION_LAYOUT.pool)
const pool = await ParquetFile.open(poolPath)
const ids = (await pool.readScalars('ImageID')).map(String)
await pool.close()
for (const task of ['Cupcake', 'Hawk', 'Sushi']) {
  const set = await weakLabelBaseline(dir, task, ids, 1000)
  writeCsv(
    join(dir, VISION_LAYOUT.trainSet(task)),
    ['ImageID', 'Confidence'],
    set.ids.map((id, i) => [id, set.labels[i]!]),
  )
}

const poolBytes = statSync(poolPath).size
const runs = Number(process.env.BENCH_RUNS ?? 3)
// The first run hashes the pool for the manifest (cold cache); later runs reuse the cached hash.
const cacheDir = mkdtempSync(join(tmpdir(), 'dataperf-bench-cache-'))
const catTimes: number[] = []
const evalTimes: number[] = []
const rss: number[] = []
for (let i = 0; i < runs; i++) {
  const t = performance.now()
  const cat = spawnSync('sh', ['-c', `cat '${poolPath}' > /dev/null`])
  catTimes.push(performance.now() - t)
  if (cat.status !== 0) throw new Error('cat failed')
  const t2 = performance.now()
  const r = spawnSync(process.execPath, [join(here, 'run-measured.js'), 'vision', 'eval', '--setup', setup], {
    encoding: 'utf8',
    env: { ...process.env, DATAPERF_CACHE_DIR: cacheDir },
  })
  evalTimes.push(performance.now() - t2)
  if (r.status !== 0) throw new Error(`eval failed: ${r.stderr}`)
  const stats = JSON.parse(r.stderr.trim().split('\n').pop()!) as { maxRssBytes: number }
  rss.push(stats.maxRssBytes)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const cat = median(catTimes),
  ev = median(evalTimes),
  peak = Math.max(...rss)
const mb = (b: number) => (b / 2 ** 20).toFixed(0)
console.log(`pool: ${poolSize} rows x 256, ${mb(poolBytes)} MiB; ${runs} runs, medians`)
console.log(`cat pool > /dev/null      ${(cat / 1000).toFixed(3)} s   (baseline)`)
console.log(
  `dataperf vision eval      ${(ev / 1000).toFixed(3)} s   ratio ${(ev / cat).toFixed(2)}x   (target <= 10x; median, pool hash cached)`,
)
console.log(
  `  first run, pool hashed  ${(evalTimes[0]! / 1000).toFixed(3)} s   ratio ${(evalTimes[0]! / cat).toFixed(2)}x vs the median cat`,
)
console.log(
  `peak RSS of the eval      ${mb(peak)} MiB   ratio ${(peak / poolBytes).toFixed(2)}x pool size   (target <= 2x)`,
)
