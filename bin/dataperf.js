#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli/main.ts by `npm run build` (run on `npm install`).
import { main } from '../dist/src/cli/main.js'

main(process.argv).then((code) => {
  process.exitCode = code
})
