/**
 * Kysely, as the server imports it. At run time this module is one bundled file
 * (scripts/bundle-vendor.mjs): the package's 263 ES modules cost ~0.2 s of CPU at every start of
 * `serve`, `worker` and the organizer's commands; bundled, ~10 ms. Types come from the package.
 */
export * from 'kysely'
