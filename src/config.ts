import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting, its type and its default. Names are the environment variables. */
export const configSchema = z.object({
  PORT: port.default(8322),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^mysql:\/\/[^\s]+$/, 'must look like mysql://user:pass@host:port/db')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.,:/ -]+$/, 'must be a hop count, "loopback" or a list of addresses')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BCRYPT_ROUNDS: positiveInt(4, 15).default(10),
  SESSION_MAX_AGE_DAYS: positiveInt(1, 365).default(30),
  DB_POOL_SIZE: positiveInt(1, 100).default(10),
  LOGIN_ATTEMPTS_PER_15MIN: positiveInt(1, 10_000).default(10),
  LOGIN_ATTEMPTS_PER_IP_PER_15MIN: positiveInt(1, 100_000).default(100),
  REGISTRATIONS_PER_IP_PER_HOUR: positiveInt(1, 100_000).default(20),
  WS_MAX_CONNECTIONS_PER_USER: positiveInt(1, 100_000).default(30),
  WS_MAX_CONNECTIONS_PER_IP: positiveInt(1, 100_000).default(300),
  WS_HEARTBEAT_MS: positiveInt(1_000, 300_000).default(25_000),
  WS_MAX_BUFFERED_BYTES: positiveInt(65_536, 1_073_741_824).default(4 * 1024 * 1024),
  MESSAGES_PER_SECOND: z.coerce.number().positive().max(10_000).default(5),
  MESSAGE_BURST: positiveInt(1, 10_000).default(20),
  WS_FRAMES_PER_SECOND: positiveInt(1, 100_000).default(50),
  WS_FRAME_BURST: positiveInt(1, 100_000).default(200),
  UPLOAD_DIR: z.string().min(1).optional(),
  MAX_UPLOAD_BYTES: positiveInt(1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  UPLOAD_QUOTA_BYTES: positiveInt(1024, Number.MAX_SAFE_INTEGER).default(500 * 1024 * 1024),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(1_000, 300_000).default(20_000),
  PRESENCE_GRACE_MS: positiveInt(0, 60_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(100, 60_000).default(8_000),
});

export type ConfigInput = Partial<Record<keyof z.input<typeof configSchema>, string | number>>;

export type Config = z.output<typeof configSchema> & {
  /** Absolute paths derived from DATA_DIR. */
  dataDir: string;
  sqlitePath: string;
  uploadDir: string;
};

export class ConfigError extends Error {}

/** Parses settings: explicit overrides (tests) > environment > config.ts > defaults. */
export function parseConfig(env: NodeJS.ProcessEnv, fileOverrides: ConfigInput = {}): Config {
  const keys = Object.keys(configSchema.shape) as (keyof ConfigInput)[];
  const merged: Record<string, unknown> = {};
  for (const key of keys) {
    const fromEnv = env[key];
    merged[key] = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fileOverrides[key];
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'config');
    throw new ConfigError(`Invalid setting ${name}: ${issue.message}`);
  }
  const dataDir = path.resolve(result.data.DATA_DIR);
  const uploadDir = path.resolve(result.data.UPLOAD_DIR ?? path.join(dataDir, 'uploads'));
  return { ...result.data, dataDir, sqlitePath: path.join(dataDir, 'natter.db'), uploadDir };
}

/** Loads the optional top-level config.ts (compiled to dist/config.js), then the environment. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const compiled = path.resolve(import.meta.dirname, '..', 'config.js');
  let overrides: ConfigInput = {};
  if (existsSync(compiled)) {
    const mod = (await import(pathToFileURL(compiled).href)) as { default?: ConfigInput };
    overrides = mod.default ?? {};
  }
  return parseConfig(env, overrides);
}
