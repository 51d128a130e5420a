// Prints the compiled test files for `npm test`, the longest first: `node --test --test-concurrency=2`
// starts files in the order given, so a long file started last would run alone at the end.
// The list below is every file over ~13 s, by wall seconds from scripts/test-times.sh with JOBS=2
// (a file that waits on Chromium or timers takes longer than its CPU seconds); files not named
// follow in name order. A name here without its file is skipped.
// With --unit: only the fast loop's files (`npm run test:unit`), those that need no oracle, Chromium,
// PostgreSQL or CLI process: ml, io, formats and serialisation, the selection algorithms on small data.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const LONGEST_FIRST = [
  'speech-parity',
  'web-pages',
  'hardening-cli',
  'web-views',
  'vision-select',
  'server-rescore',
  'sweep',
  'create-vision',
  'challenge-pack',
  'speech-errors',
  'web-scale',
  'compare',
  'server-demo',
  'server-queue',
  'speech-cli',
  'server-records',
  'server-shutdown',
  'server-api',
  'server-duplicates',
  'server-internet',
  'vision-eval-errors',
  'vision-algorithms',
  'vision-plugins',
  'server-workers',
  'speech-parity-near-ties',
  'create-speech',
  'vision-parity',
  'speech-algorithms',
  'server-soak',
  'vision-results',
  'server-boards',
  'speech-plugins',
  'server-public-submission',
  'hardening-organizer',
  'server-results',
]

// the fast loop's files, each under ~15 s of CPU (measured alone)
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

if (process.argv.includes('--unit')) {
  const missing = UNIT.filter((name) => !existsSync(join('dist/test', `${name}.test.js`)))
  if (missing.length > 0) {
    console.error(`scripts/test-files.mjs: unit test files not built: ${missing.join(', ')}`)
    process.exit(1)
  }
  console.log(UNIT.map((name) => join('dist/test', `${name}.test.js`)).join('\n'))
  process.exit(0)
}

const all = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => join('dist/test', f))
  .sort()
const first = LONGEST_FIRST.map((name) => join('dist/test', `${name}.test.js`)).filter((f) => existsSync(f))
console.log([...first, ...all.filter((f) => !first.includes(f))].join('\n'))
