// The event streams of several node:test run() calls (scripts/run-tests.mjs runs its lanes as
// separate calls) as one stream for one reporter: events in the order they come, the top-level tests
// numbered across the streams, and one plan and one summary (each stream's counts added up, the
// duration the whole run's) where each stream would end with its own.

/** Summary diagnostics (`tests 12`, `pass 12`, `duration_ms 1234.5`) come after a stream's top-level plan. */
const SUMMARY = /^\w+ \d+(\.\d+)?$/

/** @param {import('node:stream').Readable[]} streams  @returns {AsyncGenerator<{ type: string, data: any }>} */
export async function* mergeTestStreams(streams) {
  const started = performance.now()
  const totals = new Map()
  const queue = []
  let open = streams.length
  let wake = () => {}
  let numbered = 0
  for (const stream of streams) {
    let planned = false
    stream.on('data', (event) => {
      const { type, data } = event
      if (data?.nesting === 0 && type === 'test:plan') planned = true
      else if (data?.nesting === 0 && planned && type === 'test:diagnostic' && SUMMARY.test(data.message)) {
        const [name, value] = data.message.split(' ')
        totals.set(name, (totals.get(name) ?? 0) + Number(value))
      } else if (data?.nesting === 0 && (type === 'test:pass' || type === 'test:fail'))
        queue.push({ type, data: { ...data, testNumber: ++numbered } })
      else queue.push(event)
      wake()
    })
    stream.on('end', () => {
      open--
      wake()
    })
  }
  while (open > 0 || queue.length > 0) {
    if (queue.length > 0) yield queue.shift()
    else await new Promise((resolve) => (wake = resolve))
  }
  yield { type: 'test:plan', data: { nesting: 0, count: numbered } }
  totals.set('duration_ms', performance.now() - started)
  for (const [name, value] of totals)
    yield { type: 'test:diagnostic', data: { nesting: 0, message: `${name} ${value}` } }
}
