'use strict'
// `sign` and `verify` as native functions bound to their signer or verifier (src/binding/bound.rs): the same
// answers and the same errors as the addon's `sign(handle, …)` and `verify(handle, …)` for every kind of argument,
// and bound functions made and collected by the thousand without harm to the process.

const { spawnSync } = require('node:child_process')
const native = require('../lib/native')
const { signingKey, verifyingKey } = require('../lib/keys')
const { nativeSigner } = require('../lib/sign')
const { nativeVerifier } = require('../lib/verify')

const SECRET = 'a secret of thirty-two or more characters'
const HEADER = '{"alg":"HS256","typ":"JWT"}'
const NOW = 1_700_000_000

// What a call gives: its value, or its error's class, code and message.
function outcome(call) {
  try {
    return { value: call() }
  } catch (err) {
    return { error: [err.constructor.name, err.code, err.message] }
  }
}

const HOSTILE = [
  [],
  [undefined, undefined],
  [null, null],
  [1, 2],
  [{}, []],
  [Symbol('s'), 'x'],
  [10n, 'x'],
  [{ toString: () => HEADER }, '{}'],
  [() => HEADER, '{}'],
  [HEADER, '{}', 'one more'],
  ['not json', '{}'],
  [HEADER, '\ud800 lone surrogate'],
]

describe('bound sign', () => {
  const handle = signingKey(SECRET).native.signer('HS256', false)
  const bound = native.boundSign(handle)

  test('signs as the addon function does', () => {
    const token = bound(HEADER, '{"sub":"u1"}')
    expect(token).toBe(native.sign(handle, HEADER, '{"sub":"u1"}'))
    expect(token.split('.')).toHaveLength(3)
  })

  test.each(HOSTILE.map((args) => [args]))('arguments %p: the same outcome as the addon function', (args) => {
    expect(outcome(() => bound(...args))).toEqual(outcome(() => native.sign(handle, ...args)))
  })

  test('a value that is not a string is an error naming its type', () => {
    expect(() => bound(HEADER, 42)).toThrow(
      expect.objectContaining({
        code: 'StringExpected',
        message: 'Failed to convert JavaScript value `Number 42 ` into rust type `String`',
      }),
    )
  })

  test("is what the compiled signer's sign calls", () => {
    expect(nativeSigner(signingKey(SECRET), 'HS256').sign(HEADER, '{}')).toBe(native.sign(handle, HEADER, '{}'))
  })
})

describe('bound verify', () => {
  const verifier = nativeVerifier(verifyingKey(SECRET), { algorithms: ['HS256'] })
  const token = native.sign(signingKey(SECRET).native.signer('HS256', false), HEADER, `{"sub":"u1","exp":${NOW + 60}}`)

  test('verifies as the addon function does', () => {
    expect(verifier.verify(token, NOW)).toBe(native.verify(verifier.handle, token, NOW))
  })

  test.each([
    ['expired', [token, NOW + 120]],
    ['no time', [token]],
    ['the time as a string', [token, '1700000000']],
    ['NaN for the time', [token, NaN]],
    ['a number for the token', [1, NOW]],
    ['no arguments', [undefined, undefined]],
    ['three parts that are not a token', ['a.b.c', NOW]],
    ['a tampered signature', [`${token}x`, NOW]],
    ['no signature', [token.replace(/\.[^.]+$/, '.'), NOW]],
  ])('%s: the same outcome as the addon function', (_, args) => {
    expect(outcome(() => verifier.verify(...args))).toEqual(outcome(() => native.verify(verifier.handle, ...args)))
  })

  test('a refusal carries its code in the native error', () => {
    const { error } = outcome(() => verifier.verify(token, NOW + 120))
    expect(error.slice(0, 2)).toEqual(['Error', 'GenericFailure'])
    expect(error[2].startsWith('ERR_JWT_EXPIRED\u001f')).toBe(true)
  })
})

test('thousands of bound functions made and collected leave the process well', () => {
  const script = `
    const ringjwt = require(${JSON.stringify(require.resolve('..'))})
    let tokens = 0
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3000; i++) {
        const key = 'secret number ' + round + '-' + i + ' padded to thirty-two characters'
        const token = ringjwt.createSigner({ key }).sign({ i })
        if (ringjwt.createVerifier({ key, algorithms: ['HS256'] }).verify(token).i === i) tokens++
      }
      global.gc()
    }
    process.stdout.write(String(tokens))
  `
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' })
  expect(child.stderr).toBe('')
  expect(child.status).toBe(0)
  expect(child.stdout).toBe('12000')
})
