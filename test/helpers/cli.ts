import { spawn, spawnSync } from 'node:child_process'
import { CLI } from './paths.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built `dataperf` CLI as a user would, in `cwd`. */
export function runCli(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** Like runCli, but without blocking this process (for tests that serve HTTP themselves). */
export function runCliAsync(args: string[], cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd })
    let stdout = '',
      stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}
