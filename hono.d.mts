// The types of `import … from 'ringjwt/hono'` (hono.mjs): hono.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export holds every
// function and class, as hono.mjs's does.
import * as hono from './hono.js'

export * from './hono.js'
export default hono
