// The types of `import … from 'ringjwt/testing'` (testing.mjs): testing.d.ts's, declared as an ES module so that
// TypeScript's node16/nodenext resolution reads them as the ESM entry they describe. The default export is the
// CommonJS module.
import * as testing from './testing.js'

export * from './testing.js'
export default testing
