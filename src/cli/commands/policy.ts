// `zorgpost policy …`: an organisation's secure-send policy (SPEC R14, R16–R18): install type,
// Viewer retention, subject triggers, the manual's add-in settings, and the registry Type import.
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';
import { installTypeFromRegistry, unsafeSendRule, type OrganisationPolicy, type PolicyPatch } from '../../policy/organisation-policy.ts';
import { INSTALL_TYPES } from '../../secure/types.ts';

const onOff = (value: string, name: string): boolean => {
  if (/^(1|on|true|yes|ja)$/i.test(value)) return true;
  if (/^(0|off|false|no|nee)$/i.test(value)) return false;
  throw new UserError('BADINPUT', `--${name} takes 1/0, on/off, true/false (got "${value}")`);
};

function describe(domain: string, policy: OrganisationPolicy): string {
  const rule = unsafeSendRule(policy);
  const unsafe = {
    viewer: 'sent through the Viewer (AutomaticallyOverrideSend)',
    refuse: 'refused with an explanation of the subject triggers',
    allow: policy.installType === 'standaard' ? 'sent as ordinary e-mail (standaard has no Viewer)' : 'sent as ordinary e-mail, audit-logged (DisableSecurityByDefault)',
  }[rule];
  return [
    `Policy of ${domain}`,
    `  install type:                ${policy.installType}`,
    `  Viewer retention:            ${policy.retentionDays} days`,
    `  subject triggers:            ${policy.triggers.map((t) => `[${t}]`).join(' ')}`,
    `  external mail without trigger: ${unsafe}`,
    `  AutomaticallyOverrideSend:   ${Number(policy.automaticallyOverrideSend)}`,
    `  DisableSecurityByDefault:    ${Number(policy.disableSecurityByDefault)}`,
    `  DoNotShowConfirmation:       ${Number(policy.doNotShowConfirmation)}`,
    `  DoNotShowUnsafeConfirmation: ${Number(policy.doNotShowUnsafeConfirmation)}`,
    `  EnableAutoUpdate:            ${Number(policy.enableAutoUpdate)}`,
    `  LanguageSetting:             ${policy.languageSetting}`,
    `  LoggingSetting:              ${Number(policy.loggingSetting)}`,
    `  code requests per day:       ${policy.sms.maxCodeRequestsPerDay}`,
    `  patient channel:             ${policy.patientChannel.enabled ? `on, to ${policy.patientChannel.mailbox}` : 'off'}`,
  ].join('\n');
}

interface SetOptions {
  org: string;
  type?: string;
  registryType?: string;
  pluginVersion?: string;
  retentionDays?: string;
  triggers?: string;
  automaticallyOverrideSend?: string;
  disableSecurityByDefault?: string;
  doNotShowConfirmation?: string;
  doNotShowUnsafeConfirmation?: string;
  enableAutoUpdate?: string;
  language?: string;
  logging?: string;
  maxCodeRequests?: string;
  patientChannel?: string;
  patientMailbox?: string;
}

