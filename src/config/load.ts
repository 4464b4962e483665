// Builds the effective configuration: schema defaults ← config file (JSON) ← environment ← command
// line. Every problem is collected and reported together before anything starts (STYLE §8).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { configSchema, type Config } from './schema.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type EnvKind = 'string' | 'port' | 'integer';

/** Environment variables and the config path each one sets. */
export const ENVIRONMENT: ReadonlyArray<[name: string, path: string[], kind: EnvKind]> = [
  ['ZORGPOST_DATA', ['dataDir'], 'string'],
  ['ZORGPOST_HOSTNAME', ['hostname'], 'string'],
  ['ZORGPOST_LISTEN_ADDRESS', ['listenAddress'], 'string'],
  ['ZORGPOST_SMTPS_PORT', ['ports', 'smtps'], 'port'],
  ['ZORGPOST_SUBMISSION_PORT', ['ports', 'submission'], 'port'],
  ['ZORGPOST_IMAPS_PORT', ['ports', 'imaps'], 'port'],
  ['ZORGPOST_POP3S_PORT', ['ports', 'pop3s'], 'port'],
  ['ZORGPOST_HTTPS_PORT', ['ports', 'https'], 'port'],
  ['ZORGPOST_LDAPS_PORT', ['ports', 'ldaps'], 'port'],
  ['ZORGPOST_LDAP_BASE_DN', ['ldap', 'baseDn'], 'string'],
  ['ZORGPOST_TLS_CERT', ['tls', 'certFile'], 'string'],
  ['ZORGPOST_TLS_KEY', ['tls', 'keyFile'], 'string'],
  ['ZORGPOST_MAX_MESSAGE_BYTES', ['limits', 'maxMessageBytes'], 'integer'],
  ['ZORGPOST_LOGIN_FAILURE_DELAY_MS', ['security', 'failureDelayMs'], 'integer'],
  ['ZORGPOST_LOG_LEVEL', ['log', 'level'], 'string'],
  ['ZORGPOST_SMS_GATEWAY', ['sms', 'gateway'], 'string'],
  ['ZORGPOST_CM_PRODUCT_TOKEN', ['sms', 'cm', 'productToken'], 'string'],
  ['ZORGPOST_SMS_WEBHOOK_SECRET', ['sms', 'webhookSecret'], 'string'],
];

export interface ConfigSources {
  configFile?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  if (sources.configFile) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(sources.configFile, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`${sources.configFile}: must contain a JSON object`);
      else raw = parsed as Record<string, unknown>;
    } catch (error) {
      problems.push(`${sources.configFile}: ${(error as Error).message}`);
    }
  }
  for (const [name, path, kind] of ENVIRONMENT) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (kind === 'string') setPath(raw, path, value);
    else if (/^\d+$/.test(value.trim())) setPath(raw, path, Number(value));
    else problems.push(`${name}=${value}: expected ${kind === 'port' ? 'a port number (0 disables)' : 'a whole number'}`);
  }
  if (sources.dataDir) raw.dataDir = sources.dataDir;
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length || !result.success) throw new ConfigError(problems);
  const config = result.data;
  const semantic = semanticProblems(config);
  if (semantic.length) throw new ConfigError(semantic);
  return {
    ...config,
    dataDir: resolve(config.dataDir),
    tls: {
      certFile: config.tls.certFile && resolve(config.tls.certFile),
      keyFile: config.tls.keyFile && resolve(config.tls.keyFile),
    },
  };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** What the schema cannot see field by field. */
function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  if (Boolean(config.tls.certFile) !== Boolean(config.tls.keyFile)) problems.push('tls: certFile and keyFile must be given together');
  if (isIP(config.listenAddress) === 0 && config.listenAddress !== 'localhost') {
    problems.push(`listenAddress: "${config.listenAddress}" is not an IP address (use "::" for all, "127.0.0.1" for this machine only)`);
  }
  const byPort = new Map<number, string[]>();
  for (const [name, port] of Object.entries(config.ports)) if (port !== 0) byPort.set(port, [...(byPort.get(port) ?? []), name]);
  for (const [port, names] of byPort) if (names.length > 1) problems.push(`ports: ${names.join(' and ')} cannot share port ${port}`);
  if (config.sms.gateway === 'cm' && !config.sms.cm.productToken) {
    problems.push('sms.cm.productToken: required when sms.gateway is "cm" (or set ZORGPOST_CM_PRODUCT_TOKEN)');
  }
  return problems;
}
