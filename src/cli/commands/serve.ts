// `zorgpost serve`: every listener on the configured ports until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { pino } from 'pino';
import { startServer } from '../../main.ts';
import { effectiveConfig, globalOptions } from '../context.ts';

const STANDARD_PORTS = { smtps: 465, submission: 587, imaps: 993, pop3s: 995, ldaps: 636, https: 443 } as const;
const LABELS = { smtps: 'SMTPS (submission, TLS)', submission: 'Submission (STARTTLS)', imaps: 'IMAPS', pop3s: 'POP3S', ldaps: 'LDAPS (address book)', https: 'HTTPS' } as const;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run every listener (SMTP, IMAP, POP3, LDAP, HTTPS) on the data directory')
    .action(async (_options, command: Command) => {
      const options = globalOptions(command);
      const config = effectiveConfig(options);
      const logger = pino({ level: config.log.level });
      const server = await startServer(config, logger);
      const lines = [`Zorgpost is running as ${config.hostname}; data in ${config.dataDir}`];
      for (const listener of server.listeners) {
        const standard = STANDARD_PORTS[listener.name];
        lines.push(`  ${LABELS[listener.name].padEnd(26)} port ${String(listener.port).padEnd(6)} (standard ${standard})`);
      }
      const disabled = Object.keys(STANDARD_PORTS).filter((name) => !server.listeners.some((l) => l.name === name));
      if (disabled.length) lines.push(`  disabled: ${disabled.join(', ')}`);
      if (server.caFile) lines.push(`  TLS: local CA certificate for clients to trust: ${server.caFile}`);
      if (server.createdTlsFiles.length) lines.push(`  TLS: created ${server.createdTlsFiles.join(', ')}`);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ hostname: config.hostname, dataDir: config.dataDir, listeners: server.listeners, caFile: server.caFile })}\n`);
      } else {
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
