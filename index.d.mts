// The types of `import … from 'ringjwt'` (index.mjs): index.d.ts's, declared as an ES module so that TypeScript's
// node16/nodenext resolution reads them as the ESM entry they describe. The default export is the CommonJS module.
import * as ringjwt from './index.js'

export * from './index.js'
export default ringjwt
