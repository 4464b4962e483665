// What the webmail API accepts, as zod schemas matching wire.ts: every body and query is parsed here
// before a service sees it, and a refusal names the field and the problem (400 bad-input).
import { z } from 'zod';
import { ApiError } from '../shared/api-errors.ts';
import {
  MAX_CHECKED_RECIPIENTS,
  MAX_PAGE_SIZE,
  MAX_RECIPIENTS,
  MAX_UIDS_PER_REQUEST,
  type ComposeJson,
  type ErrorJson,
  type FlagsRequestJson,
  type MoveRequestJson,
  type RecipientsRequestJson,
  type UidsRequestJson,
} from './wire.ts';

const id = z.coerce.number().int().min(1).max(2 ** 32);
const uid = z.number().int().min(1).max(2 ** 32 - 1);
const uids = z.array(uid).min(1).max(MAX_UIDS_PER_REQUEST);
const flag = z.enum(['seen', 'flagged', 'answered']);
const order = z.enum(['newest', 'oldest']).optional();
const flagParam = z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true');
// Only what could be an address: the secure-send service checks it properly (and says why).
const addressText = z.string().trim().min(3).max(320).regex(/^[^\s<>(),;:"]+@[^\s<>(),;:"]+$/, 'not an e-mail address');
const composeAddress = z.object({ name: z.string().max(200).optional(), address: addressText }).strict();
const mobiles = z.record(z.string().max(320), z.string().max(40)).refine((r) => Object.keys(r).length <= MAX_RECIPIENTS, 'too many');
const messageId = z.string().max(998).regex(/^<[^<>\s]+>$/, 'a Message-ID in angle brackets');

export const schemas = {
  mailboxParams: z.object({ mailboxId: id }),
  folderParams: z.object({ folderId: id }),
  messageParams: z.object({ folderId: id, uid: id }),
  partParams: z.object({ folderId: id, uid: id, part: z.string().regex(/^[1-9]\d{0,4}(\.[1-9]\d{0,4}){0,31}$/, 'a part number such as 2 or 1.2') }),
  draftParams: z.object({ uid: id }),
  viewerParams: z.object({ id }),
  listQuery: z
    .object({
      limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
      offset: z.coerce.number().int().min(0).optional(),
      after: z.coerce.number().int().min(0).optional(),
      order,
    })
    .strict(),
  searchQuery: z
    .object({
      q: z.string().min(1).max(500),
      in: z.enum(['all', 'from', 'to', 'subject']).default('all'),
      limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
      offset: z.coerce.number().int().min(0).optional(),
      after: z.coerce.number().int().min(0).optional(),
      order,
    })
    .strict(),
  readQuery: z.object({ peek: flagParam }).strict(),
  htmlQuery: z.object({ images: flagParam }).strict(),
  directoryQuery: z.object({ q: z.string().max(100).default('') }).strict(),
  viewerQuery: z
    .object({ limit: z.coerce.number().int().min(1).max(500).default(50), before: z.coerce.number().int().min(1).optional() })
    .strict(),
  uids: z.object({ uids }).strict() satisfies z.ZodType<UidsRequestJson>,
  flags: z
    .object({ uids, add: z.array(flag).max(3).optional(), remove: z.array(flag).max(3).optional() })
    .strict()
    .refine((r) => r.add?.length || r.remove?.length, 'give flags to add or remove') satisfies z.ZodType<FlagsRequestJson>,
  move: z.object({ uids, to: id }).strict() satisfies z.ZodType<MoveRequestJson>,
  recipients: z
    .object({ addresses: z.array(z.string().max(320)).max(MAX_CHECKED_RECIPIENTS), secure: z.boolean().optional(), mobiles: mobiles.optional() })
    .strict() satisfies z.ZodType<RecipientsRequestJson>,
  compose: z
    .object({
      to: z.array(composeAddress).max(MAX_RECIPIENTS),
      cc: z.array(composeAddress).max(MAX_RECIPIENTS).optional(),
      bcc: z.array(composeAddress).max(MAX_RECIPIENTS).optional(),
      subject: z.string().max(998),
      text: z.string().optional(),
      html: z.string().optional(),
      inReplyTo: messageId.optional(),
      references: z.array(messageId).max(100).optional(),
      origin: z.object({ folderId: id, uid, kind: z.enum(['reply', 'forward']) }).strict().optional(),
      storedAttachments: z
        .array(z.object({ folderId: id, uid, part: z.string().regex(/^[1-9]\d{0,4}(\.[1-9]\d{0,4}){0,31}$/) }).strict())
        .max(100)
        .optional(),
      secure: z.object({ requested: z.boolean(), mobiles: mobiles.optional() }).strict().optional(),
      draftUid: uid.optional(),
    })
    .strict() satisfies z.ZodType<ComposeJson>,
};

/** The value if it fits the schema; a 400 naming each problem otherwise. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || what}: ${issue.message}`);
  throw new ApiError<ErrorJson>(400, { error: 'bad-input', message: `Invalid ${what}: ${problems.join('; ')}` });
}
