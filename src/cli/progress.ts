/**
 * The one progress drawer of the CLI, on stderr (cli-progress draws the bar). Library functions
 * report through a plain callback (stage, done, total); commands turn it into a bar here.
 * On a terminal: a bar per stage. Elsewhere (pipes, CI logs): nothing, or with `everyMs` one line
 * per stage every so often, so long downloads still show they are alive.
 */
import { createRequire } from 'node:module'
import type cliProgressModule from 'cli-progress'
import { safeText } from '../shown.js'
import type { Progress } from '../progress.js'

// cli-progress (16 modules) loads when a bar is first drawn: piped and CI runs never load it
let cliProgress: typeof cliProgressModule | undefined
const barLibrary = () => (cliProgress ??= createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule)

export type ProgressUnit = 'bytes' | 'files' | 'items'

export interface ProgressSink {
  /** `done` of `total` (unknown: undefined) for the stage `label` */
  update(label: string, done: number, total: number | undefined, unit?: ProgressUnit): void
  /** a note (retry, resume) printed without tearing the bar */
  log(message: string): void
  stop(): void
}

export interface ProgressSinkOptions {
  stream?: NodeJS.WriteStream
  /** draw a bar; default: when the stream is a terminal */
  tty?: boolean
  /** without a bar, write one line per stage at most this often (ms); undefined: write nothing */
  everyMs?: number
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export function progressSink(options: ProgressSinkOptions = {}): ProgressSink {
  const stream = options.stream ?? process.stderr
  const tty = options.tty ?? stream.isTTY === true
  let bar: cliProgressModule.SingleBar | undefined
  let stage = ''
  let startedAt = 0
  let startedFrom = 0
  let lastLine = 0
  const describe = (done: number, total: number | undefined, unit: ProgressUnit) => {
    const fmt = unit === 'bytes' ? formatBytes : (n: number) => `${n}`
    const of = total ? ` of ${fmt(total)} (${Math.floor((100 * done) / total)}%)` : ''
    if (unit !== 'bytes') return `${fmt(done)}${of}${unit === 'files' ? ' files' : ''}`
    // speed and ETA from this run's bytes (resumed bytes excluded)
    const secs = (Date.now() - startedAt) / 1000
    const rate = secs > 0.5 ? (done - startedFrom) / secs : 0
    const eta = rate > 0 && total ? ` ETA ${Math.ceil((total - done) / rate)} s` : ''
    return `${fmt(done)}${of}${rate > 0 ? ` ${formatBytes(rate)}/s` : ''}${eta}`
  }
  const finishStage = () => {
    if (bar) {
      bar.stop()
      bar = undefined
    }
    stage = ''
  }
  return {
    update(label, done, total, unit = 'items') {
      if (label !== stage) {
        finishStage()
        stage = label
        startedAt = Date.now()
        startedFrom = done
        lastLine = 0
        if (tty) {
          const { SingleBar, Presets } = barLibrary()
          bar = new SingleBar(
            { stream, format: `${label} [{bar}] {text}`, hideCursor: true, barsize: 30, clearOnComplete: true },
            Presets.shades_classic,
          )
          bar.start(total ?? 0, done, { text: describe(done, total, unit) })
          return
        }
      }
      if (bar) {
        if (total !== undefined && bar.getTotal() !== total) bar.setTotal(total)
        bar.update(done, { text: describe(done, total, unit) })
      } else if (
        !tty &&
        options.everyMs !== undefined &&
        (Date.now() - lastLine >= options.everyMs || (total !== undefined && done >= total))
      ) {
        lastLine = Date.now()
        stream.write(`${label}: ${describe(done, total, unit)}\n`)
      }
    },
    log(message) {
      if (bar) stream.write('\r\x1b[K')
      stream.write(`${safeText(message)}\n`)
    },
    stop: finishStage,
  }
}

/**
 * The callback shape our library functions take, drawn as a bar on a terminal (and silent
 * elsewhere, so piped output and CI logs stay clean).
 */
export function progressReporter(enabled = process.stderr.isTTY === true): {
  onProgress: Progress
  stop: () => void
} {
  if (!enabled) return { onProgress: () => {}, stop: () => {} }
  const sink = progressSink({ tty: true })
  return { onProgress: (stage, done, total) => sink.update(stage, done, total), stop: () => sink.stop() }
}
