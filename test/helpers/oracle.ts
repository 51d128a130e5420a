/**
 * Calls the scikit-learn oracle (Debian's /usr/bin/python3 with python3-sklearn 1.2.1) on arrays
 * handed over as raw little-endian files, and returns the JSON the script prints.
 * Parity tests use this live; it never skips: a missing oracle is a test failure.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ORACLE_PYTHON = '/usr/bin/python3'

export type OracleArray = Float64Array | Float32Array | Int32Array

/**
 * Runs `script` (Python source) with `ARGS` bound to a dict: each array becomes a numpy array
 * (float64/float32/int32, shape from `shapes`), each other value is passed through as JSON.
 * The script must print one JSON document on stdout.
 */
export function runOracle<T = unknown>(
  script: string,
  arrays: Record<string, { data: OracleArray; shape: number[] }>,
  params: Record<string, unknown> = {},
): T {
  const dir = mkdtempSync(join(tmpdir(), 'dataperf-oracle-'))
  try {
    const manifest: Record<string, { file: string; dtype: string; shape: number[] }> = {}
    for (const [name, { data, shape }] of Object.entries(arrays)) {
      const dtype = data instanceof Float64Array ? '<f8' : data instanceof Float32Array ? '<f4' : '<i4'
      const file = join(dir, `${name}.bin`)
      writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      manifest[name] = { file, dtype, shape }
    }
    // parameters go through a file: large ones would overflow the command line
    const paramsFile = join(dir, 'params.json')
    writeFileSync(paramsFile, JSON.stringify(params))
    const prelude = [
      'import json, sys, numpy as np',
      `_m = json.loads(${JSON.stringify(JSON.stringify(manifest))})`,
      `ARGS = json.load(open(${JSON.stringify(paramsFile)}))`,
      'for _k, _v in _m.items(): ARGS[_k] = np.fromfile(_v["file"], dtype=_v["dtype"]).reshape(_v["shape"])',
    ].join('\n')
    const out = execFileSync(ORACLE_PYTHON, ['-c', `${prelude}\n${script}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
      // one BLAS thread: OpenBLAS's idle threads spin, and on a 2-core runner they took ~30 s of CPU
      // from the files running beside speech parity (its answers are the same either way)
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    })
    return JSON.parse(out) as T
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
