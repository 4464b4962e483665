// Table shapes as Kysely sees them. Times are integer milliseconds since the epoch; booleans are 0/1,
// so the same schema runs on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface Database {
  settings: { key: string; value: string };
  organisations: { id: Generated<number>; name: string; domain: string; created_at: number; domain_book_id: number | null };
  mailboxes: {
    id: Generated<number>;
    org_id: number;
    address: string;
    display_name: string;
    klantnummer: string;
    quota_bytes: number | null;
    created_at: number;
  };
  hosted_mail_keys: {
    id: Generated<number>;
    mailbox_id: number;
    hash: string;
    created_at: number;
    revoked_at: number | null;
  };
  folders: {
    id: Generated<number>;
    mailbox_id: number;
    name: string;
    special_use: string | null;
    uid_validity: number;
    uid_next: number;
    highest_modseq: number;
    recent_floor: number;
    message_count: number;
    unseen_count: number;
    total_size: number;
    keywords: string;
    created_at: number;
  };
  subscriptions: { mailbox_id: number; name: string };
  bodies: {
    id: Generated<number>;
    blob_id: string;
    size: number;
    structure: string;
    refcount: number;
    created_at: number;
  };
  messages: {
    folder_id: number;
    uid: number;
    body_id: number;
    modseq: number;
    created_modseq: number;
    flags: number;
    keywords: string | null;
    internal_date: number;
    size: number;
  };
  expunged: { folder_id: number; uid: number; modseq: number };
  audit_log: {
    id: Generated<number>;
    at: number;
    actor: string | null;
    action: string;
    mailbox_id: number | null;
    remote_address: string | null;
    detail: string | null;
    prev_hash: string;
    hash: string;
  };
  org_policies: { org_id: number; settings: string; updated_at: number };
  viewer_messages: {
    id: Generated<number>;
    link_hash: string;
    sender_mailbox_id: number;
    org_id: number;
    submission_id: string;
    recipient: string;
    mobile: string | null;
    channel: string;
    language: string;
    message_id: string | null;
    subject: string;
    blob_id: string | null;
    wrapped_key: string | null;
    size: number;
    created_at: number;
    expires_at: number;
    notified_at: number | null;
    code_sent_at: number | null;
    code_delivered_at: number | null;
    code_failed_at: number | null;
    opened_at: number | null;
    replied_at: number | null;
    revoked_at: number | null;
    expired_at: number | null;
    failed_attempts: Generated<number>;
    locked_until: number | null;
  };
  viewer_codes: {
    id: Generated<number>;
    viewer_message_id: number;
    code_hash: string;
    channel: string;
    reference: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  };
  viewer_sessions: { token_hash: string; viewer_message_id: number; created_at: number; expires_at: number };
  viewer_replies: { id: Generated<number>; viewer_message_id: number; at: number; attachment_count: number; size: number };
  patient_verifications: {
    id: Generated<number>;
    token_hash: string;
    org_id: number;
    email: string;
    mobile: string | null;
    channel: string;
    code_hash: string;
    remote_address: string;
    created_at: number;
    expires_at: number;
    failed_attempts: Generated<number>;
    verified_at: number | null;
    session_expires_at: number | null;
  };
  secure_contacts: { org_id: number; address: string; mobile: string | null; verified_at: number };
  change_events: { id: Generated<number>; origin: string; payload: string; created_at: number };
  outbound_queue: {
    id: Generated<number>;
    kind: string;
    mail_from: string;
    /** JSON array of addresses. */
    recipients: string;
    raw: Buffer;
    size: number;
    queued_at: number;
    next_attempt_at: number;
    attempts: Generated<number>;
    last_error: string | null;
  };
  domain_books: { id: Generated<number>; name: string; name_key: string; description: string | null; created_at: number };
  domain_book_domains: { book_id: number; domain: string; note: string | null };
  directory_entries: {
    id: Generated<number>;
    kind: string;
    uid: string;
    mailbox_id: number | null;
    org_id: number | null;
    hidden: number;
    attributes: string;
    updated_at: number;
  };
  admin_tokens: { id: Generated<number>; name: string; hash: string; created_at: number; revoked_at: number | null };
  passage_accounts: {
    id: Generated<number>;
    email: string;
    password_hash: string;
    /** Sealed (ContentSealer.sealText), never stored in the clear. */
    totp_secret: string;
    totp_last_step: number | null;
    role: string;
    org_id: number | null;
    created_at: number;
    disabled_at: number | null;
  };
  passage_invitations: {
    id: Generated<number>;
    token_hash: string;
    email: string;
    role: string;
    org_id: number | null;
    invited_by: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    /** Sealed TOTP secret shown to the invitee before the account exists. */
    pending_totp: string | null;
  };
  passage_recovery_codes: { id: Generated<number>; account_id: number; code_hash: string; used_at: number | null };
  passage_sessions: {
    id: Generated<number>;
    token_hash: string;
    account_id: number;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
    remote_address: string;
    user_agent: string;
  };
  passage_mailbox_links: { account_id: number; mailbox_id: number; linked_at: number };
  passage_webauthn_credentials: {
    id: Generated<number>;
    account_id: number;
    /** base64url */
    credential_id: string;
    /** COSE_Key, base64url */
    public_key: string;
    counter: number;
    /** Comma-separated AuthenticatorTransport values. */
    transports: string;
    name: string;
    created_at: number;
    last_used_at: number | null;
  };
  mailbox_activations: {
    id: Generated<number>;
    mailbox_id: number;
    code_hash: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
  };
}
