'use strict'
// Throwaway Redis servers (the Debian package) on 127.0.0.1 and free ports, without persistence, each working in
// a temporary directory that is removed when it stops: one node (startRedis), a Cluster of three primaries with a
// replica each (startCluster), and a primary with a replica watched by three sentinels (startSentinel). Jest's
// global setup (setup/global-setup.js) finds redis-server and redis-cli or installs them; without them, starting
// fails with a message that says how to provide them.

const { spawn, execFile } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const { program } = require('./system')
const START_ATTEMPTS = 5
const HOST = '127.0.0.1'

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

// Resolves once the server says it accepts connections (a sentinel: that it has its id); rejects if it exits
// first (a port taken meanwhile).
function launch(args) {
  const ready = args.includes('--sentinel') ? 'Sentinel ID is' : 'Ready to accept connections'
  const child = spawn(program('redis-server'), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk) => {
      output += chunk
      if (output.includes(ready)) {
        child.stdout.off('data', onData)
        child.off('exit', onExit)
        child.stdout.resume()
        resolve(child)
      }
    }
    const onExit = (code) => reject(new Error(`redis-server exited with code ${code}:\n${output}`))
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk) => (output += chunk))
    child.once('exit', onExit)
    child.once('error', reject)
  })
}

// Resolves once the process has exited (at once if it already has).
function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

