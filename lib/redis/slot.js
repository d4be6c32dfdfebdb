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

// Whether the node whose `CLUSTER NODES` reply is `text` holds `slot` and is not moving it. In Redis's format, the
// `myself` line's fields from the ninth on are the node's slot ranges, `[slot->-id]` a slot it is migrating and
// `[slot-<-id]` one it is importing. The reply is a string, a Buffer, or (RESP3) a verbatim string object; false for
// anything else, a reply it cannot read included.
function holdsSettled(text, slot) {
  if (text === null || text === undefined || typeof text === 'number') return false
  const line = String(text)
    .split('\n')
    .find((entry) => entry.split(' ')[2]?.split(',').includes('myself'))
  if (line === undefined) return false
  let holds = false
  for (const field of line.trim().split(' ').slice(8)) {
    if (field.startsWith('[')) {
      if (field.startsWith(`[${slot}-`)) return false
      continue
    }
    const [first, last = first] = field.split('-').map(Number)
    if (first <= slot && slot <= last) holds = true
  }
  return holds
}

module.exports = { keySlot, withPrefix, hashTag, holdsSettled }
