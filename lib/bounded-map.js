'use strict'
// The one shape of every bounded in-memory cache in lib/: a Map that holds at most `limit` entries. Setting a new key
// into a full map first drops the entry that has been in it longest (a Map keeps insertion order), so a cache that
// sees endless distinct keys holds a bounded number of them and never empties itself wholesale: under churn each new
// key costs one eviction, not every entry parsed or built again at once.
//
// boundedMap(limit) drops the oldest entry (FIFO): a hit is Map.prototype.get and nothing more.
// boundedMap(limit, { refreshOnHit: true }) drops the least recently used one (LRU): a get() that finds its key
// moves the entry to the newest place (a delete and a set on the hit, as a hand-written LRU does).
//
// Values are never undefined: get() answers undefined for a key it does not hold. has() is a look, not a use.

class BoundedMap extends Map {
  constructor(limit) {
    super()
    if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError('a bounded map needs a positive integer limit')
    this.limit = limit
  }

  set(key, value) {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value)
    return super.set(key, value)
  }
}

// Map's own methods, called directly: a hit's refresh needs no bound check.
const mapGet = Map.prototype.get
const mapSet = Map.prototype.set
const mapDelete = Map.prototype.delete

class LruMap extends BoundedMap {
  get(key) {
    const value = mapGet.call(this, key)
    if (value !== undefined) {
      mapDelete.call(this, key)
      mapSet.call(this, key, value)
    }
    return value
  }

  // A key set again is the newest too.
  set(key, value) {
    if (!mapDelete.call(this, key) && this.size >= this.limit) mapDelete.call(this, this.keys().next().value)
    return mapSet.call(this, key, value)
  }
}

function boundedMap(limit, { refreshOnHit = false } = {}) {
  return refreshOnHit ? new LruMap(limit) : new BoundedMap(limit)
}

module.exports = { boundedMap }
