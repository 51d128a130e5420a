import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runOracle } from './oracle.js'

test('the scikit-learn oracle is installed and reads our arrays', () => {
  const got = runOracle<{ version: string; sum: number }>(
    'import sklearn\nprint(json.dumps({"version": sklearn.__version__, "sum": float(ARGS["x"].sum())}))',
    { x: { data: new Float64Array([1.5, 2.5, 3]), shape: [3] } },
  )
  assert.equal(got.version, '1.2.1')
  assert.equal(got.sum, 7)
})
