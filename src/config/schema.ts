// The one documented configuration schema (STYLE §8). Defaults are the development setup of SPEC
// R11/R26: every listener on 10000 + its standard port, everything stored under ./data.
// (zod 4: `prefault` parses its value, so nested defaults apply when a whole section is omitted.)
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

export const configSchema = z
  .object({
    hostname: z.string().min(1).default('localhost').describe('Public host name: greeting, Received headers, certificate'),
    dataDir: z.string().min(1).default('./data').describe('Where the database, message blobs and TLS files live'),
    listenAddress: z.string().min(1).default('::').describe('Address every listener binds ("::" = all, IPv4 and IPv6)'),
    ports: z
      .object({
        smtps: port.default(10465).describe('SMTP submission with implicit TLS (production: 465); 0 disables'),
        submission: port.default(10587).describe('SMTP submission with STARTTLS (production: 587); 0 disables'),
        imaps: port.default(10993).describe('IMAP with implicit TLS (production: 993); 0 disables'),
        pop3s: port.default(10995).describe('POP3 with implicit TLS (production: 995); 0 disables'),
        https: port.default(10443).describe('HTTPS (production: 443); 0 disables'),
        ldaps: port.default(10636).describe('LDAP address book with implicit TLS (production: 636); 0 disables'),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({
        certFile: z.string().optional().describe('PEM certificate chain; without it a local CA in <dataDir>/tls issues one'),
        keyFile: z.string().optional().describe('PEM private key for certFile'),
      })
      .strict()
      .prefault({}),
    ldap: z
      .object({
        baseDn: z.string().min(1).default('ou=se,dc=zorgmail').describe('Search base of the address book (the manual: ou=se,dc=zorgmail)'),
        maxSizeLimit: z.number().int().positive().default(1000).describe('Most entries one search returns without paging'),
        maxTimeLimitSeconds: z.number().int().positive().default(30).describe('Longest a search may run'),
        maxMessageBytes: z.number().int().positive().default(64 * 1024).describe('Largest LDAP request accepted'),
        idleTimeoutSeconds: z.number().int().positive().default(600).describe('Closes connections idle this long'),
        cacheEntries: z.number().int().min(0).default(100_000).describe('Directory entries kept decoded in memory for searches'),
      })
      .strict()
      .prefault({}),
    secure: z
      .object({
        publicUrl: z
          .string()
          .url()
          .optional()
          .describe('Base URL in Viewer links, e.g. https://mail.example.nl (default: https://<hostname>[:<https port>])'),
        masterKeyFile: z.string().optional().describe('File with the 256-bit master key that wraps Viewer content keys (default <dataDir>/keys/master.key, created on first start)'),
        expiryCheckSeconds: z.number().int().positive().default(300).describe('How often expired Viewer content is deleted'),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        maxMessageBytes: z.number().int().positive().default(50 * 1024 * 1024).describe('Largest message accepted (SMTP SIZE, IMAP APPENDLIMIT)'),
        maxConnections: z.number().int().positive().default(3000).describe('Open connections per listener'),
        maxConnectionsPerAddress: z.number().int().positive().default(200).describe('Open connections per listener from one source address'),
        tlsHandshakeSeconds: z.number().int().positive().default(30).describe('Time a new connection has to complete its TLS handshake'),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        maxFailuresPerAccount: z.number().int().positive().default(10),
        maxFailuresPerAddress: z.number().int().positive().default(50),
        failureWindowSeconds: z.number().int().positive().default(900),
        failureDelayMs: z.number().int().min(0).default(1000).describe('Pause before answering a failed login'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    // SPEC R15: Viewer access codes by SMS (src/secure/sms/).
    sms: z
      .object({
        gateway: z.enum(['outbox', 'cm']).default('outbox').describe('"outbox": SMS written to <dataDir>/outbox/sms for development; "cm": sent through CM.com'),
        cm: z
          .object({
            endpoint: z.url({ protocol: /^https?$/ }).default('https://gw.messaging.cm.com/v1.0/message').describe('CM.com Business Messaging API endpoint'),
            productToken: z.string().min(1).optional().describe('CM.com product token (required for gateway "cm"; prefer ZORGPOST_CM_PRODUCT_TOKEN)'),
            sender: z
              .string()
              .regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^[0-9]{1,16}$/, 'must be 1 to 11 letters, digits or spaces (with a letter), or up to 16 digits')
              .default('Zorgpost')
              .describe('Sender name shown on the phone'),
          })
          .strict()
          .prefault({}),
        webhookSecret: z
          .string()
          .regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24 to 128 letters, digits, "-" or "_"')
          .optional()
          .describe('Random path segment of the status report webhook /api/sms/reports/<secret>; unset disables it'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
