// Stands in for @types/express in a project that does not have it: tsconfig.json maps 'express' here, and this
// file is not a module, so `import 'express'` finds nothing, as it would there.
