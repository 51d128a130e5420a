/** `dataperf compare`: selection algorithms over generated benchmarks (or a sweep), a table and an HTML report. */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { UserError } from '../../errors.js'
import { requireWritableFile, writeFileAtomic } from '../../io/atomic-write.js'
import { renderComparisonHtml } from '../../compare/html-report.js'
import { compareSpeech } from '../../compare/speech.js'
import { formatComparisonTable } from '../../compare/table.js'
import { compareVision } from '../../compare/vision.js'
import { readSweepFile, runSweep, type SweepTrackResult } from '../../compare/sweep.js'
import { formatSweep, renderSweepHtml } from '../../compare/sweep-report.js'
import { progressReporter } from '../progress.js'

export interface CompareFlags {
  track?: 'vision' | 'speech'
  algorithms?: string
  sweep?: string
  seeds: number
  firstSeed: number
  out: string
  workDir: string
  poolSize?: number
  scale?: number
  json?: boolean
}

export async function compare(opts: CompareFlags, cmd: Command): Promise<void> {
  if (opts.sweep !== undefined) {
    if (opts.algorithms !== undefined)
      throw new UserError('--sweep: the algorithms come from the sweep file; leave out --algorithms')
    const given = (name: string) => cmd.getOptionValueSource(name) === 'cli'
    await runSweepCommand(opts.sweep, {
      ...opts,
      seeds:
        given('seeds') || given('firstSeed')
          ? Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i)
          : undefined,
    })
    return
  }
  if (opts.track === undefined)
    throw new UserError("required option '--track <track>' not specified (or give --sweep FILE)")
  if (opts.algorithms === undefined) throw new UserError("required option '--algorithms <list>' not specified")
  const algorithms = opts.algorithms
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
  if (algorithms.length === 0) throw new UserError('--algorithms: give at least one algorithm name')
  requireWritableFile(opts.out, 'out')
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i)
  const { bar, onProgress } = progressLines()
  let result
  try {
    const common = { algorithms, seeds, workDir: resolve(opts.workDir), onProgress }
    result =
      opts.track === 'speech'
        ? await compareSpeech({ ...common, scale: opts.scale })
        : await compareVision({ ...common, poolSize: opts.poolSize })
  } finally {
    bar.stop()
  }
  writeFileAtomic(opts.out, renderComparisonHtml(result))
  if (opts.json)
    process.stdout.write(
      JSON.stringify({ ...result, projection: undefined, report: resolve(opts.out) }, null, 2) + '\n',
    )
  else process.stdout.write(`${formatComparisonTable(result)}\nReport: ${resolve(opts.out)}\n`)
}

/** A bar on a terminal, else one line per step. */
function progressLines() {
  const tty = process.stderr.isTTY === true
  const bar = progressReporter(tty)
  const onProgress = (what: string, done: number, total: number) => {
    if (tty) bar.onProgress('comparing', done, total)
    else process.stderr.write(`[${done}/${total}] ${what}\n`)
  }
  return { bar, onProgress }
}

async function runSweepCommand(
  file: string,
  opts: { track?: 'vision' | 'speech'; seeds?: number[]; out: string; workDir: string; json?: boolean },
): Promise<void> {
  const spec = readSweepFile(file)
  if (opts.track && !spec[opts.track]) throw new UserError(`${file}: no ${opts.track} section (--track ${opts.track})`)
  const { bar, onProgress } = progressLines()
  const command = [
    'dataperf compare --sweep',
    file,
    ...(opts.track ? ['--track', opts.track] : []),
    ...(opts.seeds ? ['--first-seed', String(opts.seeds[0]), '--seeds', String(opts.seeds.length)] : []),
  ].join(' ')
  const txt = opts.out.replace(/\.html?$/i, '') + '.txt'
  requireWritableFile(opts.out, 'out')
  requireWritableFile(txt)
  const write = (tracks: SweepTrackResult[], partial: boolean) => {
    const note = partial ? '(partial: the sweep is still running)\n' : ''
    writeFileAtomic(opts.out, renderSweepHtml(tracks, command))
    writeFileAtomic(txt, `$ ${command}\n${note}${formatSweep(tracks)}\n`)
  }
  let tracks
  try {
    tracks = await runSweep(spec, {
      workDir: resolve(opts.workDir),
      track: opts.track,
      seeds: opts.seeds,
      onProgress,
      onSetting: (t) => write(t, true),
    })
  } finally {
    bar.stop()
  }
  write(tracks, false)
  const text = formatSweep(tracks)
  if (opts.json)
    process.stdout.write(
      JSON.stringify(
        {
          tracks: tracks.map((t) => ({
            ...t,
            settings: t.settings.map((s) => ({
              name: s.name,
              knobs: s.knobs,
              scores: s.result.scores,
              tasks: s.result.tasks,
            })),
          })),
          report: resolve(opts.out),
          text: resolve(txt),
        },
        null,
        2,
      ) + '\n',
    )
  else process.stdout.write(`${text}\nReport: ${resolve(opts.out)} and ${resolve(txt)}\n`)
}
