// The smoke suite's few tools: cases registered with `test`, run one after another by `run`, which prints one line
// per case and a closing "N passed, N failed" line and gives the exit code. Plain node:assert, so that the same
// files run on Node, Bun and Deno without a test framework.
import assert from 'node:assert/strict'
import http from 'node:http'
import process from 'node:process'

export const runtime = globalThis.Bun ? 'bun' : globalThis.Deno ? 'deno' : 'node'
export const runtimeVersion =
  runtime === 'bun' ? globalThis.Bun.version : runtime === 'deno' ? globalThis.Deno.version.deno : process.versions.node

const cases = []

export function test(name, fn) {
  cases.push({ name, fn })
}

// Runs every case (20 s each at most), prints the summary and exits: servers a failed case left open do not keep
// the process alive.
export async function run(suites) {
  let passed = 0
  let failed = 0
  for (const { name, fn } of cases) {
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20_000)
    })
    try {
      await Promise.race([fn(), timeout])
      passed += 1
      console.log(`ok    ${name}`)
    } catch (err) {
      failed += 1
      console.log(`FAIL  ${name}\n      ${String(err?.stack ?? err).replace(/\n/g, '\n      ')}`)
    } finally {
      clearTimeout(timer)
    }
  }
  if (cases.length === 0) failed += 1
  console.log(`${runtime} ${runtimeVersion} (${suites.join(', ')}): ${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

// An error of class `Class` with this `code` and `message`, thrown by `fn` or rejected by the Promise it returns.
export async function expectError(fn, Class, code, message) {
  let thrown
  try {
    await fn()
  } catch (err) {
    thrown = err
  }
  assert.ok(thrown !== undefined, `expected ${Class.name} ${code}, but nothing was thrown`)
  assert.ok(thrown instanceof Class, `expected a ${Class.name}, got ${thrown?.name}: ${thrown?.message}`)
  assert.equal(thrown.code, code)
  assert.equal(thrown.message, message)
  return thrown
}

// Serves `handler` (a fetch-style function: Request in, Response out) on a free port of 127.0.0.1 with the
// runtime's own HTTP server: Bun.serve, Deno.serve, or node:http on Node. Returns { url, close }.
export async function serve(handler) {
  if (runtime === 'bun') {
    const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler })
    return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) }
  }
  if (runtime === 'deno') {
    const listening = Promise.withResolvers()
    const server = globalThis.Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: listening.resolve }, handler)
    const { port } = await listening.promise
    return { url: `http://127.0.0.1:${port}`, close: () => server.shutdown() }
  }
  const server = http.createServer(async (req, res) => {
    const response = await handler(
      new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers }),
    )
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  return listen(server)
}

// A node:http server (Express's, say) listening on a free port of 127.0.0.1. Returns { url, close }.
export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => server.close(done)),
      })
    })
  })
}