function patchFrom(opts: SetOptions): PolicyPatch {
  const patch: PolicyPatch = {};
  if (opts.type !== undefined && opts.registryType !== undefined) throw new UserError('BADINPUT', 'give either --type or --registry-type, not both');
  if (opts.type !== undefined) {
    if (!(INSTALL_TYPES as readonly string[]).includes(opts.type)) {
      throw new UserError('BADINPUT', `--type must be one of ${INSTALL_TYPES.join(', ')} (got "${opts.type}")`);
    }
    patch.installType = opts.type as OrganisationPolicy['installType'];
  }
  if (opts.registryType !== undefined) {
    if (!opts.pluginVersion) throw new UserError('BADINPUT', '--registry-type needs --plugin-version (the values changed in plug-in 2.11)');
    try {
      patch.installType = installTypeFromRegistry(Number.parseInt(opts.registryType, 10), opts.pluginVersion);
    } catch (error) {
      throw new UserError('BADINPUT', (error as Error).message);
    }
  }
  const number = (value: string, name: string) => {
    if (!/^\d+$/.test(value)) throw new UserError('BADINPUT', `--${name} takes a whole number (got "${value}")`);
    return Number(value);
  };
  if (opts.retentionDays !== undefined) patch.retentionDays = number(opts.retentionDays, 'retention-days');
  if (opts.triggers !== undefined) patch.triggers = opts.triggers.split(',').map((t) => t.trim()).filter(Boolean);
  if (opts.automaticallyOverrideSend !== undefined) patch.automaticallyOverrideSend = onOff(opts.automaticallyOverrideSend, 'automatically-override-send');
  if (opts.disableSecurityByDefault !== undefined) patch.disableSecurityByDefault = onOff(opts.disableSecurityByDefault, 'disable-security-by-default');
  if (opts.doNotShowConfirmation !== undefined) patch.doNotShowConfirmation = onOff(opts.doNotShowConfirmation, 'do-not-show-confirmation');
  if (opts.doNotShowUnsafeConfirmation !== undefined) patch.doNotShowUnsafeConfirmation = onOff(opts.doNotShowUnsafeConfirmation, 'do-not-show-unsafe-confirmation');
  if (opts.enableAutoUpdate !== undefined) patch.enableAutoUpdate = onOff(opts.enableAutoUpdate, 'enable-auto-update');
  if (opts.logging !== undefined) patch.loggingSetting = onOff(opts.logging, 'logging');
  if (opts.language !== undefined) {
    const language = { dutch: 'Dutch', nl: 'Dutch', english: 'English', en: 'English', german: 'German', de: 'German' }[opts.language.toLowerCase()];
    if (!language) throw new UserError('BADINPUT', `--language takes Dutch, English or German (got "${opts.language}")`);
    patch.languageSetting = language as OrganisationPolicy['languageSetting'];
  }
  if (opts.maxCodeRequests !== undefined) patch.sms = { maxCodeRequestsPerDay: number(opts.maxCodeRequests, 'max-code-requests') };
  if (opts.patientChannel !== undefined || opts.patientMailbox !== undefined) {
    patch.patientChannel = {
      ...(opts.patientChannel !== undefined ? { enabled: onOff(opts.patientChannel, 'patient-channel') } : {}),
      ...(opts.patientMailbox !== undefined ? { mailbox: opts.patientMailbox } : {}),
    };
  }
  if (Object.keys(patch).length === 0) throw new UserError('BADINPUT', 'nothing to change: give at least one setting (see zorgpost policy set --help)');
  return patch;
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description("an organisation's secure-send policy: install type, Viewer retention, triggers, add-in settings");

  policy
    .command('show')
    .description('show the effective policy (defaults filled in)')
    .requiredOption('--org <domain>', 'organisation domain')
    .action((opts: { org: string }, command: Command) =>
      withServices(command, async ({ policies }, options) => {
        const org = await policies.organisation(opts.org);
        const effective = await policies.get(org.id);
        output(options, { organisation: org.domain, ...effective, unsafeExternalSend: unsafeSendRule(effective) }, describe(org.domain, effective));
      }),
    );

  policy
    .command('set')
    .description('change settings; unnamed settings keep their value')
    .requiredOption('--org <domain>', 'organisation domain')
    .option('--type <type>', `install type: ${INSTALL_TYPES.join(' | ')}`)
    .option('--registry-type <n>', "the manual's registry value Type (needs --plugin-version)")
    .option('--plugin-version <version>', 'plug-in version the registry value comes from, e.g. 2.10 or 2.11.6')
    .option('--retention-days <days>', 'days a Viewer message stays readable (default 90)')
    .option('--triggers <words>', 'comma-separated subject trigger keywords (default veilig,secure)')
    .option('--automatically-override-send <0|1>', 'AutomaticallyOverrideSend: every external message goes through the Viewer')
    .option('--disable-security-by-default <0|1>', 'DisableSecurityByDefault: external mail without trigger goes out unencrypted (logged)')
    .option('--do-not-show-confirmation <0|1>', 'DoNotShowConfirmation (add-in)')
    .option('--do-not-show-unsafe-confirmation <0|1>', 'DoNotShowUnsafeConfirmation (add-in)')
    .option('--enable-auto-update <0|1>', 'EnableAutoUpdate (add-in)')
    .option('--language <language>', 'LanguageSetting: Dutch, English or German (also the Viewer language)')
    .option('--logging <0|1>', 'LoggingSetting (add-in diagnostics)')
    .option('--max-code-requests <n>', 'access-code requests allowed per Viewer message per day (default 5)')
    .option('--patient-channel <0|1>', 'the public patient page (SPEC R31)')
    .option('--patient-mailbox <address>', 'the practice mailbox that receives patient messages')
    .action((opts: SetOptions, command: Command) =>
      withServices(command, async ({ policies }, options) => {
        const org = await policies.organisation(opts.org);
        const updated = await policies.update(org.id, patchFrom(opts), cliActor());
        output(options, { organisation: org.domain, ...updated }, `${describe(org.domain, updated)}\nSaved.`);
      }),
    );

  policy
    .command('registry-type')
    .description("translate the manual's registry value Type to an install type (it differs by plug-in version)")
    .argument('<value>', 'the registry value, 1-5')
    .requiredOption('--plugin-version <version>', 'e.g. 2.10 or 2.11.6')
    .action((value: string, opts: { pluginVersion: string }, command: Command) => {
      const options = command.optsWithGlobals<{ json?: boolean }>();
      let type;
      try {
        type = installTypeFromRegistry(Number.parseInt(value, 10), opts.pluginVersion);
      } catch (error) {
        throw new UserError('BADINPUT', (error as Error).message);
      }
      output(options, { value: Number(value), pluginVersion: opts.pluginVersion, installType: type }, type);
    });
}
