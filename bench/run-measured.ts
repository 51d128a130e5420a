/**
 * Runs one `dataperf` command in this process and reports its wall time and peak RSS as JSON
 * on the last line of stderr, so that a benchmark can measure the CLI in a fresh process.
 */
import { main } from '../src/cli/main.js'

const start = performance.now()
const code = await main(['node', 'dataperf', ...process.argv.slice(2)])
const wallMs = performance.now() - start
process.stderr.write(`\n${JSON.stringify({ code, wallMs, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`)
process.exitCode = code
