// Chooses the SMS gateway from configuration (config key `sms`): the outbox for development, CM.com
// for production. main.ts calls this once and hands the gateway to the Viewer services.
import type { Logger } from 'pino';
import type { SmsGateway } from '../types.ts';
import { CmSmsGateway } from './cm-gateway.ts';
import { OutboxSmsGateway, smsOutboxDir } from './outbox-gateway.ts';

export interface SmsGatewayConfig {
  gateway: 'outbox' | 'cm';
  cm: { endpoint: string; productToken?: string | undefined; sender: string };
}

export function createSmsGateway(config: SmsGatewayConfig, dataDir: string, options: { logger?: Logger; timeoutMs?: number } = {}): SmsGateway {
  if (config.gateway === 'outbox') return new OutboxSmsGateway(smsOutboxDir(dataDir));
  // loadConfig already refuses `cm` without a token; this guards other callers.
  if (!config.cm.productToken) throw new Error('sms.cm.productToken is required when sms.gateway is "cm"');
  return new CmSmsGateway({
    endpoint: config.cm.endpoint,
    productToken: config.cm.productToken,
    sender: config.cm.sender,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.logger && { logger: options.logger.child({ component: 'sms' }) }),
  });
}
