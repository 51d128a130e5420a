/**
 * What every bench prints besides its figures: the machine's load average (figures taken on a busy
 * machine tell little) and, as its last line, one JSON object of its headline ratios for scripts.
 */
import { createHash } from 'node:crypto'
import { availableParallelism, loadavg } from 'node:os'

/** "load average 0.42 0.51 0.60 (1, 5, 15 min) on 2 cores" */
export function loadLine(): string {
  const [one, five, fifteen] = loadavg().map((x) => x.toFixed(2))
  return `load average ${one} ${five} ${fifteen} (1, 5, 15 min) on ${availableParallelism()} cores`
}

/** A figure with its target beside it: `label  value  (target ...: met|NOT met)`. */
export function figure(label: string, value: string, target: string, met: boolean): string {
  return `${label.padEnd(44)} ${value.padStart(12)}   (target ${target}: ${met ? 'met' : 'NOT met'})`
}

/** The bench's last line: one JSON object (numbers rounded to 3 decimals). */
export function printJsonLast(figures: Record<string, number>): void {
  const rounded = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]))
  process.stdout.write(JSON.stringify(rounded) + '\n')
}

/**
 * How steady this machine's cores are right now: SHA-256 of 32 MiB (OpenSSL's code, so no JIT in
 * the timing), 5 times; a noisy neighbour on a shared host shows as a spread, and two readings far
 * apart as a changed machine. (A JavaScript loop is no probe: when V8 installs its optimised code
 * varies from run to run by more than the host does.)
 */
export function speedLine(): string {
  const buf = Buffer.alloc(32 << 20, 7)
  const ms: number[] = []
  createHash('sha256').update(buf).digest() // untimed: the first pass also pays for loading the code
  for (let k = 0; k < 5; k++) {
    const t = performance.now()
    createHash('sha256').update(buf).digest()
    ms.push(performance.now() - t)
  }
  return `core speed: SHA-256 of 32 MiB in ${median(ms).toFixed(1)} ms (median of 5; ${Math.min(...ms).toFixed(1)}-${Math.max(...ms).toFixed(1)})`
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
