// The JSON schemas that validate what comes in and serialise what goes out of the patient API: a
// property not in a response schema is never sent, so the verification token or a stray field of a
// future service result cannot leak into an answer.
import type { PatientChannelInfo, PatientCodeResult } from '../../secure/patient-channel.ts';
import { MESSAGE_LIMITS, type CodeSentJson, type PatientPageJson } from './wire.ts';

export function pageJson(info: PatientChannelInfo): PatientPageJson {
  return { organisation: info.organisation, domain: info.domain, language: info.language };
}

export function codeSentJson(result: Extract<PatientCodeResult, { ok: true }>): CodeSentJson {
  return {
    channel: result.channel,
    maskedDestination: result.maskedDestination,
    codeValidUntil: result.codeValidUntil.toISOString(),
  };
}

const string = { type: 'string' } as const;

function object(properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties } as const;
}

export const schemas = {
  codeBody: {
    type: 'object',
    required: ['email'],
    additionalProperties: false,
    properties: {
      // RFC 5321 §4.5.3.1.3: a path is at most 256 octets; the service checks the form.
      email: { type: 'string', minLength: 1, maxLength: 256 },
      mobile: { type: 'string', maxLength: 40 },
    },
  },
  verifyBody: {
    type: 'object',
    required: ['code'],
    additionalProperties: false,
    properties: { code: { type: 'string', minLength: 1, maxLength: 32 } },
  },
  page: object({ organisation: string, domain: string, language: { type: 'string', enum: ['nl', 'en', 'de'] } }),
  codeSent: object({
    channel: { type: 'string', enum: ['sms', 'email'] },
    maskedDestination: string,
    codeValidUntil: string,
  }),
  verified: object({ expiresAt: string }),
  sent: object({ at: string, attachmentCount: { type: 'integer', maximum: MESSAGE_LIMITS.files } }),
} as const;
