// The simple paged results cookie (RFC 2696 §3): opaque to the client, it carries where the previous
// page stopped and how many entries were sent so far, signed so a client can neither forge a position
// nor reuse a cookie with a different search.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PagePosition {
  /** Directory position of the last entry sent. */
  last: number;
  /** Entries sent over all pages so far (the search's sizeLimit counts them all). */
  sent: number;
}

const MAC_BYTES = 16;

export function encodeCookie(secret: Buffer, searchKey: string, position: PagePosition): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(position.last, 0);
  body.writeUInt32BE(position.sent, 4);
  return Buffer.concat([body, mac(secret, searchKey, body)]);
}

/** The position in a cookie, or null when it is not one of ours for this search. */
export function decodeCookie(secret: Buffer, searchKey: string, cookie: Buffer): PagePosition | null {
  if (cookie.length !== 8 + MAC_BYTES) return null;
  const body = cookie.subarray(0, 8);
  if (!timingSafeEqual(cookie.subarray(8), mac(secret, searchKey, body))) return null;
  return { last: body.readInt32BE(0), sent: body.readUInt32BE(4) };
}

function mac(secret: Buffer, searchKey: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(searchKey).update(body).digest().subarray(0, MAC_BYTES);
}
