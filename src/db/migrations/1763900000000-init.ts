import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from './statements.js';

// The first schema. sql/natter.mysql.sql must stay equal to what the MySQL branch builds
// (test/integration/schema.test.ts compares them).

const mysql = [
  `CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT,
  username VARCHAR(32) NOT NULL,
  username_key VARCHAR(32) NOT NULL,
  password_hash VARCHAR(60) NOT NULL,
  avatar VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_username_key (username_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE rooms (
  id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) NOT NULL,
  name_key VARCHAR(64) NOT NULL,
  created_by INT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rooms_name_key (name_key),
  CONSTRAINT fk_rooms_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE messages (
  id INT NOT NULL AUTO_INCREMENT,
  room_id INT NULL,
  to_user_id INT NULL,
  dm_key VARCHAR(24) NULL,
  from_user_id INT NOT NULL,
  text TEXT NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_messages_sender_client (from_user_id, client_id),
  KEY ix_messages_room (room_id, id),
  KEY ix_messages_dm (dm_key, id),
  CONSTRAINT fk_messages_room FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
  CONSTRAINT fk_messages_from FOREIGN KEY (from_user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_messages_to FOREIGN KEY (to_user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE sessions (
  id VARCHAR(128) NOT NULL,
  user_id INT NULL,
  expires_at BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_sessions_user (user_id),
  KEY ix_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
];

const sqlite = [
  `CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username VARCHAR(32) NOT NULL,
  username_key VARCHAR(32) NOT NULL UNIQUE,
  password_hash VARCHAR(60) NOT NULL,
  avatar VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL
)`,
  `CREATE TABLE rooms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(64) NOT NULL,
  name_key VARCHAR(64) NOT NULL UNIQUE,
  created_by INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL
)`,
  `CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id INTEGER NULL REFERENCES rooms (id) ON DELETE CASCADE,
  to_user_id INTEGER NULL REFERENCES users (id) ON DELETE CASCADE,
  dm_key VARCHAR(24) NULL,
  from_user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  client_id VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL
)`,
  'CREATE UNIQUE INDEX uq_messages_sender_client ON messages (from_user_id, client_id)',
  'CREATE INDEX ix_messages_room ON messages (room_id, id)',
  'CREATE INDEX ix_messages_dm ON messages (dm_key, id)',
  `CREATE TABLE sessions (
  id VARCHAR(128) NOT NULL PRIMARY KEY,
  user_id INTEGER NULL,
  expires_at BIGINT NOT NULL,
  data TEXT NOT NULL
)`,
  'CREATE INDEX ix_sessions_user ON sessions (user_id)',
  'CREATE INDEX ix_sessions_expires ON sessions (expires_at)',
];

export class Init1763900000000 implements MigrationInterface {
  name = 'Init1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runStatements(runner, { mysql, sqlite });
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['sessions', 'messages', 'rooms', 'users']) await runner.query(`DROP TABLE ${table}`);
  }
}
