import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PythonRandom } from '../src/ml/python-random.js'
import { runOracle } from './helpers/oracle.js'

// Each program seeds random.seed(s) and runs a list of calls; the oracle replays the same list
// with CPython's random module and we compare every result.
type Op =
  | ['random']
  | ['getrandbits', number]
  | ['randrange', number, number?, number?]
  | ['randint', number, number]
  | ['sample', number, number]
  | ['shuffle', number]
  | ['choice', number]

interface Program {
  seed: string
  ops: Op[]
}

const ORACLE = `
import random
out = []
for prog in ARGS['programs']:
    r = random.Random(int(prog['seed']))
    res = []
    for op in prog['ops']:
        name = op[0]
        if name == 'random': res.append(r.random())
        elif name == 'getrandbits': res.append(str(r.getrandbits(op[1])))
        elif name == 'randrange': res.append(r.randrange(*op[1:]))
        elif name == 'randint': res.append(r.randint(op[1], op[2]))
        elif name == 'sample': res.append(r.sample(list(range(op[1])), op[2]))
        elif name == 'shuffle':
            x = list(range(op[1])); r.shuffle(x); res.append(x)
        elif name == 'choice': res.append(r.choice(list(range(op[1]))))
    out.append(res)
errors = []
for n, k in ARGS['bad_samples']:
    try:
        random.Random(0).sample(list(range(n)), k); errors.append(None)
    except ValueError as e:
        errors.append(str(e))
print(json.dumps({'results': out, 'errors': errors}))
`

function runOurs(prog: Program): unknown[] {
  const r = new PythonRandom(BigInt(prog.seed))
  return prog.ops.map((op): unknown => {
    switch (op[0]) {
      case 'random':
        return r.random()
      case 'getrandbits':
        return String(op[1] <= 53 ? r.getrandbits(op[1]) : r.getrandbitsBigInt(op[1]))
      case 'randrange':
        return op[2] === undefined ? r.randrange(op[1]) : r.randrange(op[1], op[2], op[3])
      case 'randint':
        return r.randint(op[1], op[2])
      case 'sample':
        return r.sample(
          Array.from({ length: op[1] }, (_, i) => i),
          op[2],
        )
      case 'shuffle': {
        const x = Array.from({ length: op[1] }, (_, i) => i)
        r.shuffle(x)
        return x
      }
      case 'choice':
        return r.choice(Array.from({ length: op[1] }, (_, i) => i))
    }
  })
}

// Sample sizes chosen around CPython's pool/set switch: setsize = 21 (+ 4^ceil(log4(3k)) for k > 5).
const SAMPLES: Array<[number, number]> = [
  [10, 4],
  [30, 25],
  [3000, 10],
  [100, 100],
  [21, 5],
  [22, 5],
  [22, 3],
  [85, 6],
  [86, 6],
  [1045, 100],
  [1046, 100],
  [5, 0],
  [1, 1],
  [64, 64],
  [200000, 500],
  [1000, 999],
]

function programs(): Program[] {
  const seeds = [
    ...Array.from({ length: 24 }, (_, i) => String(i)),
    '-1',
    '-12345',
    '4294967295',
    '4294967296',
    '123456789012345',
    String(2n ** 70n + 5n),
    String(-(2n ** 64n)),
  ]
  return seeds.map((seed, s) => {
    const ops: Op[] = [['random'], ['random']]
    for (const k of [0, 1, 5, 31, 32, 33, 52, 53, 64, 100]) ops.push(['getrandbits', k])
    for (const n of [1, 2, 3, 7, 8, 10, 1000, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1]) ops.push(['randrange', n])
    ops.push(['randrange', -5, 17], ['randrange', 3, 100, 7], ['randrange', 100, 3, -7], ['randrange', 0, 10, 3])
    ops.push(['randint', 1, 6], ['randint', -3, 3], ['randint', 0, 0])
    // Rotate through the sample sizes so every seed exercises several of them.
    for (let j = 0; j < 5; j++) ops.push(['sample', ...SAMPLES[(s + j) % SAMPLES.length]!])
    ops.push(['shuffle', 1], ['shuffle', 2], ['shuffle', 10 + s], ['shuffle', 1000])
    ops.push(['choice', 1], ['choice', 17], ['random'])
    return { seed, ops }
  })
}

test('PythonRandom matches CPython random call for call (random, getrandbits, randrange, randint, sample, shuffle, choice)', () => {
  const progs = programs()
  const badSamples: Array<[number, number]> = [
    [3, 4],
    [0, 1],
    [5, -1],
  ]
  const oracle = runOracle<{ results: unknown[][]; errors: Array<string | null> }>(
    ORACLE,
    {},
    {
      programs: progs,
      bad_samples: badSamples,
    },
  )
  progs.forEach((prog, i) => {
    const ours = runOurs(prog)
    prog.ops.forEach((op, j) => {
      assert.deepEqual(ours[j], oracle.results[i]![j], `seed ${prog.seed}, op ${j} ${JSON.stringify(op)}`)
    })
  })
  badSamples.forEach(([n, k], i) => {
    assert.equal(oracle.errors[i], 'Sample larger than population or is negative')
    assert.throws(
      () =>
        new PythonRandom(0).sample(
          Array.from({ length: n }, (_, j) => j),
          k,
        ),
      {
        message: oracle.errors[i]!,
      },
    )
  })
})

test("every sample size in the list hits both of CPython's branches somewhere", () => {
  // Guards the list above: the set branch needs n > 21 + (k > 5 ? 4^ceil(log4(3k)) : 0).
  const setsize = (k: number): number => 21 + (k > 5 ? 4 ** Math.ceil(Math.log(3 * k) / Math.log(4)) : 0)
  const branches = new Set(SAMPLES.map(([n, k]) => (n <= setsize(k) ? 'pool' : 'set')))
  assert.deepEqual([...branches].sort(), ['pool', 'set'])
})

test('seeds: 0 and -0 and |s| agree, bigint and number seeds agree', () => {
  const a = new PythonRandom(12345).random()
  assert.equal(new PythonRandom(-12345).random(), a)
  assert.equal(new PythonRandom(12345n).random(), a)
  assert.equal(new PythonRandom(0).random(), 0.8444218515250481)
  assert.throws(() => new PythonRandom(1.5), /integer/)
})
