const REDACTED = '[REDACTED]';
const SECRET_KEY = /(password|passwd|secret|token|authorization|api[-_]?key|private[-_]?key|credential)/i;
const SECRET_VALUE = [
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/, // JWT
  /\b[a-z2-7]{52}\b/, // classic Azure DevOps PAT (base32, 52 characters)
  /\b[A-Za-z0-9]{76,86}AZDO[A-Za-z0-9]{4,}\b/, // newer Azure DevOps PAT format
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/i,
  /\bBasic\s+[A-Za-z0-9+/]{16,}=*/i,
];

/**
 * A copy of a raw item safe to show in Port's UI: values under secret-looking keys (at any depth
 * below one, so `DeployToken: {value: …}` and `apiKeys: […]` too), values that look like tokens,
 * and any occurrence of a configured secret become `[REDACTED]`.
 */
export function redact(value: unknown, secrets: readonly string[], key?: string): unknown {
  return redactIn(value, secrets, key !== undefined && SECRET_KEY.test(key));
}

function redactIn(value: unknown, secrets: readonly string[], underSecretKey: boolean): unknown {
  if (typeof value === 'string') {
    if (underSecretKey && value.length > 0) return REDACTED;
    if (SECRET_VALUE.some((pattern) => pattern.test(value))) return REDACTED;
    return secrets.some((secret) => secret.length >= 4 && value.includes(secret)) ? REDACTED : value;
  }
  if (typeof value === 'number' && underSecretKey) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactIn(v, secrets, underSecretKey));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactIn(v, secrets, underSecretKey || SECRET_KEY.test(k));
    return out;
  }
  return value;
}
