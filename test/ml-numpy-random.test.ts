import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NumpyRandomState, numpyRandintMaxInt32 } from '../src/ml/numpy-random.js'
import { runOracle } from './helpers/oracle.js'

// Each program builds RandomState(seed) and runs a list of calls; the oracle replays the list
// with numpy's legacy RandomState and we compare every result.
type Op =
  | ['random_sample']
  | ['randint', number]
  | ['randint2', number, number]
  | ['permutation', number]
  | ['permutation_of', number[]]
  | ['shuffle', number]
  | ['choice', number, number]
  | ['choice_of', number[], number]

interface Program {
  seed: number
  ops: Op[]
}

const ORACLE = `
out = []
for prog in ARGS['programs']:
    r = np.random.RandomState(prog['seed'])
    res = []
    for op in prog['ops']:
        name = op[0]
        if name == 'random_sample': res.append(float(r.random_sample()))
        elif name == 'randint': res.append(int(r.randint(op[1])))
        elif name == 'randint2': res.append(int(r.randint(op[1], op[2])))
        elif name == 'permutation': res.append(r.permutation(op[1]).tolist())
        elif name == 'permutation_of': res.append(r.permutation(op[1]).tolist())
        elif name == 'shuffle':
            x = list(range(op[1])); r.shuffle(x); res.append(x)
        elif name == 'choice': res.append(r.choice(op[1], op[2], replace=False).tolist())
        elif name == 'choice_of': res.append(r.choice(op[1], op[2], replace=False).tolist())
    out.append(res)
print(json.dumps({
    'results': out,
    'libsvm_seeds': [int(np.random.RandomState(s).randint(2**31 - 1)) for s in ARGS['libsvm_seeds']],
}))
`

function runOurs(prog: Program): unknown[] {
  const r = new NumpyRandomState(prog.seed)
  return prog.ops.map((op): unknown => {
    switch (op[0]) {
      case 'random_sample':
        return r.randomSample()
      case 'randint':
        return r.randint(op[1])
      case 'randint2':
        return r.randint(op[1], op[2])
      case 'permutation':
        return Array.from(r.permutation(op[1]))
      case 'permutation_of':
        return r.permutationOf(op[1])
      case 'shuffle': {
        const x = Array.from({ length: op[1] }, (_, i) => i)
        r.shuffle(x)
        return x
      }
      case 'choice':
        return Array.from(r.choiceWithoutReplacement(op[1], op[2]))
      case 'choice_of':
        return r.choiceWithoutReplacement(op[1], op[2])
    }
  })
}

function programs(): Program[] {
  const seeds = [...Array.from({ length: 20 }, (_, i) => i), 42, 69, 1234, 2 ** 31 - 1, 2 ** 32 - 1]
  return seeds.map((seed, s) => {
    const ops: Op[] = [['random_sample']]
    // Ranges on both sides of mask boundaries, the 32-bit all-ones range and 64-bit draws.
    for (const n of [
      1,
      2,
      3,
      5,
      8,
      9,
      100,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 31 + 1,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      2 ** 40 + 3,
      2 ** 53 - 1,
    ]) {
      ops.push(['randint', n])
    }
    ops.push(['randint2', -10, 10], ['randint2', 5, 6], ['randint2', -(2 ** 40), 2 ** 40])
    for (const n of [0, 1, 2, 3, 10, 17 + s, 1000]) ops.push(['permutation', n])
    ops.push(['permutation_of', [5, -3, 8, 13, 21, 0.5, 7]])
    ops.push(['shuffle', 1], ['shuffle', 25])
    ops.push(['choice', 10, 4], ['choice', 10, 10], ['choice', 1, 1], ['choice', 7, 0], ['choice', 500, 3 + s])
    ops.push(['choice_of', [3, 1, 4, 1, 5, 9, 2, 6], 3], ['choice_of', [2, 7], 2], ['random_sample'])
    return { seed, ops }
  })
}

test('NumpyRandomState matches numpy legacy RandomState call for call', () => {
  const progs = programs()
  const libsvmSeeds = [0, 1, 5, 32, 69, 123, 4294967295]
  const oracle = runOracle<{ results: unknown[][]; libsvm_seeds: number[] }>(
    ORACLE,
    {},
    {
      programs: progs,
      libsvm_seeds: libsvmSeeds,
    },
  )
  progs.forEach((prog, i) => {
    const ours = runOurs(prog)
    prog.ops.forEach((op, j) => {
      assert.deepEqual(ours[j], oracle.results[i]![j], `seed ${prog.seed}, op ${j} ${JSON.stringify(op)}`)
    })
  })
  assert.deepEqual(libsvmSeeds.map(numpyRandintMaxInt32), oracle.libsvm_seeds)
})

test('permutationOf copies; errors follow numpy', () => {
  const input = Int32Array.from([1, 2, 3, 4])
  const out = new NumpyRandomState(0).permutationOf(input)
  assert.deepEqual(Array.from(input), [1, 2, 3, 4])
  assert.deepEqual(
    Array.from(out),
    Array.from(new NumpyRandomState(0).permutation(4), (i) => input[i]),
  )
  const r = new NumpyRandomState(0)
  assert.throws(() => r.choiceWithoutReplacement(3, 4), /Cannot take a larger sample than population/)
  assert.throws(() => r.choiceWithoutReplacement(0, 1), /a must be greater than 0/)
  assert.throws(() => r.choiceWithoutReplacement([], 1), /cannot be empty/)
  assert.throws(() => r.randint(0), /low >= high/)
  assert.throws(() => new NumpyRandomState(-1), /Seed must be between 0 and 2\*\*32 - 1/)
  assert.throws(() => new NumpyRandomState(2 ** 32), /Seed must be between 0 and 2\*\*32 - 1/)
})
