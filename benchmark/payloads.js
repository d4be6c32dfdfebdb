'use strict'
// The claims every benchmark script uses: a small payload (5 claims), a large flat one (40 claims, about 1.2 KB) and
// a nested one of the same size, as identity providers issue them (an address and a tenant as objects, arrays of
// roles, groups, `amr` and permissions, URLs and long strings).
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
  const nested = {
    iss: 'https://login.example-idp.com/6f1d2b8c-4f7e-4a55-9b7e-2a3c9d1e0f42/v2.0',
    sub: 'auth0|5f7c8ec7c33c6c004bbafe82',
    aud: ['https://api.example.com', 'https://orders.example.com'],
    azp: 'spa-client-8d2f0a',
    iat: now,
    exp: now + 3600,
    auth_time: now - 120,
    jti: '0b9c1f7e-2d4a-4c3b-8e6f-7a1d2c3b4e5f',
    sid: 'c0ffee00-1234-5678-9abc-def012345678',
    nonce: 'n-0S6_WzA2Mj',
    acr: 'urn:mace:incommon:iap:silver',
    amr: ['pwd', 'mfa', 'otp'],
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    email_verified: true,
    picture: 'https://cdn.example-idp.com/avatars/5f7c8ec7c33c6c004bbafe82/profile-256x256.png?v=1699999999',
    locale: 'en-GB',
    address: {
      street_address: '221B Baker Street',
      locality: 'London',
      region: 'Greater London',
      postal_code: 'NW1 6XE',
      country: 'GB',
    },
    tenant: { id: 'acme-corporation', name: 'ACME Corporation', plan: 'enterprise', region: 'eu-west-1' },
    roles: ['admin', 'editor', 'viewer', 'billing-manager'],
    groups: ['engineering', 'platform-team', 'on-call', 'eu-staff'],
    permissions: [
      'orders:read',
      'orders:write',
      'invoices:read',
      'invoices:approve',
      'users:read',
      'users:invite',
      'reports:export',
    ],
    scope: 'openid profile email offline_access orders:read orders:write',
    'https://example.com/claims/org': { id: 42, slug: 'acme', verified: true, seats: 250 },
  }
  return { small, large: JSON.parse(JSON.stringify(large)), nested: JSON.parse(JSON.stringify(nested)) }
}

module.exports = { payloads }
