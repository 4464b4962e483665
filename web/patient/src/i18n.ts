// Every sentence the patient page shows, in Dutch (the default), English and German, in one place so
// a translator sees them side by side. Dutch defines the keys; the other languages must have exactly
// the same ones (the compiler checks). Sentences with values are functions, so word order can differ.
import type { CodeChannel } from '../../../src/web/patient/wire.ts';
import { formatsFor, type Formats, type Language } from '../../shared/language.ts';

const nl = {
  appTitle: 'Bericht aan de praktijk',
  languageGroup: 'Taal',
  signOut: 'Afmelden',
  loading: 'Bezig met laden…',
  footer:
    'Beveiligde verbinding. Deze pagina gebruikt alleen een cookie om te onthouden dat u uw code heeft ingevoerd.',
  step: (step: number, of: number) => `Stap ${step} van ${of}`,

  contactHeading: (organisation: string) => `Stuur ${organisation} een beveiligd bericht`,
  contactIntro:
    'Vul uw naam en e-mailadres in. U krijgt een code om te bevestigen dat het adres van u is; daarna schrijft u uw bericht.',
  privacy: (organisation: string) =>
    `${organisation} ontvangt uw bericht beveiligd. Uw e-mailadres en mobiele nummer gebruiken wij alleen om u de code te sturen en om het antwoord van de praktijk beveiligd bij u te krijgen.`,
  nameLabel: 'Uw naam',
  emailLabel: 'Uw e-mailadres',
  mobileLabel: 'Uw mobiele nummer (niet verplicht)',
  mobileHint: 'Vult u een mobiel nummer in, dan krijgt u de code per sms. Anders krijgt u de code per e-mail.',
  requestCode: 'Code aanvragen',
  nameEmpty: 'Vul uw naam in.',
  emailInvalid: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.',
  mobileInvalid:
    'Dit is geen mobiel nummer. Vul een mobiel nummer in (bijvoorbeeld 06-12345678) of laat het veld leeg.',

  codeHeading: 'Code invoeren',
  codeSent: (channel: CodeChannel, destination: string, until: string) =>
    channel === 'sms'
      ? `Wij hebben een code per sms gestuurd naar ${destination}. De code is geldig tot ${until}.`
      : `Wij hebben een code per e-mail gestuurd naar ${destination}. De code is geldig tot ${until}.`,
  codeLabel: 'Code',
  codeHint: 'De code bestaat uit 6 cijfers en werkt één keer.',
  codeSubmit: 'Bevestigen',
  codeResend: 'Nieuwe code sturen',
  codeResent: 'Er is een nieuwe code verstuurd. Alleen de nieuwste code werkt.',
  codeEmpty: 'Vul de code in.',
  changeDetails: 'Gegevens wijzigen',

  messageHeading: 'Uw bericht',
  messageIntro: (organisation: string) => `Uw bericht gaat beveiligd naar ${organisation}.`,
  sessionUntil: (time: string) => `U kunt berichten versturen tot ${time}; daarna heeft u een nieuwe code nodig.`,
  subjectLabel: 'Onderwerp',
  textLabel: 'Uw bericht',
  filesLabel: 'Bijlagen toevoegen',
  filesHint: 'Of sleep bestanden naar dit vak. Maximaal 10 bestanden, 25 MB per bestand en 50 MB samen.',
  filesChosen: 'Gekozen bestanden',
  fileRemove: 'Verwijderen',
  send: 'Bericht versturen',
  sending: 'Bezig met versturen…',
  messageEmpty: 'Schrijf een bericht of voeg een bijlage toe.',

  sentHeading: 'Uw bericht is verstuurd',
  sentText: (organisation: string, attachments: number) =>
    attachments === 0
      ? `${organisation} heeft uw bericht beveiligd ontvangen.`
      : attachments === 1
        ? `${organisation} heeft uw bericht met 1 bijlage beveiligd ontvangen.`
        : `${organisation} heeft uw bericht met ${attachments} bijlagen beveiligd ontvangen.`,
  sentAnswer: 'Als de praktijk antwoordt, krijgt u een e-mail met een link naar een beveiligd bericht.',
  writeAnother: 'Nog een bericht schrijven',
  signedOut: 'U bent afgemeld.',

  notFoundHeading: 'Pagina niet gevonden',
  notFoundText:
    'Op dit adres is geen patiëntenpagina. Controleer het adres, of neem op een andere manier contact op met uw praktijk.',
  failedHeading: 'Er ging iets mis',
  failedText: 'De pagina kon niet worden geladen. Probeer het over enkele minuten opnieuw.',
  retry: 'Opnieuw proberen',

  errorWrongCode: (left: number) =>
    left === 1
      ? 'De code is niet juist. U kunt het nog 1 keer proberen.'
      : `De code is niet juist. U kunt het nog ${left} keer proberen.`,
  errorCodeExpired: 'Deze code is verlopen. Vraag een nieuwe code aan.',
  errorNoCode: 'Deze code is niet meer geldig. Vraag een nieuwe code aan.',
  errorLocked: 'Te veel onjuiste codes. Vraag een nieuwe code aan.',
  errorRateLimited: (after: string) => `Er zijn te veel codes aangevraagd. Probeer het na ${after} opnieuw.`,
  errorRateLimitedNoTime: 'Te veel verzoeken. Wacht even en probeer het opnieuw.',
  errorDeliveryFailed: 'De code kon niet worden verstuurd. Probeer het over enkele minuten opnieuw.',
  errorSessionExpired: 'Uw sessie is verlopen. Vraag een nieuwe code aan om verder te gaan.',
  errorFileTooLarge: (name: string) => `${name} is groter dan 25 MB en kan niet worden meegestuurd.`,
  errorSomeFileTooLarge: 'Een van de bijlagen is groter dan 25 MB.',
  errorTooManyFiles: 'U kunt maximaal 10 bestanden meesturen.',
  errorTotalTooLarge: 'De bijlagen zijn samen groter dan 50 MB.',
  errorTextTooLong: 'Uw bericht is te lang.',
  errorTooLarge: 'Uw bericht is te groot.',
  errorUnavailable: 'De dienst is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.',
  errorNetwork: 'Er is geen verbinding. Controleer uw internetverbinding en probeer het opnieuw.',
  errorGeneric: 'Er ging iets mis. Probeer het opnieuw.',
};

