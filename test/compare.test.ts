/**
 * `dataperf compare`: runs the algorithms over generated benchmarks, prints mean ± std per task and
 * overall, and writes a self-contained HTML report (chart, table, the pool's projection with each
 * algorithm's picks; no external resources). Small benchmarks keep it quick.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from './helpers/cli.js'
import { tempFolder } from './helpers/temp-folder.js'

test('compare --track speech: table with every leaderboard, and an HTML report', () => {
  const dir = tempFolder('compare')
  const r = runCli(
    [
      'compare',
      '--track',
      'speech',
      '--algorithms',
      'random,coreset',
      '--seeds',
      '2',
      '--scale',
      '0.15',
      '--out',
      'report.html',
      '--work-dir',
      'work',
    ],
    dir,
  )
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.match(lines[0]!, /speech comparison: macro F1, mean ± std over 2 generator seed\(s\) \(1, 2\)/)
  assert.match(lines[1]!, /^algorithm\s+en 25\s+en 60\s+id 25\s+id 60\s+pt 25\s+pt 60\s+overall\s+selection time$/)
  for (const [i, name] of ['random', 'coreset'].entries()) {
    const cells = lines[2 + i]!.match(/\d\.\d{3} ± \d\.\d{3}/g)
    assert.ok(lines[2 + i]!.startsWith(name) && cells?.length === 7, lines[2 + i])
  }
  assert.match(r.stderr, /\[\d+\/24\] seed 2, pt 60, coreset/) // progress, one line per step off a terminal
  const html = readFileSync(join(dir, 'report.html'), 'utf8')
  assert.match(html, /^<!doctype html>/)
  assert.ok((html.match(/<svg /g) ?? []).length >= 3, 'a chart and one projection panel per algorithm')
  assert.match(html, /coreset \(2\d selected\)/)
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained')
  const json = runCli(
    [
      'compare',
      '--track',
      'speech',
      '--algorithms',
      'random',
      '--seeds',
      '1',
      '--scale',
      '0.15',
      '--out',
      'r2.html',
      '--work-dir',
      'work',
      '--json',
    ],
    dir,
  )
  const doc = JSON.parse(json.stdout) as { scores: Record<string, number[][]>; tasks: string[] }
  assert.equal(doc.tasks.length, 6)
  assert.equal(doc.scores['random']![0]!.length, 1)
})

test('compare: an unknown algorithm is one clear error', () => {
  const dir = tempFolder('compare')
  const r = runCli(['compare', '--track', 'vision', '--algorithms', 'random,magic', '--seeds', '1'], dir)
  assert.equal(r.code, 2)
  assert.match(r.stderr, /^dataperf: error: unknown vision algorithm 'magic'; built in: random, weak-labels/)
})

test('compare --track vision: table per concept, and a projection whose first axis points towards the examples', async () => {
  const { compareVision } = await import('../src/compare/vision.js')
  const dir = tempFolder('compare-vision')
  const result = await compareVision({ algorithms: ['random', 'centroid'], seeds: [1], workDir: dir, poolSize: 3000 })
  assert.deepEqual(result.tasks, ['Cupcake', 'Hawk', 'Sushi'])
  for (const a of ['random', 'centroid'])
    for (const perSeed of result.scores[a]!) assert.ok(perSeed.length === 1 && perSeed[0]! >= 0 && perSeed[0]! <= 1)
  const p = result.projection!
  assert.equal(p.axes?.[0], 'towards the example images')
  const n = p.points.length / 2
  // centroid labels 1 the images nearest the examples' centroid: they sit far along the first axis
  const rows = p.selected['centroid']!,
    labels = p.selectedClasses!['centroid']!
  const positives = Array.from(rows).filter((_, k) => labels[k] === 1)
  const positiveMean = positives.reduce((s, i) => s + p.points[2 * i]!, 0) / positives.length
  const xs = Array.from({ length: n }, (_, i) => p.points[2 * i]!).sort((a, b) => a - b)
  const p90 = xs[Math.floor(0.9 * n)]!
  assert.ok(positiveMean > p90, `positives at ${positiveMean}, the pool's 90th percentile at ${p90}`)
})
