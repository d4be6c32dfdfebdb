'use strict'
// The package as npm sees it: the `exports` map (CommonJS and ESM entries, types), named ESM imports of the
// package root, the platform packages in npm/, and a tarball that holds everything the install-time build needs
// and nothing it does not. (`npm run check:package` installs the tarballs in new projects, with and without Rust.)

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
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

  test('ringjwt/testing: named imports are the CommonJS exports, and every one is declared', () => {
    const result = node([
      '--input-type=module',
      '--eval',
      `
        import * as ns from 'ringjwt/testing'
        import { createRequire } from 'node:module'
        const require = createRequire(import.meta.url)
        const cjs = require('ringjwt/testing')
        process.stdout.write(JSON.stringify({
          names: Object.keys(ns).filter((name) => name !== 'default').sort(),
          sameObjects: Object.keys(cjs).every((name) => ns[name] === cjs[name]),
          require: require.resolve('ringjwt/testing'),
          import: import.meta.resolve('ringjwt/testing'),
        }))
      `,
    ])
    const testing = require('../testing')
    expect(result).toEqual({
      names: Object.keys(testing).sort(),
      sameObjects: true,
      require: path.join(root, 'testing.js'),
      import: `file://${path.join(root, 'testing.mjs')}`,
    })
    const declarations = fs.readFileSync(path.join(root, 'testing.d.ts'), 'utf8')
    for (const name of Object.keys(testing)) {
      expect(declarations).toMatch(new RegExp(`^export declare (?:function|const) ${name}\\b`, 'm'))
    }
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
          fastifyRequire: require.resolve('ringjwt/fastify'),
          fastifyImport: import.meta.resolve('ringjwt/fastify'),
        }))
      `,
    ])
    expect(result).toEqual({
      require: path.join(root, 'index.js'),
      import: `file://${path.join(root, 'index.mjs')}`,
      manifest: path.join(root, 'package.json'),
      fastifyRequire: path.join(root, 'fastify.js'),
      fastifyImport: `file://${path.join(root, 'fastify.mjs')}`,
    })
  })
})

describe('ringjwt/fastify', () => {
  test('import and require give the same plugin', () => {
    const result = node([
      '--input-type=module',
      '--eval',
      `
        import fastifyJwt, { fastifyJwt as named, TokenError } from 'ringjwt/fastify'
        import { createRequire } from 'node:module'
        const cjs = createRequire(import.meta.url)('ringjwt/fastify')
        process.stdout.write(JSON.stringify({
          same: fastifyJwt === cjs && named === cjs.fastifyJwt && TokenError === cjs.TokenError,
          plugin: typeof fastifyJwt,
        }))
      `,
    ])
    expect(result).toEqual({ same: true, plugin: 'function' })
  })

  test('Fastify and @fastify/cookie are optional peers, never dependencies', () => {
    expect(pkg.peerDependenciesMeta.fastify).toEqual({ optional: true })
    expect(pkg.peerDependenciesMeta['@fastify/cookie']).toEqual({ optional: true })
    expect(Object.keys(pkg.dependencies)).not.toContain('fastify')
  })
})

describe('package.json', () => {
  test('the root entry: import and require, each with its own types, each an existing file', () => {
    expect(pkg.main).toBe('index.js')
    expect(pkg.exports['.']).toEqual({
      import: { types: './index.d.mts', default: './index.mjs' },
      require: { types: './index.d.ts', default: './index.js' },
    })
    expect(pkg.types).toBe('index.d.ts')
    expect(pkg.exports['./package.json']).toBe('./package.json')
  })

  // TypeScript reads a .d.ts beside a CommonJS package as CommonJS: the ESM entry needs .d.mts types, or the
  // types of `import` are CommonJS's ("masquerading as CJS"). `npm run check:package` runs attw and publint.
  test.each(Object.keys(pkg.exports).filter((entry) => entry !== './package.json'))(
    '%s: ESM and CommonJS, each with types of its own module format, every file in the tarball',
    (entry) => {
      const { import: esm, require: cjs } = pkg.exports[entry]
      expect([esm.types, esm.default, cjs.types, cjs.default].map((file) => path.extname(file))).toEqual([
        '.mts',
        '.mjs',
        '.ts',
        '.js',
      ])
      for (const file of [esm.types, esm.default, cjs.types, cjs.default]) {
        expect(fs.existsSync(path.join(root, file))).toBe(true)
        expect(pkg.files).toContain(file.slice(2))
      }
    },
  )

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

  // The `install` script runs only in a clone (npm runs the root project's own scripts): scripts/package.js leaves
  // it out of the published package.json.
  test('`npm install` in a clone builds the addon, with the same script as `npm run build`', () => {
    expect(pkg.scripts.install).toBe('node scripts/build.js')
    expect(pkg.scripts.build).toBe('node scripts/build.js')
  })

  test('`dependencies` holds only what runs at run time; the build tools are for development', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@fastify/error', 'express-unless', 'fastify-plugin', 'ms'])
    expect(Object.keys(pkg.devDependencies)).toContain('@napi-rs/cli')
  })

  test('the LICENSE is the licence package.json names', () => {
    expect(pkg.license).toBe('MIT')
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')
    expect(license.split('\n').slice(0, 3)).toEqual(['MIT License', '', 'Copyright (c) 2026 the ringjwt authors'])
  })

  // `npm install` in a clone builds the checkout's code: a platform package listed here would bring a published
  // binary into it. scripts/package.js adds them to the packed manifest.
  test('lists no platform packages: they are added when packing', () => {
    expect(pkg.optionalDependencies).toBeUndefined()
  })

  test('publishing this folder is refused: a release publishes the tarballs, which list the platform packages', () => {
    const child = spawnSync('npm', ['publish', '--dry-run'], { cwd: root, encoding: 'utf8' })
    expect(child.status).toBe(1)
    expect(child.stderr).toContain(
      'Publish the tarballs in dist/ (npm run package; see Releasing in the README): this folder lacks the platform ' +
        'packages.\n',
    )
  })
})