export type Messages = typeof nl;

const en: Messages = {
  appTitle: 'Message to the practice',
  languageGroup: 'Language',
  signOut: 'Sign out',
  loading: 'Loading…',
  footer: 'Secure connection. This page uses only a cookie that remembers that you entered your code.',
  step: (step, of) => `Step ${step} of ${of}`,

  contactHeading: (organisation) => `Send ${organisation} a secure message`,
  contactIntro:
    'Enter your name and e-mail address. You will receive a code to confirm that the address is yours; then you write your message.',
  privacy: (organisation) =>
    `${organisation} receives your message securely. We use your e-mail address and mobile number only to send you the code and to get the practice's answer to you securely.`,
  nameLabel: 'Your name',
  emailLabel: 'Your e-mail address',
  mobileLabel: 'Your mobile number (optional)',
  mobileHint: 'If you enter a mobile number, you receive the code by text message. Otherwise you receive it by e-mail.',
  requestCode: 'Request code',
  nameEmpty: 'Enter your name.',
  emailInvalid: 'Enter a valid e-mail address, for example name@example.com.',
  mobileInvalid:
    'This is not a mobile number. Enter a mobile number (for example +31 6 12345678) or leave the field empty.',

  codeHeading: 'Enter code',
  codeSent: (channel, destination, until) =>
    channel === 'sms'
      ? `We have sent a code by text message to ${destination}. The code is valid until ${until}.`
      : `We have sent a code by e-mail to ${destination}. The code is valid until ${until}.`,
  codeLabel: 'Code',
  codeHint: 'The code has 6 digits and works once.',
  codeSubmit: 'Confirm',
  codeResend: 'Send a new code',
  codeResent: 'A new code has been sent. Only the newest code works.',
  codeEmpty: 'Enter the code.',
  changeDetails: 'Change details',

  messageHeading: 'Your message',
  messageIntro: (organisation) => `Your message is sent securely to ${organisation}.`,
  sessionUntil: (time) => `You can send messages until ${time}; after that you need a new code.`,
  subjectLabel: 'Subject',
  textLabel: 'Your message',
  filesLabel: 'Add attachments',
  filesHint: 'Or drag files into this box. At most 10 files, 25 MB per file and 50 MB in total.',
  filesChosen: 'Chosen files',
  fileRemove: 'Remove',
  send: 'Send message',
  sending: 'Sending…',
  messageEmpty: 'Write a message or add an attachment.',

  sentHeading: 'Your message has been sent',
  sentText: (organisation, attachments) =>
    attachments === 0
      ? `${organisation} has received your message securely.`
      : attachments === 1
        ? `${organisation} has received your message with 1 attachment securely.`
        : `${organisation} has received your message with ${attachments} attachments securely.`,
  sentAnswer: 'When the practice answers, you receive an e-mail with a link to a secure message.',
  writeAnother: 'Write another message',
  signedOut: 'You have signed out.',

  notFoundHeading: 'Page not found',
  notFoundText: 'There is no patient page at this address. Check the address, or contact your practice another way.',
  failedHeading: 'Something went wrong',
  failedText: 'The page could not be loaded. Please try again in a few minutes.',
  retry: 'Try again',

  errorWrongCode: (left) =>
    left === 1
      ? 'The code is not correct. You can try 1 more time.'
      : `The code is not correct. You can try ${left} more times.`,
  errorCodeExpired: 'This code has expired. Request a new code.',
  errorNoCode: 'This code is no longer valid. Request a new code.',
  errorLocked: 'Too many wrong codes. Request a new code.',
  errorRateLimited: (after) => `Too many codes have been requested. Try again after ${after}.`,
  errorRateLimitedNoTime: 'Too many requests. Wait a moment and try again.',
  errorDeliveryFailed: 'The code could not be sent. Please try again in a few minutes.',
  errorSessionExpired: 'Your session has expired. Request a new code to continue.',
  errorFileTooLarge: (name) => `${name} is larger than 25 MB and cannot be attached.`,
  errorSomeFileTooLarge: 'One of the attachments is larger than 25 MB.',
  errorTooManyFiles: 'You can attach at most 10 files.',
  errorTotalTooLarge: 'The attachments are larger than 50 MB together.',
  errorTextTooLong: 'Your message is too long.',
  errorTooLarge: 'Your message is too large.',
  errorUnavailable: 'The service is temporarily unavailable. Please try again in a few minutes.',
  errorNetwork: 'There is no connection. Check your internet connection and try again.',
  errorGeneric: 'Something went wrong. Please try again.',
};

