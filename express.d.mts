// The types of `import … from 'ringjwt/express'` (express.mjs): express.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export is the
// CommonJS module.
// Its named exports only (lib/types/express.d.mts): a namespace of the CommonJS declarations would also have a
// `default` member, which the module does not have.
import * as express from './lib/types/express.mjs'

export * from './express.js'
export default express
