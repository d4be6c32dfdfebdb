'use strict'
// Where a key ring keeps its state: one text record, read with get() and replaced with compareAndSet(expected,
// value), which writes only when the record is still `expected` (null: no record yet). That one operation is what
// keeps two instances from both making a "current" key: the second write fails, and its instance reads again.

/** The default store: the ring's state in this process only. */
function createKeyRingMemoryStore() {
  let record = null
  return {
    async get() {
      return record
    },
    async compareAndSet(expected, value) {
      if (record !== expected) return false
      record = value
      return true
    },
  }
}

module.exports = { createKeyRingMemoryStore }
