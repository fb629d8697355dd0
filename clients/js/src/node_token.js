// Node only (tests and tools): mints a token the way yihu-token does (HS256 JWT over the node's secret; claims in
// docs/api.md, "Identity"). Browsers never hold the secret, so index.js does not export this.
import { createHmac } from 'node:crypto';

function base64url(data) {
  return Buffer.from(data).toString('base64url');
}

export function signToken(
  secret,
  { subject, role, skills = [], teams = [], tier = 'registered', ttlSeconds = 3600, now = Date.now() },
) {
  const iat = Math.floor(now / 1000);
  const payload = { sub: subject, role, tier, iat, exp: iat + ttlSeconds, skills, teams };
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
