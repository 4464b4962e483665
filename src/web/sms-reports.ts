// The webhook CM.com calls with SMS status reports (SPEC R15 "code sent/delivered"; format in
// src/secure/sms/cm-delivery-report.ts). CM.com cannot sign its calls, so the URL carries a random
// secret (config sms.webhookSecret): compared in constant time, and a wrong one looks exactly like a
// path that does not exist. CM.com retries anything but a 2xx for 7 days, so 200 is only sent once
// every status has been handed to `onReport`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../errors.ts';
import { parseCmDeliveryReport } from '../secure/sms/cm-delivery-report.ts';
import type { SmsDeliveryReport } from '../secure/types.ts';

export interface SmsReportRoutesOptions {
  /** The webhook's path secret (sms.webhookSecret). */
  secret: string;
  /** Records one status; a rejection answers 503 so CM.com sends the whole report again later, so
   * it must be idempotent. Resolve (after logging) for references that are not ours, or CM.com keeps
   * retrying them for a week. */
  onReport: (report: SmsDeliveryReport) => Promise<void>;
}

/** A status report is a few hundred bytes; a batch of them a few hundred kilobytes at most. */
const BODY_LIMIT = 512 * 1024;

/** Register with `app.register(smsReportRoutes, { secret, onReport })`: serves
 * POST and GET /api/sms/reports/:secret. */
export const smsReportRoutes: FastifyPluginAsync<SmsReportRoutesOptions> = async (app, { secret, onReport }) => {
  if (!/^[A-Za-z0-9_-]{24,128}$/.test(secret)) throw new Error('sms report webhook: the secret must be 24 to 128 letters, digits, "-" or "_"');
  const expected = digest(secret);

  // CM.com can be set to post form fields or XML instead of JSON: read them here (this plugin only)
  // so the parser can accept the one and explain why it refuses the other.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  // Checked before the body is read, so even a malformed request with a wrong secret gets the 404.
  const checkSecret = async (request: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) => {
    if (!timingSafeEqual(digest(request.params.secret), expected)) {
      reply.callNotFound();
      return reply;
    }
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    let reports: SmsDeliveryReport[];
    try {
      reports = parseCmDeliveryReport(payload);
    } catch (error) {
      if (error instanceof UserError) {
        request.log.warn({ reason: error.message }, 'malformed SMS status report');
        return reply.code(400).send({ error: error.message });
      }
      throw error;
    }
    try {
      for (const report of reports) await onReport(report);
    } catch (error) {
      request.log.error({ err: error }, 'SMS status report not recorded');
      return reply.code(503).send({ error: 'Status report not recorded; send it again later' });
    }
    return reply.code(200).send({ received: reports.length });
  };

  app.post<{ Params: { secret: string } }>('/api/sms/reports/:secret', { bodyLimit: BODY_LIMIT, onRequest: checkSecret }, (request, reply) =>
    handle(request, reply, request.body),
  );
  // No automatic HEAD twin: a HEAD request must not record anything.
  app.get<{ Params: { secret: string } }>('/api/sms/reports/:secret', { onRequest: checkSecret, exposeHeadRoute: false }, (request, reply) =>
    handle(request, reply, request.query),
  );
};

/** Fixed-length digests, so timingSafeEqual never sees different lengths (which would leak them). */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
