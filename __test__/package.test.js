'use strict'
// The package as npm sees it: the `exports` map (CommonJS and ESM entries, types), named ESM imports of the
// package root, and a tarball that holds everything the install-time build needs and nothing it does not.
// (scripts/consumer-check.js installs that tarball in a new project, which takes a full build.)

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const jwt = require('..')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

function node(args) {
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  return JSON.parse(child.stdout)
}

describe('ESM', () => {
  // Resolved through the package's own name (self-reference), so the `exports` map is what is tested.
  test('named imports of the package root are the CommonJS exports', () => {
    const result = node([
      '--input-type=module',
      '--eval',
      `
        import * as ns from 'ringjwt'
        import ringjwt, { sign, verify, decode, JsonWebTokenError } from 'ringjwt'
        import { createRequire } from 'node:module'
        const cjs = createRequire(import.meta.url)('ringjwt')
        const token = sign({ sub: 'u1' }, 'esm-secret', { noTimestamp: true })
        let error
        try { verify(token, 'other') } catch (err) { error = err }
        process.stdout.write(JSON.stringify({
          names: Object.keys(ns).filter((name) => name !== 'default').sort(),
          sameObjects: Object.keys(cjs).every((name) => ns[name] === cjs[name]),
          defaultIsCjs: ringjwt === cjs,
          payload: verify(token, 'esm-secret'),
          decoded: decode(token),
          errorClass: error instanceof JsonWebTokenError && error.code,
        }))
      `,
    ])
    expect(result).toEqual({
      names: Object.keys(jwt).sort(),
      sameObjects: true,
      defaultIsCjs: true,
      payload: { sub: 'u1' },
      decoded: { sub: 'u1' },
      errorClass: 'ERR_JWS_SIGNATURE_INVALID',
    })
  })

  test('require and import resolve to the entries package.json names', () => {
    const result = node([
      '--input-type=module',
      '--eval',
      `
        import { createRequire } from 'node:module'
        const require = createRequire(import.meta.url)
        process.stdout.write(JSON.stringify({
          require: require.resolve('ringjwt'),
          import: import.meta.resolve('ringjwt'),
          manifest: require.resolve('ringjwt/package.json'),
        }))
      `,
    ])
    expect(result).toEqual({
      require: path.join(root, 'index.js'),
      import: `file://${path.join(root, 'index.mjs')}`,
      manifest: path.join(root, 'package.json'),
    })
  })
})

describe('package.json', () => {
  test('the root entry: types, import and require, each an existing file', () => {
    expect(pkg.main).toBe('index.js')
    expect(pkg.exports['.']).toEqual({ types: './index.d.ts', import: './index.mjs', require: './index.js' })
    expect(pkg.types).toBe('index.d.ts')
    for (const target of Object.values(pkg.exports['.'])) expect(fs.existsSync(path.join(root, target))).toBe(true)
    expect(pkg.exports['./package.json']).toBe('./package.json')
  })

  test('index.d.ts declares every runtime export', () => {
    // Declarations in index.d.ts and in the files it re-exports with `export * from`.
    const read = (file) => fs.readFileSync(path.join(root, file), 'utf8')
    let text = read('index.d.ts')
    for (const [, target] of text.matchAll(/^export \* from '(\.\/[^']+)'/gm)) text += read(`${target}.d.ts`)
    const declared = new Set(
      [...text.matchAll(/^export (?:declare )?(?:function|const|class|let|var) (\w+)/gm)].map(([, name]) => name),
    )
    expect(Object.keys(jwt).filter((name) => !declared.has(name))).toEqual([])
  })

  test('the build runs at install time and needs only what `dependencies` brings', () => {
    expect(pkg.scripts.install).toBe('node scripts/build.js')
    expect(Object.keys(pkg.dependencies)).toContain('@napi-rs/cli')
    expect(pkg.engines.node).toBe('>=20')
  })
})

describe('the tarball', () => {
  let packed
  beforeAll(() => {
    // --ignore-scripts: listing the files must not run a prepack or prepare step.
    const child = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
    expect(child.status).toBe(0)
    packed = new Set(JSON.parse(child.stdout)[0].files.map((file) => file.path))
  })

  function filesUnder(dir) {
    return fs
      .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path
          .relative(root, path.join(entry.parentPath ?? entry.path, entry.name))
          .split(path.sep)
          .join('/'),
      )
  }

  test('holds what the install-time build reads', () => {
    const needed = ['package.json', 'Cargo.toml', 'Cargo.lock', 'build.rs', 'scripts/build.js']
    const rust = filesUnder('src').filter((file) => file.endsWith('.rs'))
    expect(rust).toContain('src/lib.rs')
    expect([...needed, ...rust].filter((file) => !packed.has(file))).toEqual([])
  })

  test('holds the entry points, the JavaScript layer and the types', () => {
    const js = filesUnder('lib').filter((file) => file.endsWith('.js'))
    expect(js).toContain('lib/native.js')
    const needed = ['index.js', 'index.mjs', 'index.d.ts', ...js]
    expect(needed.filter((file) => !packed.has(file))).toEqual([])
  })

  test('every relative require and import in it points at a file it holds', () => {
    const missing = []
    for (const file of packed) {
      if (!/\.(?:c|m)?js$|\.d\.ts$/.test(file)) continue
      const text = fs.readFileSync(path.join(root, file), 'utf8')
      for (const [, spec] of text.matchAll(/(?:require\(|from |import\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
        const candidates = [target, `${target}.js`, `${target}.d.ts`, `${target}/index.js`]
        if (!candidates.some((candidate) => packed.has(candidate))) missing.push(`${file} -> ${spec}`)
      }
    }
    expect(missing).toEqual([])
  })

  test('leaves out build output, prebuilt addons, tests and development files', () => {
    const unwanted = [...packed].filter((file) =>
      /^(?:target|node_modules|__test__|benchmark|examples|\.ci)\/|\.node$|^package-lock\.json$|^eslint\.config\.js$/.test(
        file,
      ),
    )
    expect(unwanted).toEqual([])
  })
})
