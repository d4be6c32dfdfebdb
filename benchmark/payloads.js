'use strict'
// The claims every benchmark script uses: a small payload (5 claims) and a large one (40 claims, about 1.2 KB).
// `iat` and `exp` are set here, so every library signs the same claims (none of them adds its own).

function payloads(now = Math.floor(Date.now() / 1000)) {
  const small = { sub: 'user-1234', name: 'Jane Doe', admin: true, iat: now, exp: now + 3600 }

  const large = {
    sub: 'user-1234',
    iss: 'https://auth.example.com',
    aud: 'https://api.example.com',
    iat: now,
    exp: now + 3600,
    jti: '6f1d2b8c-4f7e-4a55-9b7e-2a3c9d1e0f42',
    name: 'Jane Doe',
    given_name: 'Jane',
    family_name: 'Doe',
    email: 'jane.doe@example.com',
    email_verified: true,
    locale: 'en-GB',
    zoneinfo: 'Europe/London',
    tenant: 'acme-corporation',
    roles: ['admin', 'editor', 'viewer'],
    scope: 'openid profile email orders:read orders:write',
    session: 'c0ffee00-1234-5678-9abc-def012345678',
  }
  // Feature flags and quotas, as such tokens tend to carry, up to 40 claims in all.
  for (let i = 0; Object.keys(large).length < 40; i++) {
    const name = `feature_flag_${String(i).padStart(2, '0')}`
    large[name] = i % 3 === 0 ? 1_000_000 + i * 7919 : i % 3 === 1 ? i % 2 === 0 : `plan-${i}-enterprise-annual`
  }
  // Built key by key, `large` is a dictionary-mode object in V8; the claims apps sign come from object literals
  // or JSON.parse, which have fast properties. A JSON round trip gives the benchmark that shape.
  return { small, large: JSON.parse(JSON.stringify(large)) }
}

module.exports = { payloads }
