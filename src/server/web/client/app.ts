// The pages' only script, loaded as a module by every page. Everything it does is an enhancement:
// the server-rendered HTML is complete without it. It shows times in the visitor's time zone, sorts
// tables, accepts dropped files, follows a submission or a board live over server-sent events, and
// asks before destructive forms. Compiled by the project's tsc (DOM types) and served as-is.

const FINAL = new Set(['scored', 'failed'])

function localTimes(root: ParentNode): void {
  const fmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  })
  const rel = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  for (const el of root.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const date = new Date(el.dateTime)
    if (Number.isNaN(date.getTime())) continue
    if (!el.title) el.title = el.textContent ?? ''
    let text = fmt.format(date)
    if (el.hasAttribute('data-relative')) text += ` (${relative(rel, date.getTime() - Date.now())})`
    el.textContent = text
  }
}

function relative(rel: Intl.RelativeTimeFormat, ms: number): string {
  const abs = Math.abs(ms)
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ]
  for (const [unit, size] of units) if (abs >= size) return rel.format(Math.round(ms / size), unit)
  return rel.format(Math.round(ms / 1000), 'second')
}

function sortableTables(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table[data-sortable]')) {
    const headers = [...table.querySelectorAll<HTMLTableCellElement>('thead th')]
    headers.forEach((th, column) => {
      const kind = th.dataset['sort']
      if (!kind || th.querySelector('button')) return
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'sort'
      button.append(...th.childNodes)
      th.append(button)
      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending'
        for (const other of headers) other.removeAttribute('aria-sort')
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending')
        const body = table.tBodies[0]
        if (!body) return
        const value = (row: HTMLTableRowElement) =>
          row.cells[column]?.dataset['value'] ?? row.cells[column]?.textContent ?? ''
        const rows = [...body.rows].sort((a, b) => {
          const order = kind === 'number' ? Number(value(a)) - Number(value(b)) : value(a).localeCompare(value(b))
          return ascending ? order : -order
        })
        body.append(...rows)
      })
    })
  }
}

function dropzones(root: ParentNode): void {
  for (const zone of root.querySelectorAll<HTMLElement>('[data-dropzone]')) {
    const input = zone.querySelector<HTMLInputElement>('input[type=file]')
    const chosen = zone.querySelector<HTMLElement>('[data-chosen]')
    if (!input) continue
    const show = () => {
      const files = [...(input.files ?? [])]
      if (chosen)
        chosen.textContent =
          files.length === 0
            ? ''
            : `Chosen: ${files.map((f) => `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KB)`).join(', ')}`
    }
    zone.addEventListener('dragover', (e) => {
      e.preventDefault()
      zone.classList.add('over')
    })
    zone.addEventListener('dragleave', () => zone.classList.remove('over'))
    zone.addEventListener('drop', (e) => {
      e.preventDefault()
      zone.classList.remove('over')
      if (e.dataTransfer?.files.length) {
        input.files = e.dataTransfer.files
        input.dispatchEvent(new Event('change')) // the name list and the size check follow
      }
    })
    input.addEventListener('change', show)
    zone.classList.add('enhanced')
  }
}

/** On the submit form, only the chosen board's quota and file names are shown. */
function boardPicker(root: ParentNode): void {
  const select = root.querySelector<HTMLSelectElement>('[data-board-select]')
  if (!select) return
  const update = () => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-quota-board],[data-files-board]')) {
      el.hidden = (el.dataset['quotaBoard'] ?? el.dataset['filesBoard']) !== select.value
    }
    for (const el of document.querySelectorAll('[data-board-name]')) el.textContent = select.value
  }
  select.addEventListener('change', update)
  update()
}

const MB = 1024 * 1024

/** "25.0 MB"; the cap as the organizers set it: "20 MB" (a fraction only when it has one). */
function megabytes(bytes: number, exact = true): string {
  const mb = bytes / MB
  return `${exact || !Number.isInteger(mb) ? mb.toFixed(1) : mb} MB`
}

/**
 * The submit form checks the size before sending: a file over the cap is refused here, next to
 * the field, and the form stays as filled in (the server refuses it too, but only after the bytes
 * have travelled).
 */
