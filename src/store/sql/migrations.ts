// Schema migrations, written with Kysely's schema builder so SQLite and PostgreSQL share them.
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

export function createMigrations(dialect: SqlDialectName): Record<string, Migration> {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  // SQLite keeps a WITHOUT ROWID table physically ordered by its primary key.
  const clustered = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    '0001-core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('organisations')
          .addColumn('id', idType, id)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('domain', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('mailboxes')
          .addColumn('id', idType, id)
          .addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
          .addColumn('address', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('klantnummer', 'text', (c) => c.notNull().unique())
          .addColumn('quota_bytes', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('hosted_mail_keys')
          .addColumn('id', idType, id)
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint')
          .execute();
        await db.schema
          .createIndex('hosted_mail_keys_active')
          .on('hosted_mail_keys')
          .columns(['mailbox_id', 'revoked_at'])
          .execute();
        await db.schema
          .createTable('folders')
          .addColumn('id', idType, id)
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('special_use', 'text')
          .addColumn('uid_validity', 'bigint', (c) => c.notNull())
          .addColumn('uid_next', 'bigint', (c) => c.notNull())
          .addColumn('highest_modseq', 'bigint', (c) => c.notNull())
          .addColumn('recent_floor', 'bigint', (c) => c.notNull())
          .addColumn('message_count', 'bigint', (c) => c.notNull())
          .addColumn('unseen_count', 'bigint', (c) => c.notNull())
          .addColumn('total_size', 'bigint', (c) => c.notNull())
          .addColumn('keywords', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('folders_mailbox_name', ['mailbox_id', 'name'])
          .execute();
        await db.schema
          .createTable('subscriptions')
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscriptions_pk', ['mailbox_id', 'name'])
          .execute();
        await db.schema
          .createTable('bodies')
          .addColumn('id', idType, id)
          .addColumn('blob_id', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('structure', 'text', (c) => c.notNull())
          .addColumn('refcount', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        // Messages are clustered by (folder_id, uid): SELECT, FETCH 1:* and sequence maps are range
        // scans over one folder.
        await db.schema
          .createTable('messages')
          .addColumn('folder_id', 'integer', (c) => c.notNull())
          .addColumn('uid', 'bigint', (c) => c.notNull())
          .addColumn('body_id', 'integer', (c) => c.notNull())
          .addColumn('modseq', 'bigint', (c) => c.notNull())
          .addColumn('created_modseq', 'bigint', (c) => c.notNull())
          .addColumn('flags', 'integer', (c) => c.notNull())
          .addColumn('keywords', 'text')
          .addColumn('internal_date', 'bigint', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('messages_pk', ['folder_id', 'uid'])
          .modifyEnd(clustered)
          .execute();
        await db.schema.createIndex('messages_modseq').on('messages').columns(['folder_id', 'modseq']).execute();
        await db.schema.createIndex('messages_body').on('messages').column('body_id').execute();
        // SELECT's [UNSEEN n] and SEARCH UNSEEN look up unseen messages without scanning the folder.
        await db.schema
          .createIndex('messages_unseen')
          .on('messages')
          .columns(['folder_id', 'uid'])
          .where(sql<boolean>`(flags & 1) = 0`)
          .execute();
        await db.schema
          .createTable('expunged')
          .addColumn('folder_id', 'integer', (c) => c.notNull())
          .addColumn('uid', 'bigint', (c) => c.notNull())
          .addColumn('modseq', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('expunged_pk', ['folder_id', 'uid'])
          .execute();
        await db.schema.createIndex('expunged_modseq').on('expunged').columns(['folder_id', 'modseq']).execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('id', idType, id)
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('mailbox_id', 'integer')
          .addColumn('remote_address', 'text')
          .addColumn('detail', 'text')
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_mailbox').on('audit_log').columns(['mailbox_id', 'at']).execute();
        await db.schema
          .createTable('change_events')
          .addColumn('id', idType, id)
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0002-directory': {
      async up(db: Kysely<unknown>) {
        // SPEC R9/R12: the community directory (people and organisations) and the domain books.
        await db.schema
          .createTable('domain_books')
          .addColumn('id', idType, id)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('description', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('domain_book_domains')
          .addColumn('book_id', 'integer', (c) => c.notNull().references('domain_books.id').onDelete('cascade'))
          .addColumn('domain', 'text', (c) => c.notNull())
          .addColumn('note', 'text')
          .addPrimaryKeyConstraint('domain_book_domains_pk', ['book_id', 'domain'])
          .execute();
        await db.schema.createIndex('domain_book_domains_domain').on('domain_book_domains').column('domain').execute();
        await db.schema.alterTable('organisations').addColumn('domain_book_id', 'integer', (c) => c.references('domain_books.id')).execute();
        await db.schema
          .createTable('directory_entries')
          .addColumn('id', idType, id)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('uid', 'text', (c) => c.notNull().unique())
          .addColumn('mailbox_id', 'integer', (c) => c.unique().references('mailboxes.id'))
          .addColumn('org_id', 'integer', (c) => c.references('organisations.id'))
          .addColumn('hidden', 'integer', (c) => c.notNull())
          .addColumn('attributes', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('directory_entries_org').on('directory_entries').columns(['org_id', 'kind']).execute();
        await db.schema.createIndex('directory_entries_visible').on('directory_entries').columns(['hidden', 'id']).execute();
        // The normalised values of the searchable attributes of every visible entry, one column per
        // attribute (see sql/directory.ts). SQLite indexes them with a trigram full-text index that
        // reads its text from this table (external content), so the text is stored once.
        let text = db.schema.createTable('directory_text').addColumn('id', 'integer', (c) => c.primaryKey());
        for (const column of DIRECTORY_INDEX_COLUMNS) text = text.addColumn(column, 'text', (c) => c.notNull());
        await text.execute();
        if (dialect === 'sqlite') {
          await sql`create virtual table directory_index using fts5(${sql.raw(DIRECTORY_INDEX_COLUMNS.join(', '))}, content = 'directory_text', content_rowid = 'id', tokenize = 'trigram case_sensitive 1')`.execute(db);
        }
        await db.schema
          .createTable('admin_tokens')
          .addColumn('id', idType, id)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('revoked_at', 'bigint')
          .execute();
      },
    },
    '0003-secure': {
      async up(db: Kysely<unknown>) {
        // SPEC R14/R18: one policy document per organisation (JSON; defaults fill what is missing).
        await db.schema
          .createTable('org_policies')
          .addColumn('org_id', 'integer', (c) => c.primaryKey().references('organisations.id'))
          .addColumn('settings', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        // SPEC R15: one Viewer message per external recipient. The content lives encrypted in a
        // blob; the row keeps only what the sender's status view and the access checks need.
        await db.schema
          .createTable('viewer_messages')
          .addColumn('id', idType, id)
          .addColumn('link_hash', 'text', (c) => c.notNull().unique())
          .addColumn('sender_mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
          .addColumn('submission_id', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('mobile', 'text')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('language', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text')
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('blob_id', 'text')
          .addColumn('wrapped_key', 'text')
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('notified_at', 'bigint')
          .addColumn('code_sent_at', 'bigint')
          .addColumn('code_delivered_at', 'bigint')
          .addColumn('code_failed_at', 'bigint')
          .addColumn('opened_at', 'bigint')
          .addColumn('replied_at', 'bigint')
          .addColumn('revoked_at', 'bigint')
          .addColumn('expired_at', 'bigint')
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', 'bigint')
          .execute();
        await db.schema.createIndex('viewer_messages_sender').on('viewer_messages').columns(['sender_mailbox_id', 'id']).execute();
        await db.schema.createIndex('viewer_messages_expiry').on('viewer_messages').columns(['expired_at', 'expires_at']).execute();
        await db.schema.createIndex('viewer_messages_submission').on('viewer_messages').columns(['submission_id']).execute();
        await db.schema
          .createTable('viewer_codes')
          .addColumn('id', idType, id)
          .addColumn('viewer_message_id', 'integer', (c) => c.notNull().references('viewer_messages.id').onDelete('cascade'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('reference', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .execute();
        await db.schema.createIndex('viewer_codes_message').on('viewer_codes').columns(['viewer_message_id', 'created_at']).execute();
        await db.schema
          .createTable('viewer_sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('viewer_message_id', 'integer', (c) => c.notNull().references('viewer_messages.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('viewer_replies')
          .addColumn('id', idType, id)
          .addColumn('viewer_message_id', 'integer', (c) => c.notNull().references('viewer_messages.id').onDelete('cascade'))
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('attachment_count', 'integer', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('viewer_replies_message').on('viewer_replies').columns(['viewer_message_id']).execute();
        // SPEC R31: a person proves an e-mail address or mobile number with a code before writing
        // to a practice; the verified contact is remembered so the practice's answers go back
        // through the Viewer.
        await db.schema
          .createTable('patient_verifications')
          .addColumn('id', idType, id)
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('mobile', 'text')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('remote_address', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('verified_at', 'bigint')
          .addColumn('session_expires_at', 'bigint')
          .execute();
        await db.schema.createIndex('patient_verifications_address').on('patient_verifications').columns(['remote_address', 'created_at']).execute();
        await db.schema
          .createTable('secure_contacts')
          .addColumn('org_id', 'integer', (c) => c.notNull().references('organisations.id'))
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('mobile', 'text')
          .addColumn('verified_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('secure_contacts_pk', ['org_id', 'address'])
          .execute();
      },
    },
    '0004-outbound-queue': {
      async up(db) {
        // Mail leaving the platform waits here until a transport has taken it: queued in the same
        // transaction as what caused it (a Viewer message and its notification), so a submission
        // is acknowledged with one commit and nothing queued is lost in a crash.
        await db.schema
          .createTable('outbound_queue')
          .addColumn('id', idType, id)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('mail_from', 'text', (c) => c.notNull())
          .addColumn('recipients', 'text', (c) => c.notNull())
          .addColumn('raw', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('queued_at', 'bigint', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('outbound_queue_due').on('outbound_queue').columns(['next_attempt_at', 'id']).execute();
      },
    },
    '0005-passage': {
      async up(db) {
        // SPEC R1/R2: Passage ID accounts (password + TOTP), the invitations they start from, their
        // recovery codes and portal sessions, and which mailboxes each account may use. Secrets are
        // kept only as hashes (argon2id for passwords, a keyed hash for random codes and tokens);
        // the TOTP secret must be usable, so it is sealed with the master key instead.
        await db.schema
          .createTable('passage_accounts')
          .addColumn('id', idType, id)
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('totp_secret', 'text', (c) => c.notNull())
          .addColumn('totp_last_step', 'bigint')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('org_id', 'integer', (c) => c.references('organisations.id'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('disabled_at', 'bigint')
          .execute();
        await db.schema
          .createTable('passage_invitations')
          .addColumn('id', idType, id)
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('org_id', 'integer', (c) => c.references('organisations.id'))
          .addColumn('invited_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .addColumn('pending_totp', 'text')
          .execute();
        await db.schema.createIndex('passage_invitations_email').on('passage_invitations').columns(['email', 'used_at']).execute();
        await db.schema
          .createTable('passage_recovery_codes')
          .addColumn('id', idType, id)
          .addColumn('account_id', 'integer', (c) => c.notNull().references('passage_accounts.id').onDelete('cascade'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .execute();
        await db.schema.createIndex('passage_recovery_codes_account').on('passage_recovery_codes').columns(['account_id', 'code_hash']).execute();
        await db.schema
          .createTable('passage_sessions')
          .addColumn('id', idType, id)
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('account_id', 'integer', (c) => c.notNull().references('passage_accounts.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('remote_address', 'text', (c) => c.notNull())
          .addColumn('user_agent', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('passage_sessions_account').on('passage_sessions').column('account_id').execute();
        // A mailbox may be linked to several accounts (a shared mailbox) and an account to several
        // mailboxes; the pair is the key, the second index finds a mailbox's accounts.
        await db.schema
          .createTable('passage_mailbox_links')
          .addColumn('account_id', 'integer', (c) => c.notNull().references('passage_accounts.id').onDelete('cascade'))
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('linked_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('passage_mailbox_links_pk', ['account_id', 'mailbox_id'])
          .execute();
        await db.schema.createIndex('passage_mailbox_links_mailbox').on('passage_mailbox_links').column('mailbox_id').execute();
        await db.schema
          .createTable('mailbox_activations')
          .addColumn('id', idType, id)
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('used_at', 'bigint')
          .execute();
        await db.schema.createIndex('mailbox_activations_mailbox').on('mailbox_activations').columns(['mailbox_id', 'code_hash']).execute();
      },
    },
    '0006-passage-webauthn': {
      async up(db) {
        // SPEC R1: security keys and passkeys (WebAuthn) as a Passage ID's second factor, next to
        // TOTP. Nothing here is secret: a public key, the ID the authenticator chose for it, and the
        // signature counter that shows a cloned authenticator (WebAuthn §6.1.1).
        await db.schema
          .createTable('passage_webauthn_credentials')
          .addColumn('id', idType, id)
          .addColumn('account_id', 'integer', (c) => c.notNull().references('passage_accounts.id').onDelete('cascade'))
          .addColumn('credential_id', 'text', (c) => c.notNull().unique())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('counter', 'bigint', (c) => c.notNull())
          .addColumn('transports', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();
        await db.schema.createIndex('passage_webauthn_credentials_account').on('passage_webauthn_credentials').column('account_id').execute();
      },
    },
  };
}

/** The directory attributes (lower-case LDAP names) the search index covers. */
export const DIRECTORY_INDEX_COLUMNS = [
  'cn',
  'displayname',
  'givenname',
  'sn',
  'mail',
  'o',
  'ou',
  'l',
  'title',
  'uid',
  'agbcode',
  'specialism',
  'telephonenumber',
  'mobile',
] as const;
