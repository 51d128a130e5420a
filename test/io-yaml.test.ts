/**
 * YAML is read as the official tools read it (PyYAML's safe_load, YAML 1.1): each document is
 * parsed here and by Debian's PyYAML under /usr/bin/python3, and the two must agree exactly.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseYaml } from '../src/io/yaml.js'
import { tempFolder } from './helpers/temp-folder.js'

function pyyaml(text: string): unknown {
  const out = execFileSync(
    '/usr/bin/python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))'],
    { input: text },
  )
  return JSON.parse(out.toString())
}

const DOCUMENTS: Record<string, string> = {
  'the official speech config':
    'selection_random_seed: 0\neval_random_seeds: [5, 69, 98, 70, 95, 64, 37, 11, 4, 32]\nselection_algorithm_module: "selection.implementations.baseline_selection"\nselection_algorithm_class: "BaselineSelection"\n',
  'the official vision task_setup':
    'spark_driver_memory: 6g\ndata_dir: data/\nemb_file: embeddings/train_emb_256_dataperf.parquet\nCupcake: [train_sets/Cupcake.csv, test_sets/alpha_test_set_Cupcake_256.parquet]\nresults_dir: results\ndim: 256\neval_tasks: [Cupcake, Hawk, Sushi]\ndocker_data_dir: data\n',
  'parameters with URLs and checks':
    'en_embeddings_url: http://dataperf.s3.amazonaws.com/speech-selection/dataperf_eng_data.zip\nen_embeddings_size: 1_234_567\nen_embeddings_md5: 0123456789\nn_random: 20\nn_closest: 50\n',
  // MSWC has the keywords on, off, yes, no: as YAML 1.1 keys and values they are booleans
  'keywords that YAML 1.1 reads as booleans':
    'targets:\n  on: [on/common_voice_en_1.wav]\n  Off: [off/common_voice_en_2.wav]\n  yes: []\nnontargets: [no, n, y, NO, On, TRUE, False]\n',
  'numbers the two YAML versions read differently':
    'a: 017\nb: 09\nc: 0b101\nd: 0x1F\ne: 1:20\nf: 1e3\ng: 1.5e+3\nh: .5\ni: 1_000\nj: -0\nk: +12\nl: 1.0e3\nn: 12:30:45.5\n',
  'nulls, dates and quoted values': 'a: ~\nb: null\nc:\nd: 2026-11-29\ne: "yes"\nf: \'017\'\n',
}

for (const [name, text] of Object.entries(DOCUMENTS)) {
  test(`YAML as PyYAML reads it: ${name}`, () => {
    assert.deepEqual(JSON.parse(JSON.stringify(parseYaml(text))), pyyaml(text))
  })
}

test('the YAML 1.1 booleans (and not y/n) are booleans; a leading-zero decimal is a string', () => {
  assert.deepEqual(parseYaml('[yes, no, on, off, y, n, 09, 1e3]'), [true, false, true, false, 'y', 'n', '09', '1e3'])
})

test('readYamlFile answers a text read before from the cache, without loading the yaml package', (t) => {
  const dir = tempFolder('yaml-cache')
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'task_setup.yaml')
  // a separate process per read, as each command is: did it load the package, and what did it read?
  const read = (): { value: unknown; loaded: boolean; nan: boolean } => {
    const script = `
      import { createRequire } from 'node:module'
      import { readYamlFile } from ${JSON.stringify(new URL('../src/io/yaml.js', import.meta.url).href)}
      const value = readYamlFile(${JSON.stringify(file)})
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('/node_modules/yaml/'))
      console.log(JSON.stringify({ value, loaded, nan: Number.isNaN(value.a) }))`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DATAPERF_CACHE_DIR: join(dir, 'cache') },
    })
    return JSON.parse(out.toString()) as { value: unknown; loaded: boolean; nan: boolean }
  }
  const setup = DOCUMENTS['the official vision task_setup']!
  writeFileSync(file, setup)
  const first = read()
  assert.equal(first.loaded, true)
  assert.deepEqual(first.value, parseYaml(setup))
  const again = read()
  assert.equal(again.loaded, false, 'the second read parsed the file again')
  assert.deepEqual(again.value, first.value)
  // another text is parsed (the cache is keyed by the text itself, not the file's name or time)
  const changed = setup.replace('dim: 256', 'dim: 512')
  writeFileSync(file, changed)
  const third = read()
  assert.equal(third.loaded, true)
  assert.deepEqual(third.value, parseYaml(changed))
  assert.equal(readdirSync(join(dir, 'cache', 'yaml')).length, 2, 'one cache file per text')
  // a value JSON cannot hold is never cached: parsed each time, and read as the parser reads it
  writeFileSync(file, 'a: .nan\n')
  for (const r of [read(), read()]) {
    assert.equal(r.loaded, true)
    assert.equal(r.nan, true)
  }
  assert.equal(readdirSync(join(dir, 'cache', 'yaml')).length, 2)
})
