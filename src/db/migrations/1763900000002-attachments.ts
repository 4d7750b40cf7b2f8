import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysql } from '../dialect.js';
import { runStatements } from './statements.js';

// Uploaded files. A message refers to at most one attachment and an attachment belongs
// to at most one message (unique index), so a file's visibility is its message's.

const mysql = [
  `CREATE TABLE attachments (
  id VARCHAR(32) NOT NULL,
  owner_id INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  size INT NOT NULL,
  mime VARCHAR(100) NOT NULL,
  is_image TINYINT NOT NULL,
  width INT NULL,
  height INT NULL,
  sha256 CHAR(64) NOT NULL,
  storage_name VARCHAR(64) NOT NULL,
  is_public TINYINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_attachments_owner (owner_id),
  CONSTRAINT fk_attachments_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  'ALTER TABLE messages ADD COLUMN attachment_id VARCHAR(32) NULL',
  'ALTER TABLE messages ADD UNIQUE KEY uq_messages_attachment (attachment_id)',
  'ALTER TABLE messages ADD CONSTRAINT fk_messages_attachment FOREIGN KEY (attachment_id) REFERENCES attachments (id) ON DELETE SET NULL',
];

const sqlite = [
  `CREATE TABLE attachments (
  id VARCHAR(32) NOT NULL PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  size INTEGER NOT NULL,
  mime VARCHAR(100) NOT NULL,
  is_image INTEGER NOT NULL,
  width INTEGER NULL,
  height INTEGER NULL,
  sha256 CHAR(64) NOT NULL,
  storage_name VARCHAR(64) NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
)`,
  'CREATE INDEX ix_attachments_owner ON attachments (owner_id)',
  'ALTER TABLE messages ADD COLUMN attachment_id VARCHAR(32) NULL REFERENCES attachments (id) ON DELETE SET NULL',
  'CREATE UNIQUE INDEX uq_messages_attachment ON messages (attachment_id)',
];

export class Attachments1763900000002 implements MigrationInterface {
  name = 'Attachments1763900000002';

  async up(runner: QueryRunner): Promise<void> {
    await runStatements(runner, { mysql, sqlite });
  }

  async down(runner: QueryRunner): Promise<void> {
    if (isMysql(runner.connection)) {
      await runner.query('ALTER TABLE messages DROP FOREIGN KEY fk_messages_attachment');
      await runner.query('ALTER TABLE messages DROP INDEX uq_messages_attachment');
    } else {
      await runner.query('DROP INDEX uq_messages_attachment');
    }
    await runner.query('ALTER TABLE messages DROP COLUMN attachment_id');
    await runner.query('DROP TABLE attachments');
  }
}
