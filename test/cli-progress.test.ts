/** The one progress drawer: lines off a terminal only when asked, a bar on one, notes never torn. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { formatBytes, progressReporter, progressSink } from '../src/cli/progress.js'

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = ''
  const w = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk)
      done()
    },
  }) as unknown as NodeJS.WriteStream
  Object.assign(w, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
  return { stream: w, text: () => out }
}

test('off a terminal: silent by default, one line per stage at most every everyMs, and the last one', () => {
  const quiet = capture(false)
  const q = progressSink({ stream: quiet.stream })
  q.update('reading', 5, 10)
  q.update('reading', 10, 10)
  q.stop()
  assert.equal(quiet.text(), '')

  const logged = capture(false)
  const s = progressSink({ stream: logged.stream, everyMs: 60_000 })
  s.update('zip', 0, 4_000_000, 'bytes')
  s.update('zip', 1_000_000, 4_000_000, 'bytes') // within everyMs: no line
  s.update('zip', 4_000_000, 4_000_000, 'bytes') // the end: a line
  s.update('extracting zip', 3, 3, 'files')
  s.log('retrying')
  s.stop()
  const lines = logged.text().trimEnd().split('\n')
  assert.equal(lines.length, 4, logged.text())
  assert.equal(lines[0], 'zip: 0 B of 4.0 MB (0%)')
  assert.match(lines[1]!, /^zip: 4\.0 MB of 4\.0 MB \(100%\)/)
  assert.equal(lines[2], 'extracting zip: 3 of 3 (100%) files')
  assert.equal(lines[3], 'retrying')
})

test('on a terminal: a bar per stage; progressReporter is the same drawer', () => {
  const tty = capture(true)
  const s = progressSink({ stream: tty.stream })
  s.update('pool', 1, 4)
  s.update('pool', 4, 4)
  s.stop()
  assert.match(tty.text(), /pool \[[^\]]*\] 4 of 4 \(100%\)/)
  const off = progressReporter(false)
  off.onProgress('x', 1, 2) // disabled: nothing to see, nothing thrown
  off.stop()
  assert.equal(formatBytes(999), '999 B')
  assert.equal(formatBytes(1_234_567), '1.2 MB')
})