describe('the platform packages in npm/', () => {
  const triples = fs.readdirSync(path.join(root, 'npm')).sort()
  const LIBC = { gnu: 'glibc', musl: 'musl' }

  test('one per platform of the release matrix', () => {
    expect(triples).toEqual([
      'darwin-arm64',
      'darwin-x64',
      'linux-arm64-gnu',
      'linux-arm64-musl',
      'linux-x64-gnu',
      'linux-x64-musl',
      'win32-x64-msvc',
    ])
    // The release workflow names Rust targets; napi-rs names each binary after the platform it fits.
    const rustTarget = {
      'darwin-arm64': 'aarch64-apple-darwin',
      'darwin-x64': 'x86_64-apple-darwin',
      'linux-arm64-gnu': 'aarch64-unknown-linux-gnu',
      'linux-arm64-musl': 'aarch64-unknown-linux-musl',
      'linux-x64-gnu': 'x86_64-unknown-linux-gnu',
      'linux-x64-musl': 'x86_64-unknown-linux-musl',
      'win32-x64-msvc': 'x86_64-pc-windows-msvc',
    }
    const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'release.yml'), 'utf8')
    const built = [...workflow.matchAll(/^ {12}target: (\S+)$/gm)].map(([, target]) => target).sort()
    expect(built).toEqual(triples.map((triple) => rustTarget[triple]).sort())
  })

  // No version: scripts/package.js gives each the main package's own when it packs them.
  test.each(triples)('%s: npm installs it only where it fits, and it holds only the addon', (triple) => {
    const dir = path.join(root, 'npm', triple)
    const platform = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
    const [os, cpu, abi] = triple.split('-')
    const addon = `ringjwt.${triple}.node`
    expect(platform).toEqual({
      name: `@ringjwt/${triple}`,
      description: expect.stringMatching(
        /^The ringjwt native addon for .+\. Installed by ringjwt, not for direct use\.$/,
      ),
      license: pkg.license,
      os: [os],
      cpu: [cpu],
      ...(LIBC[abi] ? { libc: [LIBC[abi]] } : {}),
      main: addon,
      files: [addon],
      engines: pkg.engines,
      publishConfig: { access: 'public' },
    })
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(new RegExp(`^# @ringjwt/${triple}\n`))
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
    const needed = ['package.json', 'Cargo.toml', 'Cargo.lock', 'build.rs', '.cargo/config.toml', 'scripts/build.js']
    const rust = filesUnder('src').filter((file) => file.endsWith('.rs'))
    expect(rust).toContain('src/lib.rs')
    expect([...needed, ...rust].filter((file) => !packed.has(file))).toEqual([])
  })

  test('holds the entry points, the JavaScript layer and the types', () => {
    const js = filesUnder('lib').filter((file) => file.endsWith('.js') || file.endsWith('.d.mts'))
    expect(js).toContain('lib/native.js')
    // The named exports the .d.mts entries give as their default export.
    expect(js).toContain('lib/types/index.d.mts')
    const entries = ['index', 'express', 'fastify'].flatMap((name) => [`${name}.js`, `${name}.mjs`, `${name}.d.ts`])
    const needed = [...entries, ...js]
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

  test('leaves out build output, prebuilt addons, platform packages, tests and development files', () => {
    const unwanted = [...packed].filter((file) =>
      /^(?:target|node_modules|dist|npm|__test__|benchmark|examples|\.ci|\.github)\/|\.node$|^package-lock\.json$|^eslint\.config\.js$|^scripts\/(?!build\.js$)/.test(
        file,
      ),
    )
    expect(unwanted).toEqual([])
  })
})

