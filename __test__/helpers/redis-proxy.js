'use strict'
// A TCP proxy on 127.0.0.1 in front of a Redis server, to run a store's command twice as a client does when it
// re-sends it. It passes bytes both ways as they come, except for the one command it is armed for: the first chunk
// a client sends, once armed, whose text matches `match` (a RegExp on the command as sent, in RESP):
//   dropReply(match)  the command reaches Redis and runs; its reply is dropped and the client's connection closed,
//                     as a network fault loses a reply. ioredis reconnects and sends the command again (its
//                     `autoResendUnfulfilledCommands`, on by default), so Redis runs it a second time.
//   runTwice(match)   the command runs first on a connection of the proxy's own, whose reply is thrown away, then on
//                     the client's: Redis runs it twice with the same arguments, as a client that re-sends or
//                     retries it would have it run (node-redis rejects a command whose connection was lost, and
//                     sends it no more).
// A NOSCRIPT reply (EVALSHA of a script Redis has not cached yet) leaves the proxy armed: the store then sends the
// script's EVAL, which is the command that runs. `fired` counts the commands run twice so far.

const net = require('node:net')

const HOST = '127.0.0.1'
const QUIET = 30 // ms without more reply bytes after which a command run aside has answered in full

const noScript = (text) => text.startsWith('-NOSCRIPT')

// Runs `chunk` (one or more commands) on a new connection to the server; resolves with the reply text.
function runAside(port, chunk) {
  return new Promise((resolve, reject) => {
    const aside = net.connect(port, HOST)
    let reply = ''
    let timer
    aside.on('data', (data) => {
      reply += data.toString('latin1')
      clearTimeout(timer)
      timer = setTimeout(() => {
        aside.destroy()
        resolve(reply)
      }, QUIET)
    })
    aside.on('error', reject)
    aside.on('close', () => {
      clearTimeout(timer)
      resolve(reply)
    })
    aside.write(chunk)
  })
}

function startProxy(port) {
  let armed = null // { mode: 'drop' | 'twice', match }
  const sockets = new Set()
  const proxy = {
    fired: 0,
    dropReply(match) {
      armed = { mode: 'drop', match }
    },
    runTwice(match) {
      armed = { mode: 'twice', match }
    },
    // Disarms the proxy; the number of commands it ran twice since the last reset.
    reset() {
      const fired = proxy.fired
      armed = null
      proxy.fired = 0
      return fired
    },
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(port, HOST)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }
    let dropping = null // the arming whose command's reply is to be dropped
    let queue = Promise.resolve() // what the client sent, in order, while a command runs aside
    const forward = async (chunk) => {
      const arming = armed
      if (arming !== null && arming.match.test(chunk.toString('latin1'))) {
        armed = null
        if (arming.mode === 'drop') {
          dropping = arming
        } else if (noScript(await runAside(port, chunk))) {
          armed = arming
        } else {
          proxy.fired += 1
        }
      }
      if (!upstream.destroyed) upstream.write(chunk)
    }
    client.on('data', (chunk) => {
      queue = queue.then(() => forward(chunk))
    })
    upstream.on('data', (chunk) => {
      if (dropping !== null) {
        const arming = dropping
        dropping = null
        if (noScript(chunk.toString('latin1'))) {
          armed = arming
        } else {
          proxy.fired += 1
          client.destroy()
          upstream.destroy()
          return
        }
      }
      client.write(chunk)
    })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  return new Promise((resolve) => {
    server.listen(0, HOST, () => {
      proxy.port = server.address().port
      proxy.url = `redis://${HOST}:${proxy.port}`
      proxy.close = () =>
        new Promise((done) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => done())
        })
      resolve(proxy)
    })
  })
}

module.exports = { startProxy }
