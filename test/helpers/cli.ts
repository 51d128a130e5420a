import { spawnSync } from 'node:child_process'
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