function uploadSizeCheck(root: ParentNode): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-max-bytes]')) {
    const max = Number(form.dataset['maxBytes'])
    const input = form.querySelector<HTMLInputElement>('input[type=file]')
    const error = form.querySelector<HTMLElement>('#f-file-error')
    if (!input || !error || !(max > 0)) continue
    const check = (): boolean => {
      const files = [...(input.files ?? [])]
      const total = files.reduce((sum, f) => sum + f.size, 0)
      if (total <= max) {
        if (error.dataset['sizeCheck']) {
          error.hidden = true
          error.textContent = ''
          delete error.dataset['sizeCheck']
          input.removeAttribute('aria-invalid')
        }
        return true
      }
      const what = files.length === 1 ? `${files[0]!.name} is` : `These ${files.length} files are`
      error.textContent = `${what} ${megabytes(total)}; the limit is ${megabytes(max, false)}. Choose a smaller file.`
      error.dataset['sizeCheck'] = '1'
      error.hidden = false
      input.setAttribute('aria-invalid', 'true')
      return false
    }
    input.addEventListener('change', check)
    form.addEventListener('submit', (e) => {
      if (!check()) {
        e.preventDefault()
        input.focus()
      }
    })
  }
}

function confirmations(root: ParentNode): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset['confirm'] ?? 'Are you sure?')) e.preventDefault()
    })
  }
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.addEventListener('click', () => void copyTarget(button))
  }
}

/** Copies the field a data-copy button names; where the clipboard is refused, says how to copy by hand. */
async function copyTarget(button: HTMLButtonElement): Promise<void> {
  const target = document.querySelector<HTMLInputElement>(button.dataset['copy'] ?? '')
  if (!target) return
  target.select()
  try {
    await navigator.clipboard.writeText(target.value)
    button.textContent = 'Copied'
  } catch {
    button.textContent = 'Press Ctrl+C'
  }
}

const refreshCounts = new Map<string, number>()

/** Fetches this page again and swaps the named live region for the fresh server rendering; an
 *  answer overtaken by a later refresh of the same region is dropped, so the newest state wins. */
async function refreshRegion(name: string): Promise<HTMLElement | undefined> {
  const ticket = (refreshCounts.get(name) ?? 0) + 1
  refreshCounts.set(name, ticket)
  const response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
  if (!response.ok) return undefined
  const text = await response.text()
  if (refreshCounts.get(name) !== ticket) return undefined
  const doc = new DOMParser().parseFromString(text, 'text/html')
  const fresh = doc.querySelector<HTMLElement>(`[data-live-region="${name}"]`)
  const current = document.querySelector<HTMLElement>(`[data-live-region="${name}"]`)
  if (!fresh || !current) return undefined
  const adopted = document.importNode(fresh, true)
  current.replaceWith(adopted)
  enhance(adopted)
  return adopted
}

/** The server's "submission" event carries the submission (progress as { done, total }). */
interface LiveEvent {
  /** a board's version ('snapshot' and 'change' events) */
  version?: number
  status?: string
  stage?: string | null
  done?: number
  total?: number
  progress?: { done: number; total: number }
}

function parseEvent(data: string): LiveEvent {
  try {
    return JSON.parse(data) as LiveEvent
  } catch {
    return {}
  }
}

/** A board's 'change' event (services/board-feed.ts): what moved, by place. */
interface BoardChange {
  version: number
  total: number
  rows: Array<{ team: string; baseline: boolean }>
  removed: Array<{ team: string }>
  places: { from: number; to: number } | null
}

/** Whether a board change touches this page: its rows, the chart's top ten, the visitor's team, the row count. */
function boardChangeShows(live: HTMLElement, c: BoardChange): boolean {
  const d = live.dataset
  if (d['liveQuery'] !== undefined) return c.places !== null || c.rows.length > 0
  if (d['liveTotal'] !== undefined && Number(d['liveTotal']) !== c.total) return true
  const team = d['liveTeam']
  if (team && [...c.rows, ...c.removed].some((r) => r.team === team)) return true
  if (!c.places) return c.rows.length > 0
  const from = Number(d['liveFrom'] ?? 0),
    to = Number(d['liveTo'] ?? 0)
  return c.places.from <= 10 || (c.places.from <= to && c.places.to >= from)
}

const DAY_MS = 24 * 3600_000

