// The service's results as the API sends them (wire.ts), and the JSON schemas that validate what
// comes in and serialise what goes out: a property not in a response schema is never sent, so a
// session token or a stray field of a future ViewerAccess cannot leak into an answer.
import type { CodeRequestResult, ViewerLanding, ViewerMessageView } from '../../secure/types.ts';
import type { AttachmentJson, CodeSentJson, LandingJson, MessageJson } from './wire.ts';

export function landingJson(landing: ViewerLanding, signedIn: boolean): LandingJson {
  return {
    state: landing.state,
    organisation: landing.organisation,
    senderName: landing.senderName,
    channel: landing.channel,
    maskedDestination: landing.maskedDestination,
    language: landing.language,
    lockedUntil: landing.lockedUntil ? landing.lockedUntil.toISOString() : null,
    expiresAt: landing.expiresAt.toISOString(),
    signedIn,
  };
}

export function codeSentJson(result: Extract<CodeRequestResult, { ok: true }>): CodeSentJson {
  return {
    channel: result.channel,
    maskedDestination: result.maskedDestination,
    resendsLeft: result.resendsLeft,
    codeValidUntil: result.codeValidUntil.toISOString(),
  };
}

export function messageJson(view: ViewerMessageView): MessageJson {
  return {
    subject: view.subject,
    from: { name: view.from.name, address: view.from.address },
    to: view.to,
    date: view.date.toISOString(),
    text: view.text,
    hasHtml: view.hasHtml,
    attachments: view.attachments.map(attachmentJson),
    replies: view.replies.map((r) => ({ at: r.at.toISOString(), attachmentCount: r.attachmentCount })),
    expiresAt: view.expiresAt.toISOString(),
  };
}

export function attachmentJson(a: AttachmentJson): AttachmentJson {
  return { index: a.index, filename: a.filename, contentType: a.contentType, size: a.size };
}

const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const channel = { type: 'string', enum: ['sms', 'email'] } as const;

function object(properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties } as const;
}

export const schemas = {
  codeBody: {
    type: 'object',
    required: ['code'],
    additionalProperties: false,
    properties: { code: { type: 'string', minLength: 1, maxLength: 32 } },
  },
  landing: object({
    state: { type: 'string', enum: ['active', 'withdrawn', 'expired', 'locked'] },
    organisation: string,
    senderName: string,
    channel,
    maskedDestination: string,
    language: { type: 'string', enum: ['nl', 'en', 'de'] },
    lockedUntil: { type: ['string', 'null'] },
    expiresAt: string,
    signedIn: { type: 'boolean' },
  }),
  codeSent: object({ channel, maskedDestination: string, resendsLeft: integer, codeValidUntil: string }),
  session: object({ expiresAt: string }),
  message: object({
    subject: string,
    from: object({ name: string, address: string }),
    to: string,
    date: string,
    text: string,
    hasHtml: { type: 'boolean' },
    attachments: {
      type: 'array',
      items: object({ index: integer, filename: string, contentType: string, size: integer }),
    },
    replies: { type: 'array', items: object({ at: string, attachmentCount: integer }) },
    expiresAt: string,
  }),
  replySent: object({ at: string, attachmentCount: integer }),
} as const;
