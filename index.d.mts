// The types of `import … from 'ringjwt'` (index.mjs): index.d.ts's, declared as an ES module so that TypeScript's
// node16/nodenext resolution reads them as the ESM entry they describe. The default export is the CommonJS module.
// Its named exports only (lib/types/index.d.mts): a namespace of the CommonJS declarations would also have a
// `default` member, which the module does not have.
import * as ringjwt from './lib/types/index.mjs'

export * from './index.js'
export default ringjwt
