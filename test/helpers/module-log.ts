/**
 * Preload (`node --import`) that records which modules a process loads, in $DATAPERF_MODULE_LOG:
 * every ES module through the loader's hooks, and at exit every CommonJS file in require's cache
 * (packages such as pg load their own files with require, which the hooks do not see).
 */
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread } from 'node:worker_threads'

const log = process.env['DATAPERF_MODULE_LOG']
if (log && isMainThread) {
  register(new URL('./module-log-hooks.js', import.meta.url))
  const cache = createRequire(import.meta.url).cache
  process.on('exit', () => {
    const files = Object.keys(cache).map((f) => pathToFileURL(f).href)
    if (files.length) appendFileSync(log, files.join('\n') + '\n')
  })
}
