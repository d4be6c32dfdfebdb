'use strict'
// `sign` and `verify` as native functions bound to their signer or verifier (src/binding/bound.rs): their answers
// and their errors for every kind of argument (the conversions and messages of the addon's other functions), and
// bound functions made and collected by the thousand without harm to the process.

const { spawnSync } = require('node:child_process')
const { createHmac } = require('node:crypto')
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

// The HS256 token of a header and payload text, made with node:crypto.
function hs256(header, payload) {
  const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`
}

const notString = (value) => ({
  error: ['Error', 'StringExpected', `Failed to convert JavaScript value \`${value}\` into rust type \`String\``],
})
const notNumber = (value) => ({
  error: ['Error', 'NumberExpected', `Failed to convert napi value ${value} into rust type \`f64\``],
})
const refused = (text) => ({ error: ['Error', 'GenericFailure', text.replaceAll('|', '\u001f')] })

describe('bound sign', () => {
  const sign = nativeSigner(signingKey(SECRET), 'HS256').sign

  test('signs the header and payload texts as written', () => {
    expect(sign(HEADER, '{"sub":"u1"}')).toBe(hs256(HEADER, '{"sub":"u1"}'))
  })

  test.each([
    ['no arguments', [], notString('Undefined')],
    ['undefined', [undefined, undefined], notString('Undefined')],
    ['null', [null, null], notString('Null')],
    ['numbers', [1, 2], notString('Number 1 ')],
    ['an object and an array', [{}, []], notString('Object {}')],
    ['a symbol', [Symbol('s'), 'x'], notString('Symbol')],
    ['a BigInt', [10n, 'x'], notString('Unknown')],
    ['an object with toString', [{ toString: () => HEADER }, '{}'], notString('Object {}')],
    ['a function', [() => HEADER, '{}'], notString('function anonymous(..) ')],
    ['one argument more', [HEADER, '{}', 'one more'], { value: hs256(HEADER, '{}') }],
    ['a header that is not JSON', ['not json', '{}'], { value: hs256('not json', '{}') }],
    [
      'a lone surrogate, as U+FFFD',
      [HEADER, '\ud800 lone surrogate'],
      { value: hs256(HEADER, '\ufffd lone surrogate') },
    ],
  ])('%s', (_, args, expected) => {
    expect(outcome(() => sign(...args))).toEqual(expected)
  })
})

describe('bound verify', () => {
  const verifier = nativeVerifier(verifyingKey(SECRET), { algorithms: ['HS256'] })
  const payload = `{"sub":"u1","exp":${NOW + 60}}`
  const token = hs256(HEADER, payload)

  test('returns the payload text of a token it accepts', () => {
    expect(verifier.verify(token, NOW)).toBe(payload)
  })

  test.each([
    ['expired', [token, NOW + 120], refused(`ERR_JWT_EXPIRED|jwt expired|${NOW + 60}`)],
    ['no time', [token], notNumber('Undefined')],
    ['the time as a string', [token, '1700000000'], notNumber('String')],
    ['a number for the token', [1, NOW], notString('Number 1 ')],
    ['no arguments', [undefined, undefined], notString('Undefined')],
    ['three parts that are not a token', ['a.b.c', NOW], refused('ERR_JWT_MALFORMED|invalid token')],
    ['a tampered signature', [`${token}x`, NOW], refused('ERR_JWS_SIGNATURE_INVALID|invalid signature')],
    [
      'no signature',
      [token.replace(/\.[^.]+$/, '.'), NOW],
      refused('ERR_JWS_SIGNATURE_REQUIRED|jwt signature is required'),
    ],
  ])('%s', (_, args, expected) => {
    expect(outcome(() => verifier.verify(...args))).toEqual(expected)
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
