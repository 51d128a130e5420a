/**
 * Farthest point sampling of K points from an N x 256 pool (default 1,000 of 1,000,000): ours
 * (lazy updates + float32 SIMD filter, on the calling thread and sharded over worker threads)
 * against a straightforward vectorised NumPy FPS (bench/fps_numpy.py, Debian's python3-numpy) on
 * the same float32 data, in the same run. Checks that all pick identical indices.
 * Uses the cached vision pool from bench:vision when present, else (or with BENCH_FPS_DATA=synthetic)
 * 100 Gaussian clusters with isotropic noise, the harder case for lazy updates.
 * Environment: BENCH_FPS_N, BENCH_FPS_K, BENCH_FPS_THREADS, BENCH_FPS_DATA (pool | synthetic).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ParquetFile } from '../src/io/parquet/reader.js'
import { farthestPointSampling, farthestPointSamplingSync } from '../src/ml/fps.js'
import { Rng } from '../src/ml/rng.js'
import { loadLine, printJsonLast } from './report.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const n = Number(process.env.BENCH_FPS_N ?? 1_000_000),
  d = 256,
  k = Number(process.env.BENCH_FPS_K ?? 1000)
const threads = Number(process.env.BENCH_FPS_THREADS ?? availableParallelism())

async function pool(): Promise<{ X: Float32Array; source: string }> {
  const cached = join(root, 'bench/out/vision-1000000/embeddings/train_emb_256_dataperf.parquet')
  if (existsSync(cached) && n <= 1_000_000 && process.env.BENCH_FPS_DATA !== 'synthetic') {
    const f = await ParquetFile.open(cached)
    const v = await f.readVectors('embedding', {
      dim: d,
      rows: Int32Array.from({ length: n }, (_, i) => i),
      shared: true,
    })
    await f.close()
    return { X: v.data as Float32Array, source: 'the bench:vision pool' }
  }
  const rng = new Rng(1)
  const centers = Array.from({ length: 100 }, () => Float32Array.from({ length: d }, () => rng.normal()))
  const X = new Float32Array(new SharedArrayBuffer(n * d * 4))
  for (let i = 0; i < n; i++) {
    const c = centers[rng.int(100)]!
    for (let j = 0; j < d; j++) X[i * d + j] = c[j]! + 0.5 * rng.normal()
  }
  return { X, source: 'synthetic clustered data' }
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const r = await f()
  return [r, (performance.now() - t) / 1000]
}

const { X, source } = await pool()
const dir = mkdtempSync(join(tmpdir(), 'dataperf-fps-bench-'))
try {
  writeFileSync(join(dir, 'x.bin'), new Uint8Array(X.buffer, X.byteOffset, X.byteLength))
  const [single, singleSeconds] = await timed(() => farthestPointSamplingSync(X, n, d, k, { first: 0 }))
  const [threaded, threadedSeconds] = await timed(() => farthestPointSampling(X, n, d, k, { first: 0, threads }))
  const numpy = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [join(root, 'bench/fps_numpy.py'), join(dir, 'x.bin'), String(n), String(d), String(k), '0'],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    ),
  ) as { indices: number[]; seconds: number }
  const same = (a: ArrayLike<number>) => a.length === numpy.indices.length && numpy.indices.every((v, i) => v === a[i])
  console.log(`FPS of ${k} from ${n} x ${d} (${source}); ${availableParallelism()} cores`)
  console.log(`NumPy (vectorised, float64)          ${numpy.seconds.toFixed(2).padStart(8)} s   (baseline)`)
  console.log(
    `dataperf, 1 thread                   ${singleSeconds.toFixed(2).padStart(8)} s   ${(numpy.seconds / singleSeconds).toFixed(1)}x faster`,
  )
  console.log(
    `dataperf, ${threads} worker threads          ${threadedSeconds.toFixed(2).padStart(8)} s   ${(numpy.seconds / threadedSeconds).toFixed(1)}x faster   (target >= 5x)`,
  )
  console.log(`identical indices: 1 thread ${same(single)}, ${threads} threads ${same(threaded)}`)
  console.log(loadLine())
  if (!same(single) || !same(threaded)) process.exitCode = 1
  printJsonLast({
    fps_speedup_threads: numpy.seconds / threadedSeconds,
    fps_speedup_one_thread: numpy.seconds / singleSeconds,
    identical: same(single) && same(threaded) ? 1 : 0,
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