describe('the release tarballs: scripts/package.js --artifacts', () => {
  const triples = fs.readdirSync(path.join(root, 'npm')).sort()
  let tmp
  let packed

  // What a release's build jobs upload: one addon per platform (stand-ins here: packing only copies them).
  function artifacts(dir, only = triples) {
    fs.mkdirSync(dir)
    for (const triple of only) fs.writeFileSync(path.join(dir, `ringjwt.${triple}.node`), `addon for ${triple}`)
    return dir
  }

  function packRelease(artifactDir, out) {
    const script = path.join(root, 'scripts', 'package.js')
    return spawnSync(process.execPath, [script, '--artifacts', artifactDir, '--out', out], { encoding: 'utf8' })
  }

  const tarball = (file) => path.join(tmp, 'out', file)
  const list = (file) =>
    spawnSync('tar', ['-tzf', tarball(file)], { encoding: 'utf8' })
      .stdout.split('\n')
      .sort()
  const read = (file, member) => spawnSync('tar', ['-xzOf', tarball(file), member], { encoding: 'utf8' }).stdout

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-release-'))
    packed = packRelease(artifacts(path.join(tmp, 'artifacts')), path.join(tmp, 'out'))
  })
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  test('the main package and one package per platform', () => {
    expect(packed.status).toBe(0)
    expect(fs.readdirSync(path.join(tmp, 'out')).sort()).toEqual(
      [`ringjwt-${pkg.version}.tgz`, ...triples.map((triple) => `ringjwt-${triple}-${pkg.version}.tgz`)].sort(),
    )
  })

  test('the main package: package.json with every platform package pinned to its own version, no install script', () => {
    const published = JSON.parse(read(`ringjwt-${pkg.version}.tgz`, 'package/package.json'))
    expect(pkg.scripts.install).toBe('node scripts/build.js')
    // Only the build from source of the development scripts; no devDependencies.
    const { scripts, devDependencies, ...kept } = pkg
    expect(Object.keys(devDependencies).length).toBeGreaterThan(0)
    expect(scripts.start).toBeDefined()
    expect(published).toEqual({
      ...kept,
      scripts: { build: 'node scripts/build.js' },
      optionalDependencies: Object.fromEntries(triples.map((triple) => [`@ringjwt/${triple}`, pkg.version])),
    })
  })

  test('the main package: the files npm publishes from the repository, the LICENSE among them, and no addon', () => {
    const child = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
    const fromRepository = JSON.parse(child.stdout)[0].files.map((file) => `package/${file.path}`)
    expect(list(`ringjwt-${pkg.version}.tgz`)).toEqual(['', ...fromRepository].sort())
    expect(fromRepository).toContain('package/LICENSE')
    expect(read(`ringjwt-${pkg.version}.tgz`, 'package/LICENSE')).toBe(
      fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'),
    )
  })

  test.each(triples)('%s: its package.json with the version, its README, the LICENSE, its addon', (triple) => {
    const file = `ringjwt-${triple}-${pkg.version}.tgz`
    const addon = `ringjwt.${triple}.node`
    expect(list(file)).toEqual(['', 'package/LICENSE', 'package/README.md', 'package/package.json', `package/${addon}`])
    expect(read(file, 'package/LICENSE')).toBe(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'))
    const { name, ...rest } = JSON.parse(fs.readFileSync(path.join(root, 'npm', triple, 'package.json'), 'utf8'))
    expect(JSON.parse(read(file, 'package/package.json'))).toEqual({ name, version: pkg.version, ...rest })
    expect(read(file, `package/${addon}`)).toBe(`addon for ${triple}`)
  })

  test('a release without one of the platforms is refused, and nothing is packed', () => {
    const partial = artifacts(path.join(tmp, 'partial'), triples.slice(1))
    const out = path.join(tmp, 'partial-out')
    const child = packRelease(partial, out)
    expect(child.status).toBe(1)
    const missing = path.join(partial, `ringjwt.${triples[0]}.node`)
    expect(child.stderr).toBe(`package: ${missing} is missing: every platform is released together\n`)
    expect(fs.existsSync(out)).toBe(false)
  })
})
