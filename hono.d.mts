// The types of `import … from 'ringjwt/hono'` (hono.mjs): hono.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export holds every
// function and class, as hono.mjs's does.
// Its named exports only (lib/types/hono.d.mts): a namespace of the CommonJS declarations would also have a
// `default` member, which the module does not have.
import * as hono from './lib/types/hono.mjs'

export * from './hono.js'
export default hono
