/**
 * Schema migrations, run in order on start (Kysely's Migrator keeps the applied ones in
 * kysely_migration). Column types are the ones both SQLite and PostgreSQL accept; the only
 * difference is the binary column (blob / bytea), chosen by `binaryType`.
 */
import { sql, type Kysely } from '../../vendor/kysely.js'
import type { Migration } from '../../vendor/kysely.js'
import { teamNameKey } from '../team-name.js'

export function migrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const binaryType = dialect === 'postgres' ? 'bytea' : 'blob'
  return {
    '0001_initial': {
      // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, not today's Database type (Kysely's advice)
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute()
        await db.schema
          .createTable('signup_invites')
          .addColumn('code_hash', 'text', (c) => c.primaryKey())
          .addColumn('created_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('used_by', 'text')
          .addColumn('used_at', 'text')
          .execute()
        await db.schema
          .createTable('teams')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('team_members')
          .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
          .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id'))
          .addColumn('joined_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('team_invites')
          .addColumn('code_hash', 'text', (c) => c.primaryKey())
          .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_by', 'text')
          .execute()
        await db.schema
          .createTable('blobs')
          .addColumn('sha256', 'text', (c) => c.primaryKey())
          .addColumn('bytes', binaryType, (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('submissions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('phase', 'text')
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('link', 'text')
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('stage', 'text')
          .addColumn('progress_done', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('progress_total', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error', 'text')
          .addColumn('score', 'double precision')
          .addColumn('details', 'text')
          .addColumn('score_id', 'text')
          .addColumn('baseline', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('quota_day', 'text', (c) => c.notNull())
          .addColumn('submitted_at', 'text', (c) => c.notNull())
          .addColumn('scored_at', 'text')
          .addUniqueConstraint('submissions_team_board_sha', ['team_id', 'board', 'sha256'])
          .execute()
        await db.schema
          .createIndex('submissions_board_phase_status')
          .on('submissions')
          .columns(['board', 'phase', 'status'])
          .execute()
        await db.schema.createIndex('submissions_team').on('submissions').columns(['team_id', 'submitted_at']).execute()
        await db.schema
          .createTable('submission_files')
          .addColumn('submission_id', 'text', (c) => c.notNull().references('submissions.id'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('blob_sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
          .addPrimaryKeyConstraint('submission_files_pk', ['submission_id', 'position'])
          .execute()
        await db.schema
          .createTable('quota_counters')
          .addColumn('team_id', 'text', (c) => c.notNull())
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('used', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('quota_counters_pk', ['team_id', 'board', 'day'])
          .execute()
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('submission_id', 'text', (c) => c.notNull().references('submissions.id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_owner', 'text')
          .addColumn('lease_expires_at', 'text')
          .addColumn('error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('finished_at', 'text')
          .execute()
        await db.schema.createIndex('jobs_status_created').on('jobs').columns(['status', 'created_at']).execute()
        await db.schema
          .createTable('scores')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('submission_id', 'text', (c) => c.notNull().references('submissions.id'))
          .addColumn('job_id', 'text', (c) => c.notNull().unique().references('jobs.id'))
          .addColumn('score', 'double precision', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('manifest', 'text', (c) => c.notNull())
          .addColumn('evaluator_version', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('audit_log')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('board_state')
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text')
          .addColumn('published_by', 'text')
          .addPrimaryKeyConstraint('board_state_pk', ['board', 'phase'])
          .execute()
        await db.schema
          .createTable('phase_overrides')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('start', 'text')
          .addColumn('end', 'text')
          .addColumn('daily_limit', 'integer')
          .addColumn('leaderboard', 'text')
          .addColumn('rule', 'text')
          .execute()
        await db.schema
          .createTable('workers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('pid', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('jobs_done', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
      },
    },
    '0002_standings': {
      // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, not today's Database type (Kysely's advice)
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('standings')
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('team_id', 'text', (c) => c.notNull())
          .addColumn('submission_id', 'text', (c) => c.notNull())
          .addColumn('score', 'double precision', (c) => c.notNull())
          .addColumn('submitted_at', 'text', (c) => c.notNull())
          .addColumn('submissions', 'integer', (c) => c.notNull())
          .addColumn('last_submitted_at', 'text', (c) => c.notNull())
          .addColumn('baseline', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('standings_pk', ['board', 'phase', 'entry'])
          .execute()
        await db.schema.createIndex('standings_team').on('standings').columns(['board', 'phase', 'team_id']).execute()
        // filled on first use: the rule of a phase lives in challenge.yaml, which migrations do not read
        await db.schema
          .createTable('board_versions')
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('rule', 'text')
          .addPrimaryKeyConstraint('board_versions_pk', ['board', 'phase'])
          .execute()
      },
    },
    '0003_login_lockout': {
      // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, not today's Database type (Kysely's advice)
      async up(db: Kysely<any>) {
        // wrong passwords in a row, and until when the account refuses log-ins (back-off)
        await db.schema
          .alterTable('users')
          .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        await db.schema.alterTable('users').addColumn('locked_until', 'text').execute()
      },
    },
    '0004_people_and_team_names': {
      // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, not today's Database type (Kysely's advice)
      async up(db: Kysely<any>) {
        // the daily quota per person too (leaving a team and making another does not reset it)
        await db.schema
          .createTable('person_quota_counters')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('used', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('person_quota_counters_pk', ['user_id', 'board', 'day'])
          .execute()
        // who made, joined and left which team, when, in which phase; and organizers' leave to change
        await db.schema
          .createTable('team_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('team_id', 'text')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('team_events_user').on('team_events').columns(['user_id', 'at']).execute()
        await db.schema.createIndex('team_events_team').on('team_events').columns(['team_id', 'at']).execute()
        // look-alike names are one name (team-name.ts); teams made before keep theirs, made unique by id
        await db.schema.alterTable('teams').addColumn('name_key', 'text').execute()
        const teams = await db.selectFrom('teams').select(['id', 'name']).orderBy('created_at').execute()
        const seen = new Set<string>()
        for (const t of teams as Array<{ id: string; name: string }>) {
          let key = teamNameKey(t.name)
          if (seen.has(key)) key = `${key}\u0000${t.id}`
          seen.add(key)
          await db.updateTable('teams').set({ name_key: key }).where('id', '=', t.id).execute()
        }
        await db.schema.createIndex('teams_name_lookalike').on('teams').column('name_key').unique().execute()
      },
    },
    // a board's rescoring is a record of its own: its jobs point to it, its page shows the progress,
    // and at most one runs per board (a second request gets the running one)
    '0005_rescores': {
      // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, not today's Database type (Kysely's advice)
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('rescores')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('board', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('started_by', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('done', 'integer')
          .addColumn('failed', 'integer')
          .addColumn('ranks_before', 'text', (c) => c.notNull())
          .addColumn('changes', 'text')
          .execute()
        await db.schema
          .createIndex('rescores_one_running')
          .on('rescores')
          .column('board')
          .unique()
          .where(sql.ref('status'), '=', 'running')
          .execute()
        await db.schema.alterTable('jobs').addColumn('rescore_id', 'text').execute()
        await db.schema.createIndex('jobs_rescore').on('jobs').columns(['rescore_id', 'status']).execute()
      },
    },
  }
}
