// How numbers, dates and boards read on the pages. Scores use the CLI's four decimals
// (`dataperf speech eval` / `vision eval` print toFixed(4)); the full value rides along for sorting.
import { html, type SafeHtml } from './html.js'
import type { BoardView } from './view-models.js'

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', id: 'Indonesian', pt: 'Portuguese' }

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code
}

/** "Speech · English · 25 clips" or "Vision · Cupcake, Hawk, Sushi". */
export function boardTitle(board: BoardView): string {
  if (board.track === 'speech') {
    const parts = ['Speech']
    if (board.language) parts.push(languageName(board.language))
    if (board.trainSize !== undefined) parts.push(`${board.trainSize} clips`)
    return parts.join(' · ')
  }
  return board.tasks && board.tasks.length > 0 ? `Vision · ${board.tasks.join(', ')}` : 'Vision'
}

/** The file(s) a board takes, as the CLI names them. */
export function expectedFiles(board: BoardView): string {
  if (board.track === 'speech') return `${board.language ?? '{lang}'}_${board.trainSize ?? '{size}'}_train.json`
  const tasks = board.tasks ?? []
  return tasks.length > 0
    ? tasks.map((t) => `${t}.csv`).join(', ') + ' (one task or all at once)'
    : 'one <Task>.csv per task'
}

export function formatScore(score: number): string {
  return score.toFixed(4)
}

/** A score cell's content: four decimals shown, the exact value in the title. */
export function scoreHtml(score: number): SafeHtml {
  return html`<data value="${String(score)}" title="${String(score)}">${formatScore(score)}</data>`
}

/** 2026-12-01 00:00 UTC: what a reader without JavaScript sees; the client script rewrites it in local time. */
export function utcText(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/** A <time> element that the client script shows in the visitor's time zone. */
export function timeHtml(date: Date, opts: { relative?: boolean } = {}): SafeHtml {
  return html`<time datetime="${date.toISOString()}" data-local${opts.relative ? html` data-relative` : ''}>${utcText(date)}</time>`
}

/** First letter up, final full stop: the services' one-line messages read as sentences on a page. */
export function sentence(message: string): string {
  const s = message.trim()
  if (s === '') return s
  return s[0]!.toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.')
}