/**
 * A chart's time axis in the visitor's time zone: the server drew UTC ticks and says its range and
 * step (data-t0, data-t1, data-step); ticks are placed again at round local times and labelled in
 * the local zone, then any label that would be cut at an end of the axis is anchored inside, and a
 * label overlapping the one before it is hidden.
 */
function localTimeAxes(root: ParentNode): void {
  for (const axis of root.querySelectorAll<SVGGElement>('g[data-time-axis]')) {
    const n = (k: string) => Number(axis.dataset[k])
    const t0 = n('t0'),
      t1 = n('t1'),
      x0 = n('x0'),
      x1 = n('x1'),
      y = n('y'),
      step = n('step'),
      width = n('width')
    const ticks = axis.querySelector('g.ticks')
    if (!ticks || !(t1 > t0) || !(step > 0)) continue
    const at: number[] = []
    const start = new Date(t0)
    start.setHours(0, 0, 0, 0)
    if (step < DAY_MS) {
      for (let t = start.getTime(); t <= t1; t += step) if (t >= t0) at.push(t)
    } else {
      const days = Math.round(step / DAY_MS)
      for (const d = new Date(start); d.getTime() <= t1; d.setDate(d.getDate() + days))
        if (d.getTime() >= t0) at.push(d.getTime())
    }
    const fmt = new Intl.DateTimeFormat(
      undefined,
      step < DAY_MS
        ? { month: 'short', day: 'numeric', hour: 'numeric', minute: step < 3600_000 ? '2-digit' : undefined }
        : t1 - t0 > 300 * DAY_MS
          ? { year: 'numeric', month: 'short', day: 'numeric' }
          : { month: 'short', day: 'numeric' },
    )
    const ns = 'http://www.w3.org/2000/svg'
    ticks.replaceChildren()
    const labels: SVGTextElement[] = []
    for (const t of at) {
      const x = (x0 + ((t - t0) / (t1 - t0)) * (x1 - x0)).toFixed(1)
      const line = document.createElementNS(ns, 'line')
      for (const [k, v] of [
        ['x1', x],
        ['x2', x],
        ['y1', String(y)],
        ['y2', String(y + 5)],
      ])
        line.setAttribute(k!, v!)
      const text = document.createElementNS(ns, 'text')
      for (const [k, v] of [
        ['x', x],
        ['y', String(y + 18)],
        ['text-anchor', 'middle'],
      ])
        text.setAttribute(k!, v!)
      text.textContent = fmt.format(new Date(t))
      ticks.append(line, text)
      labels.push(text)
    }
    const zone = axis.querySelector('text.zone')
    if (zone) zone.textContent = `Time (${Intl.DateTimeFormat().resolvedOptions().timeZone})`
    fitLabels(labels, width)
  }
}

/** Anchors end labels inside [0, width] and hides labels that would overlap the previous one. */
function fitLabels(labels: SVGTextElement[], width: number): void {
  let lastRight = -Infinity
  for (const text of labels) {
    text.removeAttribute('visibility')
    let box = text.getBBox()
    if (box.x < 0) text.setAttribute('text-anchor', 'start')
    else if (box.x + box.width > width) text.setAttribute('text-anchor', 'end')
    box = text.getBBox()
    if (box.x < lastRight + 4) text.setAttribute('visibility', 'hidden')
    else lastRight = box.x + box.width
  }
}

/** Waits between reconnects after the server refused a stream (a restart's 503, a proxy's 502). */
const RECONNECT_MS = [2000, 4000, 8000, 15000, 30000]

/**
 * Follows a server-sent event stream for as long as the page needs it. A dropped connection is
 * said in a notice above the live region (the page may be out of date) until the stream is back;
 * the server sends the current state first on every connect, so the page catches up at once. The
 * browser reconnects a dropped stream by itself, but not one the server answered with an error
 * (a stopping server's 503): that one is opened again here, with growing waits.
 */
