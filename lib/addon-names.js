'use strict'
// The names of the native addon for a platform triple (`<platform>-<arch>[-abi]`, as napi-rs names it): the prebuilt
// platform package npm installs, and the addon's file, in that package or in the package root for a build from
// source. The loader (lib/native.js) and the release packaging (scripts/package.js) both read them here.

const addonNames = (triple) => ({ prebuilt: `@ringjwt/${triple}`, file: `ringjwt.${triple}.node` })

module.exports = { addonNames }
