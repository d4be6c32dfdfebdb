'use strict'
// Token extractors for `getToken`, after passport-jwt's ExtractJwt: each factory checks its argument once and
// returns `(req) => token | undefined`. They read the raw request (headers, url), so they work the same on
// Express 4, Express 5 and plain node:http; only fromBodyField needs a body parser.

const { optionError } = require('./errors')

// The request's headers, or none: an extractor given something that is not a request finds no token.
function headersOf(req) {
  const headers = req?.headers
  return headers !== null && typeof headers === 'object' ? headers : {}
}

function nonEmptyString(value) {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function requireName(value, what) {
  if (typeof value !== 'string' || value === '') throw optionError(`${what} must be a non-empty string`)
  return value
}

// `Authorization: <scheme> <token>`, the scheme compared case-insensitively and any run of spaces or tabs
// between the two.
function fromAuthHeaderWithScheme(scheme) {
  const expected = requireName(scheme, 'The auth scheme').toLowerCase()
  return function authHeaderWithScheme(req) {
    const value = headersOf(req).authorization
    if (typeof value !== 'string') return undefined
    const match = /^(\S+)[ \t]+(\S+)$/.exec(value.trim())
    if (match === null || match[1].toLowerCase() !== expected) return undefined
    return match[2]
  }
}

function fromAuthHeaderAsBearerToken() {
  return fromAuthHeaderWithScheme('bearer')
}

// The whole value of a header (Node lowercases header names, so the name is matched in lowercase).
function fromHeader(headerName) {
  const name = requireName(headerName, 'The header name').toLowerCase()
  return function header(req) {
    return nonEmptyString(headersOf(req)[name])
  }
}

// The first value of a query parameter, read from the request URL.
function fromUrlQueryParameter(parameterName) {
  const name = requireName(parameterName, 'The query parameter name')
  return function urlQueryParameter(req) {
    const url = req?.url
    const start = typeof url === 'string' ? url.indexOf('?') : -1
    if (start === -1) return undefined
    const end = url.indexOf('#', start)
    const query = new URLSearchParams(end === -1 ? url.slice(start + 1) : url.slice(start + 1, end))
    return nonEmptyString(query.get(name))
  }
}

// A field of the parsed body (express.json(), express.urlencoded() or any parser that sets `req.body`).
function fromBodyField(fieldName) {
  const name = requireName(fieldName, 'The body field name')
  return function bodyField(req) {
    const body = req?.body
    if (body === null || typeof body !== 'object' || !Object.hasOwn(body, name)) return undefined
    return nonEmptyString(body[name])
  }
}

function decodeCookieValue(raw) {
  let value = raw.trim()
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

// A cookie: from `req.cookies` when cookie-parser has set it, else read from the Cookie header itself.
function fromCookie(cookieName) {
  const name = requireName(cookieName, 'The cookie name')
  return function cookie(req) {
    const cookies = req?.cookies
    if (cookies !== null && typeof cookies === 'object') {
      return Object.hasOwn(cookies, name) ? nonEmptyString(cookies[name]) : undefined
    }
    const header = headersOf(req).cookie
    if (typeof header !== 'string') return undefined
    for (const pair of header.split(';')) {
      const equals = pair.indexOf('=')
      if (equals !== -1 && pair.slice(0, equals).trim() === name) {
        return nonEmptyString(decodeCookieValue(pair.slice(equals + 1)))
      }
    }
    return undefined
  }
}

// The first token any of the extractors finds, trying them in order. An extractor may return a promise; the
// result is then a promise too.
function fromExtractors(extractors) {
  // A dense copy first: some() skips the holes of a sparse array.
  const list = Array.isArray(extractors) ? Array.from(extractors) : null
  if (list === null || list.some((extractor) => typeof extractor !== 'function')) {
    throw optionError('fromExtractors expects an array of functions')
  }
  function tryFrom(req, index) {
    for (let i = index; i < list.length; i++) {
      const token = list[i](req)
      if (token !== null && typeof token === 'object' && typeof token.then === 'function') {
        return Promise.resolve(token).then((value) => value || tryFrom(req, i + 1))
      }
      if (token) return token
    }
    return undefined
  }
  return function firstOf(req) {
    return tryFrom(req, 0)
  }
}

module.exports = {
  fromAuthHeaderAsBearerToken,
  fromAuthHeaderWithScheme,
  fromHeader,
  fromUrlQueryParameter,
  fromBodyField,
  fromCookie,
  fromExtractors,
}
