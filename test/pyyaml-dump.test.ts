/**
 * pyyamlDump against PyYAML itself (Debian's python3-yaml under /usr/bin/python3): random
 * documents of the shape the official tools dump, with strings chosen to hit every style rule
 * (YAML 1.1 look-alikes, indicators, quotes, spaces, non-ASCII, long items), must give the same bytes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { pyyamlDump, type PyYamlValue } from '../src/io/pyyaml-dump.js'
import { ORACLE_PYTHON } from './helpers/oracle.js'
import { Rng } from '../src/ml/rng.js'

const PY = `
import sys, json, yaml
docs = json.load(sys.stdin)
print(json.dumps([yaml.dump(d, default_flow_style=None, sort_keys=False) for d in docs]))
`

function pyyaml(docs: unknown[]): string[] {
  return JSON.parse(
    execFileSync(ORACLE_PYTHON, ['-c', PY], { input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 1 << 28 }),
  ) as string[]
}

const TRICKY = [
  'yes',
  'No',
  'off',
  'ON',
  'true',
  'null',
  '~',
  '',
  '123',
  '0x1f',
  '0o7',
  '017',
  '1_000',
  '1.5',
  '.5',
  '1e3',
  '1.0e+3',
  '.inf',
  '-.Inf',
  '.nan',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '12:30',
  '190:20:30.15',
  '<<',
  '=',
  '!',
  '&',
  '*',
  '- a',
  '-a',
  '? x',
  '?x',
  ':x',
  'a:b',
  'a: b',
  'a #b',
  'a#b',
  '#a',
  'a,b',
  '[a]',
  '{a}',
  "it's",
  '"q"',
  '%a',
  '@a',
  '`a',
  '---',
  '...x',
  ' lead',
  'trail ',
  'two  spaces',
  'a b c',
  'tab\there',
  'n\u00e3o',
  'caf\u00e9/x.wav',
  '\u4e2d\u6587',
  '\u{1f600}',
  'nbsp\u00a0x',
  'bs\\x',
  'bell\x07',
  'del\x7f',
  'ok/common_voice_en_12345.wav',
  "o'neil/common_voice_en_1.wav",
  'x\u0085y',
  'line\u2028sep',
]

function randomWord(rng: Rng): string {
  const r = rng.uniform()
  if (r < 0.35) return TRICKY[Math.floor(rng.uniform() * TRICKY.length)]!
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  let w = ''
  const len = 1 + Math.floor(rng.uniform() * 14)
  for (let i = 0; i < len; i++) w += letters[Math.floor(rng.uniform() * 26)]
  if (r < 0.5) w += ' ' + w.slice(0, 3) + (rng.uniform() < 0.3 ? '  x' : '')
  if (r < 0.55) w = 'n\u00e3o' + w + '\u00e9 \u00e7' + w
  return w
}

function randomClipId(rng: Rng): string {
  const r = rng.uniform()
  if (r < 0.3) return randomWord(rng)
  return `${randomWord(rng)}/common_voice_en_${Math.floor(rng.uniform() * 1e8)}.wav`
}

/** Keys with line separators would be complex keys ('? '), which pyyamlDump refuses. */
const keyable = (w: string) => w.replace(/[\x85\u2028\u2029]/g, '_')

function randomDoc(rng: Rng): PyYamlValue {
  const targets: Record<string, PyYamlValue> = {}
  const nTargets = Math.floor(rng.uniform() * 5)
  for (let t = 0; t < nTargets; t++) {
    targets[keyable(randomWord(rng)) + t] = Array.from({ length: Math.floor(rng.uniform() * 30) }, () =>
      randomClipId(rng),
    )
  }
  const doc: Record<string, PyYamlValue> = {
    targets,
    nontargets: Array.from({ length: Math.floor(rng.uniform() * 40) }, () => randomClipId(rng)),
  }
  if (rng.uniform() < 0.3)
    doc[keyable(randomWord(rng)) + 'k'] = {
      inner: [randomClipId(rng)],
      other: { deep: [randomWord(rng), randomWord(rng)] },
    }
  return doc
}

test('pyyamlDump writes what PyYAML writes, for 400 random documents with tricky strings', () => {
  const rng = new Rng(20261129)
  const docs = Array.from({ length: 400 }, () => randomDoc(rng))
  // every tricky string alone, as a flow item and as a key
  docs.push(
    { nontargets: TRICKY },
    { targets: Object.fromEntries(TRICKY.filter((t) => t !== '' && keyable(t) === t).map((t) => [t, [t, t]])) },
  )
  const expected = pyyaml(docs)
  docs.forEach((doc, i) =>
    assert.equal(pyyamlDump(doc), expected[i], `document ${i}: ${JSON.stringify(doc).slice(0, 300)}`),
  )
})

test('pyyamlDump refuses shapes it does not reproduce instead of guessing', () => {
  assert.throws(() => pyyamlDump({ a: 'b' }), /flow mappings/)
  assert.throws(() => pyyamlDump({ a: ['x\ny'] }), /line breaks/)
  assert.throws(() => pyyamlDump({ a: [['x']] }), /block sequences/)
})
