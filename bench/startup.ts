/**
 * Start-up of the CLI: `node bin/dataperf.js --help` against `node -e 0` (a bare Node process),
 * in paired runs (one of each, alternating which goes first), whole processes timed from spawn to
 * exit. Also `--version` and a command's own help, for information. Target (issue 20): the median
 * ratio for --help at most 1.6x.
 * Environment: BENCH_STARTUP_RUNS (pairs, default 40).
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { figure, loadLine, median, printJsonLast } from './report.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = join(root, 'bin', 'dataperf.js')
const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 40)
const TARGET = 1.6

function timeOnce(args: string[]): number {
  const t = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: root })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

/** Medians of `args` and of `node -e 0` over paired runs, and the median of the per-pair ratios. */
function paired(args: string[]): { base: number; cli: number; ratio: number } {
  const base: number[] = []
  const cli: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < runs; i++) {
    let b: number
    let c: number
    if (i % 2 === 0) {
      b = timeOnce(['-e', '0'])
      c = timeOnce([bin, ...args])
    } else {
      c = timeOnce([bin, ...args])
      b = timeOnce(['-e', '0'])
    }
    base.push(b)
    cli.push(c)
    ratios.push(c / b)
  }
  return { base: median(base), cli: median(cli), ratio: median(ratios) }
}

// warm the page cache and the OS before measuring
for (let i = 0; i < 3; i++) timeOnce([bin, '--help'])

console.log(`dataperf start-up, ${runs} paired runs each (medians); ${loadLine()}`)
const help = paired(['--help'])
console.log(`node -e 0                                    ${help.base.toFixed(1).padStart(8)} ms   (baseline)`)
console.log(
  figure(
    'dataperf --help',
    `${help.cli.toFixed(1)} ms ${help.ratio.toFixed(2)}x`,
    `<= ${TARGET}x`,
    help.ratio <= TARGET,
  ),
)
for (const args of [['--version'], ['vision', 'eval', '--help']]) {
  const r = paired(args)
  console.log(
    `dataperf ${args.join(' ').padEnd(35)} ${r.cli.toFixed(1).padStart(8)} ms   ratio ${r.ratio.toFixed(2)}x   (for information)`,
  )
}
console.log(loadLine())
printJsonLast({ startup_ratio: help.ratio })
