-- Natter schema for MySQL/MariaDB (utf8mb4), equal to what the migrations in
-- src/db/migrations build. Natter runs its migrations at start-up, so importing this
-- file is never required; it is here for review and for DBAs who prefer to create
-- the schema themselves (the migrations table then records it as applied).
--   mysql natter < sql/natter.mysql.sql

SET NAMES utf8mb4;

CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT,
  username VARCHAR(32) NOT NULL,
  username_key VARCHAR(32) NOT NULL,
  password_hash VARCHAR(60) NOT NULL,
  avatar VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_username_key (username_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE rooms (
  id INT NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) NOT NULL,
  name_key VARCHAR(64) NOT NULL,
  created_by INT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rooms_name_key (name_key),
  CONSTRAINT fk_rooms_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE messages (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
  id VARCHAR(128) NOT NULL,
  user_id INT NULL,
  expires_at BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_sessions_user (user_id),
  KEY ix_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE read_state (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE migrations (
  id INT NOT NULL AUTO_INCREMENT,
  timestamp BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO migrations (timestamp, name) VALUES
  (1763900000000, 'Init1763900000000'),
  (1763900000001, 'ReadState1763900000001');
