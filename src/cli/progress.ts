import cliProgress from 'cli-progress'

/**
 * A progress reporter for long stages, drawn on stderr only when it is a terminal (so piped
 * output and CI logs stay clean). Returns the callback shape our library functions take.
 */
export function progressReporter(enabled = process.stderr.isTTY === true): {
  onProgress: (stage: string, done: number, total: number) => void
  stop: () => void
} {
  if (!enabled) return { onProgress: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: '{stage} [{bar}] {percentage}% | {value}/{total}',
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic)
  let current = ''
  return {
    onProgress(stage, done, total) {
      if (stage !== current) {
        if (current) bar.stop()
        current = stage
        bar.start(total, done, { stage })
      } else bar.update(done)
    },
    stop() { if (current) bar.stop() },
  }
}
