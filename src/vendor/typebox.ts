/**
 * TypeBox (the API's JSON Schemas, server/wire.ts), as the server imports it. At run time this
 * module is one bundled file (scripts/bundle-vendor.mjs): the package's 373 ES modules cost ~0.4 s
 * of CPU at every start of `serve`; bundled, ~10 ms. Types come from the package.
 */
export { default } from 'typebox'
export * from 'typebox'
