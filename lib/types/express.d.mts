// The named exports of express.d.ts and nothing else: an ES module's `export *` leaves out `default`, so this
// namespace, unlike `import * as` of the CommonJS declarations, has no synthesized `default` member. express.d.mts
// exports it as its default, which is the CommonJS module at run time and has no `default` either.
export * from '../../express.js'
