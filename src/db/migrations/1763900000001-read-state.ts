import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runStatements } from './statements.js';

// Per user and conversation: how far they have read, and (for private conversations)
// how far messages have reached one of their open sockets.

const mysql = [
  `CREATE TABLE read_state (
  user_id INT NOT NULL,
  conversation VARCHAR(32) NOT NULL,
  room_id INT NULL,
  dm_key VARCHAR(24) NULL,
  last_read_id INT NOT NULL DEFAULT 0,
  last_delivered_id INT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, conversation),
  KEY ix_read_state_room (room_id),
  CONSTRAINT fk_read_state_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_read_state_room FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
];

const sqlite = [
  `CREATE TABLE read_state (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  conversation VARCHAR(32) NOT NULL,
  room_id INTEGER NULL REFERENCES rooms (id) ON DELETE CASCADE,
  dm_key VARCHAR(24) NULL,
  last_read_id INTEGER NOT NULL DEFAULT 0,
  last_delivered_id INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, conversation)
)`,
  'CREATE INDEX ix_read_state_room ON read_state (room_id)',
];

export class ReadState1763900000001 implements MigrationInterface {
  name = 'ReadState1763900000001';

  async up(runner: QueryRunner): Promise<void> {
    await runStatements(runner, { mysql, sqlite });
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE read_state');
  }
}
