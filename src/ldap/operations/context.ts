// What every LDAP operation handler gets: the services it may call and the connection it answers on.
import type { Logger } from 'pino';
import type { Authenticator } from '../../identity/types.ts';
import type { DirectoryService } from '../../directory/directory-service.ts';
import type { LdapConnection } from '../connection.ts';
import type { LdapMessage } from '../protocol/types.ts';

export interface LdapLimits {
  maxSizeLimit: number;
  maxTimeLimitSeconds: number;
}

export interface LdapContext {
  directory: DirectoryService;
  auth: Authenticator;
  logger: Logger;
  limits: LdapLimits;
  /** Signs paged-results cookies (per process: a cookie does not outlive a restart). */
  cookieSecret: Buffer;
}

export type OperationHandler<K extends LdapMessage['request']['kind']> = (
  context: LdapContext,
  connection: LdapConnection,
  message: LdapMessage & { request: Extract<LdapMessage['request'], { kind: K }> },
) => Promise<void>;