function follow(region: HTMLElement, url: string, onEvent: (e: MessageEvent<string>) => void): { close(): void } {
  const notice = document.createElement('p')
  notice.className = 'notice live-notice'
  notice.setAttribute('role', 'status')
  notice.hidden = true
  notice.textContent = 'Lost the connection to the server: this page may be out of date. Reconnecting…'
  region.before(notice)
  let source: EventSource | undefined
  let failures = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  let closed = false
  const open = () => {
    const s = new EventSource(url, { withCredentials: true })
    source = s
    s.addEventListener('open', () => {
      failures = 0
      notice.hidden = true
    })
    s.addEventListener('error', () => {
      if (closed) return
      notice.hidden = false
      if (s.readyState === EventSource.CLOSED) {
        const wait = RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]
        retry = setTimeout(open, wait)
      }
    })
    for (const type of ['message', 'submission', 'snapshot', 'change', 'rescore'])
      s.addEventListener(type, onEvent as EventListener)
  }
  open()
  return {
    close: () => {
      closed = true
      clearTimeout(retry)
      source?.close()
      notice.hidden = true
    },
  }
}

function liveRegions(): void {
  for (const region of document.querySelectorAll<HTMLElement>('[data-live-region][data-live-url]')) {
    const name = region.dataset['liveRegion'] ?? ''
    const url = region.dataset['liveUrl'] ?? ''
    if (!url || typeof EventSource === 'undefined') continue
    if (name === 'submission' && FINAL.has(region.dataset['liveStatus'] ?? '')) continue
    if (name === 'rescore' && region.dataset['liveStatus'] === 'done') continue
    let pending: ReturnType<typeof setTimeout> | undefined
    const onEvent = (e: MessageEvent<string>) => {
      const ev = parseEvent(e.data)
      if (name === 'rescore') {
        // a board's rescoring: { status, total, done, failed }; the page is fetched again when it ends
        const live = document.querySelector<HTMLElement>('[data-live-region="rescore"]')
        const r = ev as LiveEvent & { failed?: number }
        const finished = (r.done ?? 0) + (r.failed ?? 0)
        const bar = live?.querySelector<HTMLProgressElement>('[data-progress]')
        if (bar && typeof r.total === 'number') {
          bar.max = r.total
          bar.value = finished
        }
        const count = live?.querySelector<HTMLElement>('[data-stage]')
        if (count && typeof r.total === 'number') count.textContent = `${finished} of ${r.total}`
        if (r.status && r.status !== live?.dataset['liveStatus']) {
          if (r.status === 'done') stream.close()
          void refreshRegion(name)
        }
      } else if (name === 'submission') {
        const live = document.querySelector<HTMLElement>('[data-live-region="submission"]')
        const stage = live?.querySelector<HTMLElement>('[data-stage]')
        if (stage && ev.stage) stage.textContent = ev.stage
        const bar = live?.querySelector<HTMLProgressElement>('[data-progress]')
        const done = ev.progress?.done ?? ev.done,
          total = ev.progress?.total ?? ev.total
        if (bar && typeof done === 'number' && typeof total === 'number' && total > 0) {
          bar.max = total
          bar.value = done
        }
        const shown = live?.dataset['liveStatus']
        if (ev.status && ev.status !== shown) {
          if (FINAL.has(ev.status)) stream.close()
          void refreshRegion(name)
        }
      } else {
        // A board: 'snapshot' (on each connect) and 'change' name the board's version. The page is
        // fetched again only for a newer version that touches what it shows: its rows, the top
        // ten of its chart, the visitor's team, or the number of rows.
        const live = document.querySelector<HTMLElement>(`[data-live-region="${name}"]`)
        if (!live || typeof ev.version !== 'number' || ev.version <= Number(live.dataset['liveVersion'] ?? 0)) return
        if (e.type === 'change' && !boardChangeShows(live, ev as BoardChange)) {
          live.dataset['liveVersion'] = String(ev.version)
          return
        }
        clearTimeout(pending)
        pending = setTimeout(() => void refreshRegion(name), 150)
      }
    }
    const stream = follow(region, url, onEvent)
  }
}

function enhance(root: ParentNode): void {
  localTimes(root)
  localTimeAxes(root)
  sortableTables(root)
  dropzones(root)
  uploadSizeCheck(root)
  confirmations(root)
}

document.documentElement.classList.add('js')
enhance(document)
// phones draw chart labels larger (site.css): fit them again when the width crosses that line
window.matchMedia('(max-width: 40rem)').addEventListener('change', () => localTimeAxes(document))
boardPicker(document)
liveRegions()

export {}