const de: Messages = {
  appTitle: 'Nachricht an die Praxis',
  languageGroup: 'Sprache',
  signOut: 'Abmelden',
  loading: 'Wird geladen…',
  footer:
    'Sichere Verbindung. Diese Seite verwendet nur ein Cookie, das sich merkt, dass Sie Ihren Code eingegeben haben.',
  step: (step, of) => `Schritt ${step} von ${of}`,

  contactHeading: (organisation) => `${organisation} eine sichere Nachricht senden`,
  contactIntro:
    'Geben Sie Ihren Namen und Ihre E-Mail-Adresse ein. Sie erhalten einen Code, mit dem Sie bestätigen, dass die Adresse Ihnen gehört; danach schreiben Sie Ihre Nachricht.',
  privacy: (organisation) =>
    `${organisation} erhält Ihre Nachricht sicher. Ihre E-Mail-Adresse und Mobilnummer verwenden wir nur, um Ihnen den Code zu senden und Ihnen die Antwort der Praxis sicher zukommen zu lassen.`,
  nameLabel: 'Ihr Name',
  emailLabel: 'Ihre E-Mail-Adresse',
  mobileLabel: 'Ihre Mobilnummer (freiwillig)',
  mobileHint: 'Wenn Sie eine Mobilnummer angeben, erhalten Sie den Code per SMS. Sonst erhalten Sie ihn per E-Mail.',
  requestCode: 'Code anfordern',
  nameEmpty: 'Geben Sie Ihren Namen ein.',
  emailInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de.',
  mobileInvalid:
    'Dies ist keine Mobilnummer. Geben Sie eine Mobilnummer ein (zum Beispiel +49 151 12345678) oder lassen Sie das Feld leer.',

  codeHeading: 'Code eingeben',
  codeSent: (channel, destination, until) =>
    channel === 'sms'
      ? `Wir haben einen Code per SMS an ${destination} gesendet. Der Code ist gültig bis ${until}.`
      : `Wir haben einen Code per E-Mail an ${destination} gesendet. Der Code ist gültig bis ${until}.`,
  codeLabel: 'Code',
  codeHint: 'Der Code hat 6 Ziffern und funktioniert einmal.',
  codeSubmit: 'Bestätigen',
  codeResend: 'Neuen Code senden',
  codeResent: 'Ein neuer Code wurde gesendet. Nur der neueste Code funktioniert.',
  codeEmpty: 'Geben Sie den Code ein.',
  changeDetails: 'Angaben ändern',

  messageHeading: 'Ihre Nachricht',
  messageIntro: (organisation) => `Ihre Nachricht wird sicher an ${organisation} gesendet.`,
  sessionUntil: (time) => `Sie können bis ${time} Nachrichten senden; danach benötigen Sie einen neuen Code.`,
  subjectLabel: 'Betreff',
  textLabel: 'Ihre Nachricht',
  filesLabel: 'Anhänge hinzufügen',
  filesHint: 'Oder ziehen Sie Dateien in dieses Feld. Höchstens 10 Dateien, 25 MB pro Datei und 50 MB insgesamt.',
  filesChosen: 'Ausgewählte Dateien',
  fileRemove: 'Entfernen',
  send: 'Nachricht senden',
  sending: 'Wird gesendet…',
  messageEmpty: 'Schreiben Sie eine Nachricht oder fügen Sie einen Anhang hinzu.',

  sentHeading: 'Ihre Nachricht wurde gesendet',
  sentText: (organisation, attachments) =>
    attachments === 0
      ? `${organisation} hat Ihre Nachricht sicher erhalten.`
      : attachments === 1
        ? `${organisation} hat Ihre Nachricht mit 1 Anhang sicher erhalten.`
        : `${organisation} hat Ihre Nachricht mit ${attachments} Anhängen sicher erhalten.`,
  sentAnswer: 'Wenn die Praxis antwortet, erhalten Sie eine E-Mail mit einem Link zu einer sicheren Nachricht.',
  writeAnother: 'Weitere Nachricht schreiben',
  signedOut: 'Sie haben sich abgemeldet.',

  notFoundHeading: 'Seite nicht gefunden',
  notFoundText:
    'Unter dieser Adresse gibt es keine Patientenseite. Prüfen Sie die Adresse oder wenden Sie sich auf anderem Weg an Ihre Praxis.',
  failedHeading: 'Etwas ist schiefgelaufen',
  failedText: 'Die Seite konnte nicht geladen werden. Bitte versuchen Sie es in einigen Minuten erneut.',
  retry: 'Erneut versuchen',

  errorWrongCode: (left) =>
    left === 1
      ? 'Der Code ist nicht korrekt. Sie haben noch 1 Versuch.'
      : `Der Code ist nicht korrekt. Sie haben noch ${left} Versuche.`,
  errorCodeExpired: 'Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.',
  errorNoCode: 'Dieser Code ist nicht mehr gültig. Fordern Sie einen neuen Code an.',
  errorLocked: 'Zu viele falsche Codes. Fordern Sie einen neuen Code an.',
  errorRateLimited: (after) => `Es wurden zu viele Codes angefordert. Versuchen Sie es nach ${after} erneut.`,
  errorRateLimitedNoTime: 'Zu viele Anfragen. Warten Sie einen Moment und versuchen Sie es erneut.',
  errorDeliveryFailed: 'Der Code konnte nicht gesendet werden. Bitte versuchen Sie es in einigen Minuten erneut.',
  errorSessionExpired: 'Ihre Sitzung ist abgelaufen. Fordern Sie einen neuen Code an, um fortzufahren.',
  errorFileTooLarge: (name) => `${name} ist größer als 25 MB und kann nicht angehängt werden.`,
  errorSomeFileTooLarge: 'Einer der Anhänge ist größer als 25 MB.',
  errorTooManyFiles: 'Sie können höchstens 10 Dateien anhängen.',
  errorTotalTooLarge: 'Die Anhänge sind zusammen größer als 50 MB.',
  errorTextTooLong: 'Ihre Nachricht ist zu lang.',
  errorTooLarge: 'Ihre Nachricht ist zu groß.',
  errorUnavailable: 'Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut.',
  errorNetwork: 'Keine Verbindung. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
  errorGeneric: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
};

export const MESSAGES: Record<Language, Messages> = { nl, en, de };

/** The dictionary of one language with its date and size formats. */
export interface Texts extends Formats {
  t: Messages;
}

export function textsFor(language: Language): Texts {
  return { ...formatsFor(language), t: MESSAGES[language] };
}
