// Prints the compiled test files for `npm test`, the longest first: `node --test --test-concurrency=2`
// starts files in the order given, so a long file started last would run alone at the end.
// The list below is from scripts/test-times.sh (CPU seconds per file); files not named follow in
// name order. A name here without its file is skipped.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const LONGEST_FIRST = [
  'speech-parity',
  'vision-select',
  'speech-cli',
  'server-queue',
  'hardening-cli',
  'sweep',
  'challenge-pack',
  'speech-errors',
  'web-pages',
  'vision-algorithms',
  'vision-eval-errors',
  'compare',
  'vision-results',
  'server-api',
  'speech-algorithms',
  'speech-parity-near-ties',
]

const all = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => join('dist/test', f))
  .sort()
const first = LONGEST_FIRST.map((name) => join('dist/test', `${name}.test.js`)).filter((f) => existsSync(f))
console.log([...first, ...all.filter((f) => !first.includes(f))].join('\n'))
