import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { pythonJsonDumps, pythonFloatRepr } from '../src/io/python-json.js'
import { ORACLE_PYTHON } from './helpers/oracle.js'
import { readFileSync } from 'node:fs'

import { officialFixture } from './helpers/paths.js'

test('float repr matches Python for fractions, integers, tiny and huge values', () => {
  const xs = [
    0,
    1,
    0.5,
    0.25000000000000006,
    1 / 3,
    2 / 3,
    1e-5,
    0.0001,
    123456789012345680,
    1e16,
    1.5e-7,
    12.0,
    100,
    0.1 + 0.2,
  ]
  const py = execFileSync(
    ORACLE_PYTHON,
    ['-c', `import json,sys; print(json.dumps([repr(float(x)) for x in json.loads(sys.argv[1])]))`, JSON.stringify(xs)],
    { encoding: 'utf8' },
  )
  assert.deepEqual(xs.map(pythonFloatRepr), JSON.parse(py))
})

test('the official results file is reproduced byte for byte from its values', () => {
  const text = readFileSync(officialFixture('vision/result_for_random_500.json'), 'utf8')
  assert.equal(pythonJsonDumps(JSON.parse(text)), text.trimEnd())
})
