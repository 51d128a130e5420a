/**
 * One owner per fact (issue 13 item 10): the official file names, folder names and column names of
 * each track are spelled in its layout module only (vision/layout.ts, speech/layout.ts); every
 * other module imports them. A second spelling elsewhere in src/ fails here, naming the file.
 * (Names inside prose, help texts and URLs are not definitions and are not matched: the quoted
 * forms below are what a definition looks like.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from './helpers/paths.js'

const OWNERS: Record<string, string[]> = {
  'src/vision/layout.ts': [
    "'ImageID'",
    "'Confidence'",
    "'LabelName'",
    "'embedding'",
    "'Source'",
    "'DisplayName'",
    "'OriginalURL'",
    "'task_setup.yaml'",
    "'eval_tasks'",
    "'results_dir'",
    'train_emb_256_dataperf',
    'alpha_test_set_',
    'alpha_example_set_',
    "'metadata/train-annotations-human-imagelabels.csv'",
  ],
  'src/speech/layout.ts': [
    "'clip_id'",
    "'mswc_embedding_vector'",
    "'allowed_training_set.yaml'",
    "'eval.yaml'",
    "'train_embeddings'",
    "'eval_embeddings'",
    "'dataperf_speech_config.yaml'",
    "['en', 'id', 'pt']",
  ],
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? sources(path) : e.name.endsWith('.ts') ? [path] : []
  })
}

/** The code without its comments (names in prose are fine). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
    .join('\n')
}

test("each official file, folder and column name is spelled only in its track's layout module", () => {
  const files = sources(join(REPO_ROOT, 'src')).map((path) => ({
    name: relative(REPO_ROOT, path),
    text: code(readFileSync(path, 'utf8')),
  }))
  const strays: string[] = []
  for (const [owner, facts] of Object.entries(OWNERS)) {
    const own = files.find((f) => f.name === owner)
    assert.ok(own, owner)
    for (const fact of facts) {
      assert.ok(own.text.includes(fact), `${owner} spells ${fact}`)
      for (const f of files)
        if (f.name !== owner && f.text.includes(fact)) strays.push(`${f.name}: ${fact} (owned by ${owner})`)
    }
  }
  assert.deepEqual(strays, [])
})
