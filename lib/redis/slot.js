'use strict'
// The Redis Cluster hash slot of a key (CRC16/XMODEM of its hash tag, or of the whole key, modulo 16384), to find
// the node that holds it when a command names no key (WAIT) or to ask whether that node is reachable.

const TABLE = new Uint16Array(256)
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1
  TABLE[byte] = crc & 0xffff
}

// What Cluster hashes: the part between the first '{' and the next '}', when that part is not empty.
function hashTag(key) {
  const open = key.indexOf('{')
  if (open === -1) return key
  const close = key.indexOf('}', open + 1)
  return close > open + 1 ? key.slice(open + 1, close) : key
}

function keySlot(key) {
  let crc = 0
  for (const byte of Buffer.from(hashTag(key))) crc = ((crc << 8) & 0xffff) ^ TABLE[(crc >> 8) ^ byte]
  return crc % 16384
}

// `key` as a client with `keyPrefix` sends it, which is what the Cluster hashes: the client puts the prefix before
// every key its commands name. A string, or a Buffer for a Buffer prefix.
function withPrefix(keyPrefix, key) {
  if (keyPrefix === undefined || keyPrefix === null || keyPrefix === '') return key
  return Buffer.isBuffer(keyPrefix) ? Buffer.concat([keyPrefix, Buffer.from(key)]) : `${keyPrefix}${key}`
}

module.exports = { keySlot, withPrefix, hashTag }
