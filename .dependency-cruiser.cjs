/**
 * The floors of src/ (ARCHITECTURE.md), checked by `npm run lint` (npm run lint:layers): a folder
 * imports only folders on the floors below it, never a sibling on its own floor, and nothing
 * imports in a circle. Tests and benches may import anything; they are not checked.
 */

/** src/'s floors, top first: [floor name, its folders and files under src/] */
const FLOORS = [
  ['command line', ['cli']],
  ['library entry', ['index.ts']],
  ['orchestration', ['jobs']],
  ['server', ['server']],
  ['organizer', ['organizer']],
  ['reports and checks', ['compare', 'doctor']],
  ['generators and fetchers', ['synth', 'download']],
  ['tracks', ['vision', 'speech']],
  ['plugins', ['plugins']],
  ['files and kernels', ['io', 'ml']],
  ['base', ['errors.ts', 'progress.ts', 'version.ts', 'vendor']],
]

/** `^src/(a|b)(/|$)`: the modules of these folders (or these files) */
const under = (names) => `^src/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`

const floorRules = FLOORS.flatMap(([floor, names], i) => {
  const above = FLOORS.slice(0, i).flatMap(([, n]) => n)
  const rules = []
  if (above.length > 0)
    rules.push({
      name: `floor:${floor}`,
      comment: `${names.join(', ')} (${floor}) import nothing on a floor above them: ${above.join(', ')}`,
      severity: 'error',
      from: { path: under(names) },
      to: { path: under(above) },
    })
  // siblings on one floor stay apart (a track does not import the other track)
  for (const name of names)
    if (names.length > 1)
      rules.push({
        name: `floor:${floor}:${name}`,
        comment: `${name} does not import its sibling on the ${floor} floor`,
        severity: 'error',
        from: { path: under([name]) },
        to: { path: under(names.filter((n) => n !== name)) },
      })
  return rules
})

/** Inside server/, top first: composition, then routes and pages and the worker, services, the queue, the database. */
const SERVER_FLOORS = [['http', 'web', 'worker'], ['services'], ['queue'], ['db']]
const serverRules = SERVER_FLOORS.slice(1).map((names, k) => ({
  name: `server:${names.join('+')}`,
  comment: `server/${names.join(', server/')} import nothing above them in the server (routes, pages, worker, services, queue) nor its composition (serve.ts, admin.ts, index.ts, open-context.ts, start-workers.ts)`,
  severity: 'error',
  from: { path: `^src/server/(${names.join('|')})/` },
  to: {
    path: `^src/server/((${SERVER_FLOORS.slice(0, k + 1)
      .flat()
      .join('|')})/|(serve|admin|index|open-context|start-workers)\\.ts$)`,
  },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles: a module never reaches itself through its imports',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'cli-through-server-facade',
      comment:
        'cli/ reaches the server only through server/index.ts (and state-dir.ts, the import-free default its help shows)',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/server/', pathNot: '^src/server/(index|state-dir)\\.ts$' },
    },
    {
      name: 'server-facade-is-for-outside',
      comment: 'nothing inside server/ imports its facade (it would tie the server to its own entry)',
      severity: 'error',
      from: { path: '^src/server/', pathNot: '^src/server/index\\.ts$' },
      to: { path: '^src/server/index\\.ts$' },
    },
    {
      name: 'http-and-web-apart',
      comment: 'the API (http/) does not import the pages (web/); serve.ts registers both',
      severity: 'error',
      from: { path: '^src/server/http/' },
      to: { path: '^src/server/web/' },
    },
    ...serverRules,
    ...floorRules,
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves (a typo in a path, or a package that is not installed)',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // type-only imports count: a type that runs up a floor couples the floors all the same
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
