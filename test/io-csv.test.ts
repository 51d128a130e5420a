/**
 * parseCsv splits plain CSVs itself and hands every other text to csv-parse: on texts drawn from
 * an alphabet of the characters that decide which way a text goes (quotes, spaces, '\r', a BOM,
 * commas, newlines), both ways must give csv-parse's records, or its error.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'csv-parse/sync'
import type { UserError } from '../src/errors.js'
import { parseCsv } from '../src/io/csv.js'
import { Rng } from '../src/ml/rng.js'

const ALPHABET = ['a', '1', 'Z', '-', ',', ',', '\n', '\n', '\r', ' ', '"', '\uFEFF', '\t', 'é']

function viaCsvParse(text: string): string {
  try {
    const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true })
    return records.length === 0 ? 'empty' : JSON.stringify(records)
  } catch (err) {
    return `error: ${(err as Error).message}`
  }
}

function viaParseCsv(text: string): string {
  try {
    const t = parseCsv(text, 'f.csv')
    return JSON.stringify([t.header, ...t.rows])
  } catch (err) {
    // csv-parse's error is the cause of ours (which names the file, or the line that opened a quote left open)
    const ours = err as UserError
    if (ours.code === 'bad_file' && /^f\.csv: (not a valid CSV|line \d+: a quote)/.test(ours.message))
      return `error: ${(ours.cause as Error).message}`
    if (/^f\.csv: empty file/.test((err as Error).message)) return 'empty'
    throw err
  }
}

test('parseCsv gives csv-parse records (or its error) on 30,000 random texts, plain or not', () => {
  const rng = new Rng(20)
  let plain = 0
  for (let n = 0; n < 30_000; n++) {
    const length = Math.floor(rng.uniform() * 16)
    // half the texts from the plain characters only, so both paths are taken often
    const letters = n % 2 ? ALPHABET : ALPHABET.slice(0, 8)
    let text = ''
    for (let i = 0; i < length; i++) text += letters[Math.floor(rng.uniform() * letters.length)]
    if (!/[^\x21\x23-\x7e\n]/.test(text)) plain++
    assert.equal(viaParseCsv(text), viaCsvParse(text), JSON.stringify(text))
  }
  assert.ok(plain > 10_000, `plain texts: ${plain}`)
})

test('a training set with Windows line ends or quoted fields reads as the plain one', () => {
  const plain = parseCsv('ImageID,Confidence\nabc,1\ndef,0\n', 'a.csv')
  assert.deepEqual(parseCsv('ImageID,Confidence\r\nabc,1\r\ndef,0\r\n', 'a.csv'), plain)
  assert.deepEqual(parseCsv('"ImageID","Confidence"\n"abc",1\n def ,0\n', 'a.csv'), plain)
})