// One redis-server on a free port, started with `args` (or, for a sentinel, a config file written from `config`).
// The handle:
//   url, port
//   down()    stops the server (SIGTERM) and resolves once it has exited; clients see the connection close
//   up()      starts it again on the same port (empty: no persistence, so scripts and keys are gone)
//   restart() down() then up()
//   kill()    SIGKILL, as a crashed host: nothing is flushed, nothing is said to the replicas
//   freeze()  SIGSTOP: the server keeps its connections but answers nothing, as a hung host would
//   thaw()    SIGCONT
//   cli(...)  runs redis-cli against it and resolves with its output
//   stop()    down(), and the directory goes
async function startServer({ args = [], sentinel } = {}) {
  program('redis-server')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringjwt-redis-'))
  let lastError
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort()
    const common = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir]
    let argv = [...common, ...args]
    if (sentinel !== undefined) {
      const file = path.join(dir, 'sentinel.conf')
      fs.writeFileSync(file, `port ${port}\nbind ${HOST}\ndir ${dir}\n${sentinel}\n`)
      argv = [file, '--sentinel']
    }
    let child
    let frozen = false
    try {
      child = await launch(argv)
    } catch (err) {
      lastError = err
      continue
    }
    const down = async () => {
      if (frozen) child.kill('SIGCONT')
      frozen = false
      const done = exited(child)
      child.kill('SIGTERM')
      await done
    }
    const up = async () => {
      child = await launch(argv)
    }
    return {
      url: `redis://${HOST}:${port}`,
      port,
      down,
      up,
      restart: async () => {
        await down()
        await up()
      },
      kill: async () => {
        const done = exited(child)
        child.kill('SIGKILL')
        await done
      },
      freeze: () => {
        frozen = true
        child.kill('SIGSTOP')
      },
      thaw: () => {
        frozen = false
        child.kill('SIGCONT')
      },
      cli: (...command) => cli(port, command),
      stop: async () => {
        await down()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  throw lastError
}

function cli(port, command) {
  return new Promise((resolve, reject) => {
    execFile(program('redis-cli'), ['-h', HOST, '-p', String(port), ...command], (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    )
  })
}

// A field of INFO (or CLUSTER INFO) output.
const field = (text, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim()

// Waits, a bounded number of times, for `condition` to hold.
async function until(condition, what, { tries = 300, every = 100 } = {}) {
  for (let i = 0; i < tries; i++) {
    if (
      await Promise.resolve()
        .then(condition)
        .catch(() => false)
    )
      return
    await new Promise((resolve) => setTimeout(resolve, every))
  }
  throw new Error(`gave up waiting for ${what}`)
}

const startRedis = () => startServer()

async function stopAll(servers) {
  await Promise.all(servers.map((server) => server.stop().catch(() => {})))
}

// Three primaries with a replica each, every slot covered. `nodes` are the six servers; `primaries()` and
// `replicas()` ask them who is what now (a failover changes it). A failed primary is noticed after
// NODE_TIMEOUT ms, and its replica takes over soon after.
const NODE_TIMEOUT = 2000

async function startCluster() {
  program('redis-cli')
  const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']
  args.push('--cluster-node-timeout', String(NODE_TIMEOUT))
  const nodes = await Promise.all(Array.from({ length: 6 }, () => startServer({ args })))
  try {
    const addresses = nodes.map((node) => `${HOST}:${node.port}`)
    await cli(nodes[0].port, ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'])
    const healthy = async () => {
      const infos = await Promise.all(nodes.map((node) => node.cli('cluster', 'info')))
      if (!infos.every((info) => field(info, 'cluster_state') === 'ok')) return false
      const links = await Promise.all(nodes.map((node) => node.cli('info', 'replication')))
      return links.filter((info) => field(info, 'master_link_status') === 'up').length === 3
    }
    await until(healthy, 'the cluster to be ready')
  } catch (err) {
    await stopAll(nodes)
    throw err
  }
  const byRole = async (role) => {
    const roles = await Promise.all(nodes.map((node) => node.cli('role').catch(() => '')))
    return nodes.filter((node, i) => roles[i].split('\n')[0] === role)
  }
  // The primary that serves `key`'s slot now, as the live nodes see it (CLUSTER NODES: id, address, flags, primary,
  // ..., then the slot ranges).
  const primaryFor = async (key) => {
    const slot = Number(await firstAlive('cluster', 'keyslot', key))
    for (const line of (await firstAlive('cluster', 'nodes')).split('\n')) {
      const [, address, flags, , , , , , ...ranges] = line.split(' ')
      if (!flags.includes('master') || flags.includes('fail')) continue
      const serves = ranges.some((range) => {
        const [from, to = from] = range.split('-').map(Number)
        return slot >= from && slot <= to
      })
      if (serves) return nodes.find((node) => address.startsWith(`${HOST}:${node.port}@`))
    }
    return undefined
  }
  const firstAlive = async (...command) => {
    for (const node of nodes) {
      const reply = await node.cli(...command).catch(() => null)
      if (reply !== null && reply !== '') return reply
    }
    throw new Error('no cluster node answers')
  }
  return {
    nodes,
    primaryFor,
    // The replica (a server of `nodes`) of a primary.
    replicaOf: async (primary) => {
      const port = Number(/slave0:ip=[^,]+,port=(\d+)/.exec(await primary.cli('info', 'replication'))[1])
      return nodes.find((node) => node.port === port)
    },
    rootNodes: nodes.map((node) => ({ host: HOST, port: node.port })),
    primaries: () => byRole('master'),
    replicas: () => byRole('slave'),
    // Every slot served again (after a failover, say).
    healthy: () =>
      until(async () => {
        const infos = await Promise.all(nodes.map((node) => node.cli('cluster', 'info').catch(() => null)))
        return infos.filter(Boolean).every((info) => field(info, 'cluster_state') === 'ok')
      }, 'the cluster to serve every slot'),
    stop: () => stopAll(nodes),
  }
}

// A primary and a replica, watched by three sentinels (quorum 2) as SENTINEL_NAME. A primary that stops answering
// is down after DOWN_AFTER ms, and the replica is promoted soon after. `primaryArgs` go to the primary only.
const SENTINEL_NAME = 'mymaster'
const DOWN_AFTER = 1000

async function startSentinel({ primaryArgs = [] } = {}) {
  const primary = await startServer({ args: primaryArgs })
  const replica = await startServer({ args: ['--replicaof', HOST, String(primary.port)] })
  const servers = [primary, replica]
  try {
    const config = [
      `sentinel monitor ${SENTINEL_NAME} ${HOST} ${primary.port} 2`,
      `sentinel down-after-milliseconds ${SENTINEL_NAME} ${DOWN_AFTER}`,
      `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
      `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
    ].join('\n')
    const sentinels = await Promise.all([0, 1, 2].map(() => startServer({ sentinel: config })))
    servers.push(...sentinels)
    await until(
      async () => field(await replica.cli('info', 'replication'), 'master_link_status') === 'up',
      'the replica to sync',
    )
    await until(async () => {
      const views = await Promise.all(sentinels.map((s) => s.cli('sentinel', 'master', SENTINEL_NAME)))
      return views.every((view) => /num-slaves\n1\n/.test(view) && /num-other-sentinels\n2\n/.test(view))
    }, 'the sentinels to see the replica and each other')
    return {
      primary,
      replica,
      sentinels,
      name: SENTINEL_NAME,
      sentinelNodes: sentinels.map((s) => ({ host: HOST, port: s.port })),
      // The port the sentinels give for the primary now.
      primaryPort: async () =>
        Number((await sentinels[0].cli('sentinel', 'get-master-addr-by-name', SENTINEL_NAME)).split('\n')[1]),
      stop: () => stopAll(servers),
    }
  } catch (err) {
    await stopAll(servers)
    throw err
  }
}

// Runs `body`, the text of an async function's body with `ringjwt` and `client` (a node-redis client connected to
// `url`) in scope, in a Node process of its own; prints what it returns, then quits the client. Resolves with what
// the process wrote and how it ended: what a test reads of a process's exit and its stderr (warnings). A process
// still running after 20 s is killed.
function runWithRedis(url, body) {
  const script = `
    const { createClient } = require('redis')
    const ringjwt = require(${JSON.stringify(path.resolve(__dirname, '..', '..'))})
    const client = createClient({ url: process.argv[1] })
    client.connect().then(async () => {
      console.log(await (async () => {${body}})())
      await client.quit()
    })`
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, url], { timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, exit: err ? (err.killed ? 'still running after 20 s' : err.code) : 0 })
    })
  })
}

module.exports = { startRedis, startCluster, startSentinel, runWithRedis, until, field, HOST }
