// The types of `import … from 'ringjwt/express'` (express.mjs): express.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export is the
// CommonJS module.
import * as express from './express.js'

export * from './express.js'
export default express
