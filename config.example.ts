// Copy this file to config.ts (git ignores it) to change Natter's defaults without
// environment variables. An environment variable always wins over this file.
// Every value below is the built-in default; delete the lines you do not change.
import type { ConfigInput } from './src/config.js';

const config: ConfigInput = {
  // HTTP + WebSocket port.
  PORT: 8322,
  // Bind address. Use 127.0.0.1 when nginx runs on the same machine.
  HOST: '0.0.0.0',
  // Where the SQLite file, uploads and the generated session secret live.
  DATA_DIR: './data',
  // Unset: embedded SQLite at DATA_DIR/natter.db. Set to use MySQL/MariaDB:
  // DATABASE_URL: 'mysql://natter:secret@127.0.0.1:3306/natter',
  // Cookie signing secret (32+ characters). Unset: generated once into DATA_DIR/session-secret.
  // SESSION_SECRET: '',
  // Set behind a reverse proxy: a hop count ('1'), 'loopback', or addresses.
  // TRUST_PROXY: 'loopback',
  // pino log level: fatal, error, warn, info, debug, trace or silent.
  LOG_LEVEL: 'info',
  // bcrypt cost factor (4-15). Each step doubles the time of a login.
  BCRYPT_ROUNDS: 10,
  // How long a login lasts without activity, in days.
  SESSION_MAX_AGE_DAYS: 30,
  // Database connections kept open (MySQL only).
  DB_POOL_SIZE: 10,
  // Failed logins allowed per username and address in 15 minutes (then 429).
  LOGIN_ATTEMPTS_PER_15MIN: 10,
  // Logins of any username allowed from one address in 15 minutes.
  LOGIN_ATTEMPTS_PER_IP_PER_15MIN: 100,
  // Sign-ups allowed from one address per hour.
  REGISTRATIONS_PER_IP_PER_HOUR: 20,
  // Open WebSockets allowed per user (tabs, devices) and per address.
  WS_MAX_CONNECTIONS_PER_USER: 30,
  WS_MAX_CONNECTIONS_PER_IP: 300,
  // How often the server pings each socket; one that misses two pings is dropped.
  WS_HEARTBEAT_MS: 25000,
  // Unsent bytes a socket may queue before it is closed (1013) to catch up later.
  WS_MAX_BUFFERED_BYTES: 4194304,
  // Messages a user may send per second, sustained, across all their tabs…
  MESSAGES_PER_SECOND: 5,
  // …and at once (a pasted burst). Past that, sends get a RATE_LIMITED error.
  MESSAGE_BURST: 20,
  // Frames of any kind one socket may send per second and at once; a flood closes it (1008).
  WS_FRAMES_PER_SECOND: 50,
  WS_FRAME_BURST: 200,
  // Where uploaded files are kept (default: DATA_DIR/uploads).
  // UPLOAD_DIR: './data/uploads',
  // Largest file one upload may be, in bytes (keep nginx's client_max_body_size above it).
  MAX_UPLOAD_BYTES: 10485760,
  // Total bytes of files each user may keep.
  UPLOAD_QUOTA_BYTES: 524288000,
  // A client must send its request headers (also for a WebSocket upgrade) within this time.
  HTTP_HEADERS_TIMEOUT_MS: 20000,
  // How long a user still counts as online after closing their last tab (page changes).
  PRESENCE_GRACE_MS: 5000,
  // How long SIGTERM waits for in-flight work before exiting, in milliseconds.
  SHUTDOWN_TIMEOUT_MS: 8000,
};

export default config;
