// Runs the compiled tests (`npm test`, `npm run test:unit`) with Node's test runner in two lanes:
// two files at a time in the order below, and beside them, one at a time, the files that mostly
// wait (WAITING). `node --test FILES` sorts its files by name whatever order they are given in
// (Node 20), which put the three long Chromium files last and left one core idle at the end; run()
// keeps the order given, so this script calls it, once per lane, and prints one TAP (or, on a
// terminal, spec) report of both (merge-test-streams.mjs).
//   node scripts/run-tests.mjs            every dist/test/**/*.test.js, the longest first
//   node scripts/run-tests.mjs --unit     the fast loop's files only
//   node scripts/run-tests.mjs --list     print the files in order instead (scripts/test-times.sh)
//   npm test -- server- web-pages         only the files whose names contain one of these words
//   npm test -- --test-name-pattern=RE    only the tests whose names match (others reported skipped)
// Exit code 1 when a test fails.
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { run } from 'node:test'
import { spec, tap } from 'node:test/reporters'
import { mergeTestStreams } from './merge-test-streams.mjs'

// Longest first, every file over ~10 s by wall seconds from `JOBS=2 scripts/test-times.sh` (a file
// that waits on Chromium or timers takes longer than its CPU seconds): a long file started last
// would run alone at the end, as web-views did in name order. Files not named follow in name order;
// a name here without its built file is an error (a renamed file must be renamed here too).
const LONGEST_FIRST = [
  'speech-parity',
  'vision-select',
  'web-pages',
  'hardening-cli',
  'server-rescore',
  'web-views',
  'server-queue',
  'web-scale',
  'speech-cli',
  'sweep',
  'server-internet',
  'challenge-pack',
  'compare',
  'server-shutdown',
  'server-demo',
  'speech-errors',
  'server-records',
  'server-workers',
  'server-duplicates',
  'server-api',
  'vision-plugins',
  'server-soak',
  'server-public-submission',
  'package',
  'create-vision',
  'create-speech',
  'hardening-organizer',
  'speech-plugins',
]

// Files that spend much of their time waiting (on a server's timeouts, a browser, workers polling):
// each took 4-13 s more wall time than CPU time (`JOBS=2 scripts/test-times.sh`). They run one at a
// time in a lane of their own beside the two-file lane, so their waits no longer leave a core idle
// (process accounting of a whole run: 73 of 680 core-seconds idle, about the sum of these waits).
const WAITING = [
  'server-internet',
  'web-pages',
  'server-queue',
  'server-rescore',
  'server-shutdown',
  'web-scale',
  'web-views',
  'server-records',
  'server-duplicates',
  'server-public-submission',
  'ml-platt-thread',
]

// the fast loop's files, each under ~15 s of CPU (measured alone): no oracle, Chromium, PostgreSQL
// or CLI process
const UNIT = [
  'speech-algorithms',
  'vision-algorithms',
  'selection-progress',
  'speech-formats',
  'vision-formats',
  'vision-select-pu-neighbourhood',
  'io-csv',
  'io-parquet',
  'server-challenge',
  'validate',
  'download-layout',
  'cli-progress',
  'layout-owners',
  'ml-kernel-herding',
  'ml-mt19937',
  'ml-row-kernels',
  'server-audit',
  'server-db',
  'server-rank',
  'vision-select-consensus',
]

const TEST_DIR = 'dist/test'
const fileOf = (name) => join(TEST_DIR, `${name}.test.js`)

function testFiles(unit) {
  if (unit) {
    const missing = UNIT.filter((name) => !existsSync(fileOf(name)))
    if (missing.length > 0) throw new Error(`unit test files not built: ${missing.join(', ')}`)
    return UNIT.map(fileOf)
  }
  const all = readdirSync(TEST_DIR, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join(TEST_DIR, f))
    .sort()
  for (const [listName, list] of [
    ['LONGEST_FIRST', LONGEST_FIRST],
    ['WAITING', WAITING],
  ]) {
    const stale = list.filter((name) => !existsSync(fileOf(name)))
    if (stale.length > 0) throw new Error(`test files in ${listName} not built: ${stale.join(', ')}`)
  }
  const first = LONGEST_FIRST.map(fileOf)
  return [...first, ...all.filter((f) => !first.includes(f))]
}

const args = process.argv.slice(2)
const words = args.filter((a) => !a.startsWith('--'))
const namePatterns = args.filter((a) => a.startsWith('--test-name-pattern=')).map((a) => a.slice(a.indexOf('=') + 1))
let files
try {
  files = testFiles(args.includes('--unit'))
} catch (err) {
  console.error(`scripts/run-tests.mjs: ${err.message}`)
  process.exit(1)
}
if (words.length > 0) {
  files = files.filter((f) => words.some((w) => f.slice(TEST_DIR.length + 1).includes(w)))
  if (files.length === 0) {
    console.error(`scripts/run-tests.mjs: no test file under ${TEST_DIR} has ${words.join(' or ')} in its name`)
    process.exit(1)
  }
}
if (args.includes('--list')) {
  console.log(files.join('\n'))
} else {
  // Node reads and parses the certificates NODE_EXTRA_CA_CERTS names at every process start (~45 ms
  // of CPU on our 2-core machines, which set it for their package proxy); the suite starts ~600 node
  // processes and opens no TLS connection, so the test files and the commands they run go without it
  delete process.env.NODE_EXTRA_CA_CERTS
  // two at a time: the suite is CPU-bound on two cores (on one build, three at a time took 402 s,
  // two 380 s; on a later one, back to back, three 345.7 s and two 343.4 s); a third file only
  // when it is one that mostly waits
  const waiting = new Set(WAITING.map(fileOf))
  const lanes = [
    { files: files.filter((f) => !waiting.has(f)), concurrency: 2 },
    { files: files.filter((f) => waiting.has(f)), concurrency: 1 },
  ].filter((lane) => lane.files.length > 0)
  const streams = lanes.map((lane) =>
    run({
      files: lane.files.map((f) => resolve(f)),
      concurrency: lane.concurrency,
      ...(namePatterns.length > 0 ? { testNamePatterns: namePatterns } : {}),
    }),
  )
  for (const stream of streams)
    stream.on('test:fail', () => {
      process.exitCode = 1
    })
  Readable.from(mergeTestStreams(streams))
    .compose(process.stdout.isTTY ? spec : tap)
    .pipe(process.stdout)
}
