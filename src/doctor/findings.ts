/** What `dataperf doctor` reports: one line per check, with how to fix what is wrong. */
import { safeText } from '../shown.js'

export type Level = 'ok' | 'warn' | 'error'

export interface Finding {
  level: Level
  message: string
  fix?: string
}

export class Findings {
  readonly items: Finding[] = []
  ok(message: string): void {
    this.items.push({ level: 'ok', message })
  }
  warn(message: string, fix?: string): void {
    this.items.push({ level: 'warn', message, fix })
  }
  error(message: string, fix?: string): void {
    this.items.push({ level: 'error', message, fix })
  }
  get errors(): number {
    return this.items.filter((f) => f.level === 'error').length
  }
  get warnings(): number {
    return this.items.filter((f) => f.level === 'warn').length
  }

  /** Runs a check; a thrown error (e.g. a UserError from a reader) becomes an error finding. */
  async check(fix: string | undefined, body: () => Promise<void> | void): Promise<boolean> {
    try {
      await body()
      return true
    } catch (err) {
      this.error((err as Error).message, fix)
      return false
    }
  }

  format(): string {
    const mark = { ok: 'ok   ', warn: 'WARN ', error: 'ERROR' }
    // each finding one line, whatever its message quotes from the user's files
    const lines = this.items.map(
      (f) => `${mark[f.level]} ${safeText(f.message)}${f.fix ? `\n      fix: ${safeText(f.fix)}` : ''}`,
    )
    lines.push('', `${this.errors} error(s), ${this.warnings} warning(s)`)
    return lines.join('\n')
  }
}
