// Every sentence the Viewer shows, in Dutch (the default), English and German (SPEC R18's three
// languages), in one place so a translator sees them side by side. Dutch defines the keys; the other
// languages must have exactly the same ones (the compiler checks). Sentences with values are
// functions, so word order can differ per language.
import type { CodeChannel } from '../../../src/web/viewer/wire.ts';
import { formatsFor, type Formats, type Language } from '../../shared/language.ts';

export { LANGUAGES, LANGUAGE_NAMES, isLanguage, type Language } from '../../shared/language.ts';

const nl = {
  appTitle: 'Beveiligd bericht',
  languageGroup: 'Taal',
  signOut: 'Afmelden',
  loading: 'Bezig met laden…',
  footer:
    'Beveiligde verbinding. Deze pagina gebruikt alleen een cookie om u aangemeld te houden zolang u het bericht leest.',

  landingHeading: 'U heeft een beveiligd bericht ontvangen',
  landingFrom: (sender: string, organisation: string) =>
    sender && organisation
      ? `${sender} (${organisation}) heeft u een beveiligd bericht gestuurd.`
      : `${sender || organisation} heeft u een beveiligd bericht gestuurd.`,
  landingExplain: 'Om het bericht te openen heeft u een eenmalige toegangscode nodig.',
  landingChannel: (channel: CodeChannel, destination: string) =>
    channel === 'sms'
      ? `Wij sturen de code per sms naar ${destination}.`
      : `Wij sturen de code per e-mail naar ${destination}.`,
  landingAvailableUntil: (date: string) => `Het bericht is beschikbaar tot ${date}.`,
  landingLocked: (until: string) => `Na te veel onjuiste codes is dit bericht tijdelijk geblokkeerd, tot ${until}.`,
  requestCode: 'Code aanvragen',
  haveCode: 'Ik heb al een code',

  codeHeading: 'Toegangscode invoeren',
  codeSent: (channel: CodeChannel, destination: string, until: string) =>
    channel === 'sms'
      ? `Wij hebben een code per sms gestuurd naar ${destination}. De code is geldig tot ${until}.`
      : `Wij hebben een code per e-mail gestuurd naar ${destination}. De code is geldig tot ${until}.`,
  codeAlreadySent: (channel: CodeChannel, destination: string) =>
    channel === 'sms'
      ? `Voer de code in die u per sms op ${destination} heeft ontvangen.`
      : `Voer de code in die u per e-mail op ${destination} heeft ontvangen.`,
  codeLabel: 'Toegangscode',
  codeHint: 'De code is 15 minuten geldig en werkt één keer.',
  codeSubmit: 'Bericht openen',
  codeResend: 'Nieuwe code sturen',
  codeResendsLeft: (left: number) =>
    left === 1 ? 'U kunt nog 1 keer een nieuwe code aanvragen.' : `U kunt nog ${left} keer een nieuwe code aanvragen.`,
  codeResent: 'Er is een nieuwe code verstuurd. Alleen de nieuwste code werkt.',
  codeEmpty: 'Vul de toegangscode in.',
  back: 'Terug',

  from: 'Van',
  to: 'Aan',
  date: 'Datum',
  noSubject: '(geen onderwerp)',
  messageAvailableUntil: (date: string) =>
    `Dit bericht is beschikbaar tot ${date}. Bewaar zelf een kopie als u het daarna nog nodig heeft.`,
  showFormatted: 'Opgemaakte versie tonen',
  hideFormatted: 'Opgemaakte versie verbergen',
  formattedTitle: 'Opgemaakte versie van het bericht',
  attachmentsHeading: 'Bijlagen',
  copyHeading: 'Eigen kopie opslaan',
  copyEml: 'Download als e-mailbestand (.eml)',
  copyPdf: 'Download als PDF',
  download: 'downloaden',

  replyHeading: 'Beveiligd antwoorden',
  replyIntro: (sender: string) => `Uw antwoord gaat beveiligd naar ${sender}.`,
  replyText: 'Uw antwoord',
  replyFiles: 'Bijlagen toevoegen',
  replyDrop: 'Of sleep bestanden naar dit vak.',
  replyLimits: 'Maximaal 10 bestanden, 25 MB per bestand en 50 MB samen.',
  replyChosen: 'Gekozen bestanden',
  replyRemove: 'Verwijderen',
  replySend: 'Antwoord versturen',
  replySending: 'Bezig met versturen…',
  replySent: 'Uw antwoord is beveiligd verstuurd.',
  replyEmpty: 'Schrijf een antwoord of voeg een bijlage toe.',
  repliesHeading: 'Uw eerdere antwoorden',
  replyItem: (date: string, attachments: number) =>
    attachments === 0
      ? `${date}, zonder bijlagen`
      : attachments === 1
        ? `${date}, met 1 bijlage`
        : `${date}, met ${attachments} bijlagen`,

  signedOutHeading: 'U bent afgemeld',
  signedOutText: 'Het bericht is gesloten. Om het opnieuw te openen heeft u een nieuwe code nodig.',
  reopen: 'Bericht opnieuw openen',

  notFoundHeading: 'Link niet gevonden',
  notFoundText: 'Deze link is onbekend. Controleer of u de volledige link uit de e-mail heeft gebruikt.',
  withdrawnHeading: 'Bericht ingetrokken',
  withdrawnText:
    'De afzender heeft dit bericht ingetrokken. Het is niet meer beschikbaar. Neem contact op met de afzender als u vragen heeft.',
  expiredHeading: 'Bericht verlopen',
  expiredText:
    'Dit bericht is verlopen en niet meer beschikbaar. Neem contact op met de afzender als u het nog nodig heeft.',
  failedHeading: 'Er ging iets mis',
  failedText: 'Het bericht kon niet worden geladen. Probeer het over enkele minuten opnieuw.',
  retry: 'Opnieuw proberen',

  errorWrongCode: (left: number) =>
    left === 1
      ? 'De code is niet juist. U kunt het nog 1 keer proberen.'
      : `De code is niet juist. U kunt het nog ${left} keer proberen.`,
  errorCodeExpired: 'Deze code is verlopen. Vraag een nieuwe code aan.',
  errorNoCode: 'Er is nog geen geldige code. Vraag eerst een code aan.',
  errorLocked: (until: string) => `Te veel onjuiste codes. Het bericht is geblokkeerd tot ${until}.`,
  errorLockedNoTime: 'Te veel onjuiste codes. Het bericht is tijdelijk geblokkeerd. Probeer het later opnieuw.',
  errorResendLimit: (after: string) => `U kunt voorlopig geen nieuwe code meer aanvragen. Dat kan weer na ${after}.`,
  errorResendLimitNoTime: 'U kunt voorlopig geen nieuwe code meer aanvragen.',
  errorDeliveryFailed: 'De code kon niet worden verstuurd. Probeer het over enkele minuten opnieuw.',
  errorSessionExpired: 'Uw sessie is verlopen. Vraag een nieuwe code aan om het bericht weer te openen.',
  errorFileTooLarge: (name: string) => `${name} is groter dan 25 MB en kan niet worden meegestuurd.`,
  errorSomeFileTooLarge: 'Een van de bijlagen is groter dan 25 MB.',
  errorTooManyFiles: 'U kunt maximaal 10 bestanden meesturen.',
  errorTotalTooLarge: 'De bijlagen zijn samen groter dan 50 MB.',
  errorTextTooLong: 'Uw antwoord is te lang.',
  errorTooLarge: 'Uw antwoord is te groot.',
  errorRateLimited: 'Te veel verzoeken. Wacht even en probeer het opnieuw.',
  errorUnavailable: 'De dienst is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.',
  errorNetwork: 'Er is geen verbinding. Controleer uw internetverbinding en probeer het opnieuw.',
  errorGeneric: 'Er ging iets mis. Probeer het opnieuw.',
};

export type Messages = typeof nl;

const en: Messages = {
  appTitle: 'Secure message',
  languageGroup: 'Language',
  signOut: 'Sign out',
  loading: 'Loading…',
  footer: 'Secure connection. This page uses only a cookie that keeps you signed in while you read the message.',

  landingHeading: 'You have received a secure message',
  landingFrom: (sender, organisation) =>
    sender && organisation
      ? `${sender} (${organisation}) has sent you a secure message.`
      : `${sender || organisation} has sent you a secure message.`,
  landingExplain: 'To open the message you need a one-time access code.',
  landingChannel: (channel, destination) =>
    channel === 'sms'
      ? `We will send the code by text message to ${destination}.`
      : `We will send the code by e-mail to ${destination}.`,
  landingAvailableUntil: (date) => `The message is available until ${date}.`,
  landingLocked: (until) => `After too many wrong codes this message is temporarily locked, until ${until}.`,
  requestCode: 'Request code',
  haveCode: 'I already have a code',

  codeHeading: 'Enter access code',
  codeSent: (channel, destination, until) =>
    channel === 'sms'
      ? `We have sent a code by text message to ${destination}. The code is valid until ${until}.`
      : `We have sent a code by e-mail to ${destination}. The code is valid until ${until}.`,
  codeAlreadySent: (channel, destination) =>
    channel === 'sms'
      ? `Enter the code you received by text message on ${destination}.`
      : `Enter the code you received by e-mail at ${destination}.`,
  codeLabel: 'Access code',
  codeHint: 'The code is valid for 15 minutes and works once.',
  codeSubmit: 'Open message',
  codeResend: 'Send a new code',
  codeResendsLeft: (left) =>
    left === 1 ? 'You can request a new code 1 more time.' : `You can request a new code ${left} more times.`,
  codeResent: 'A new code has been sent. Only the newest code works.',
  codeEmpty: 'Enter the access code.',
  back: 'Back',

  from: 'From',
  to: 'To',
  date: 'Date',
  noSubject: '(no subject)',
  messageAvailableUntil: (date) => `This message is available until ${date}. Save a copy if you need it after that.`,
  showFormatted: 'Show formatted version',
  hideFormatted: 'Hide formatted version',
  formattedTitle: 'Formatted version of the message',
  attachmentsHeading: 'Attachments',
  copyHeading: 'Save your own copy',
  copyEml: 'Download as e-mail file (.eml)',
  copyPdf: 'Download as PDF',
  download: 'download',

  replyHeading: 'Reply securely',
  replyIntro: (sender) => `Your reply is sent securely to ${sender}.`,
  replyText: 'Your reply',
  replyFiles: 'Add attachments',
  replyDrop: 'Or drag files into this box.',
  replyLimits: 'At most 10 files, 25 MB per file and 50 MB in total.',
  replyChosen: 'Chosen files',
  replyRemove: 'Remove',
  replySend: 'Send reply',
  replySending: 'Sending…',
  replySent: 'Your reply has been sent securely.',
  replyEmpty: 'Write a reply or add an attachment.',
  repliesHeading: 'Your earlier replies',
  replyItem: (date, attachments) =>
    attachments === 0
      ? `${date}, no attachments`
      : attachments === 1
        ? `${date}, 1 attachment`
        : `${date}, ${attachments} attachments`,

  signedOutHeading: 'You have signed out',
  signedOutText: 'The message is closed. To open it again you need a new code.',
  reopen: 'Open the message again',

  notFoundHeading: 'Link not found',
  notFoundText: 'This link is unknown. Check that you used the complete link from the e-mail.',
  withdrawnHeading: 'Message withdrawn',
  withdrawnText:
    'The sender has withdrawn this message. It is no longer available. Contact the sender if you have questions.',
  expiredHeading: 'Message expired',
  expiredText: 'This message has expired and is no longer available. Contact the sender if you still need it.',
  failedHeading: 'Something went wrong',
  failedText: 'The message could not be loaded. Please try again in a few minutes.',
  retry: 'Try again',

  errorWrongCode: (left) =>
    left === 1
      ? 'The code is not correct. You can try 1 more time.'
      : `The code is not correct. You can try ${left} more times.`,
  errorCodeExpired: 'This code has expired. Request a new code.',
  errorNoCode: 'There is no valid code yet. Request a code first.',
  errorLocked: (until) => `Too many wrong codes. The message is locked until ${until}.`,
  errorLockedNoTime: 'Too many wrong codes. The message is temporarily locked. Please try again later.',
  errorResendLimit: (after) => `You cannot request another code for now. You can again after ${after}.`,
  errorResendLimitNoTime: 'You cannot request another code for now.',
  errorDeliveryFailed: 'The code could not be sent. Please try again in a few minutes.',
  errorSessionExpired: 'Your session has expired. Request a new code to open the message again.',
  errorFileTooLarge: (name) => `${name} is larger than 25 MB and cannot be attached.`,
  errorSomeFileTooLarge: 'One of the attachments is larger than 25 MB.',
  errorTooManyFiles: 'You can attach at most 10 files.',
  errorTotalTooLarge: 'The attachments are larger than 50 MB together.',
  errorTextTooLong: 'Your reply is too long.',
  errorTooLarge: 'Your reply is too large.',
  errorRateLimited: 'Too many requests. Wait a moment and try again.',
  errorUnavailable: 'The service is temporarily unavailable. Please try again in a few minutes.',
  errorNetwork: 'There is no connection. Check your internet connection and try again.',
  errorGeneric: 'Something went wrong. Please try again.',
};

const de: Messages = {
  appTitle: 'Sichere Nachricht',
  languageGroup: 'Sprache',
  signOut: 'Abmelden',
  loading: 'Wird geladen…',
  footer:
    'Sichere Verbindung. Diese Seite verwendet nur ein Cookie, das Sie angemeldet hält, solange Sie die Nachricht lesen.',

  landingHeading: 'Sie haben eine sichere Nachricht erhalten',
  landingFrom: (sender, organisation) =>
    sender && organisation
      ? `${sender} (${organisation}) hat Ihnen eine sichere Nachricht gesendet.`
      : `${sender || organisation} hat Ihnen eine sichere Nachricht gesendet.`,
  landingExplain: 'Um die Nachricht zu öffnen, benötigen Sie einen einmaligen Zugangscode.',
  landingChannel: (channel, destination) =>
    channel === 'sms'
      ? `Wir senden den Code per SMS an ${destination}.`
      : `Wir senden den Code per E-Mail an ${destination}.`,
  landingAvailableUntil: (date) => `Die Nachricht ist verfügbar bis ${date}.`,
  landingLocked: (until) => `Nach zu vielen falschen Codes ist diese Nachricht vorübergehend gesperrt, bis ${until}.`,
  requestCode: 'Code anfordern',
  haveCode: 'Ich habe bereits einen Code',

  codeHeading: 'Zugangscode eingeben',
  codeSent: (channel, destination, until) =>
    channel === 'sms'
      ? `Wir haben einen Code per SMS an ${destination} gesendet. Der Code ist gültig bis ${until}.`
      : `Wir haben einen Code per E-Mail an ${destination} gesendet. Der Code ist gültig bis ${until}.`,
  codeAlreadySent: (channel, destination) =>
    channel === 'sms'
      ? `Geben Sie den Code ein, den Sie per SMS an ${destination} erhalten haben.`
      : `Geben Sie den Code ein, den Sie per E-Mail an ${destination} erhalten haben.`,
  codeLabel: 'Zugangscode',
  codeHint: 'Der Code ist 15 Minuten gültig und funktioniert einmal.',
  codeSubmit: 'Nachricht öffnen',
  codeResend: 'Neuen Code senden',
  codeResendsLeft: (left) =>
    left === 1
      ? 'Sie können noch 1 Mal einen neuen Code anfordern.'
      : `Sie können noch ${left} Mal einen neuen Code anfordern.`,
  codeResent: 'Ein neuer Code wurde gesendet. Nur der neueste Code funktioniert.',
  codeEmpty: 'Geben Sie den Zugangscode ein.',
  back: 'Zurück',

  from: 'Von',
  to: 'An',
  date: 'Datum',
  noSubject: '(kein Betreff)',
  messageAvailableUntil: (date) =>
    `Diese Nachricht ist verfügbar bis ${date}. Speichern Sie eine Kopie, wenn Sie sie danach noch benötigen.`,
  showFormatted: 'Formatierte Version anzeigen',
  hideFormatted: 'Formatierte Version ausblenden',
  formattedTitle: 'Formatierte Version der Nachricht',
  attachmentsHeading: 'Anhänge',
  copyHeading: 'Eigene Kopie speichern',
  copyEml: 'Als E-Mail-Datei herunterladen (.eml)',
  copyPdf: 'Als PDF herunterladen',
  download: 'herunterladen',

  replyHeading: 'Sicher antworten',
  replyIntro: (sender) => `Ihre Antwort wird sicher an ${sender} gesendet.`,
  replyText: 'Ihre Antwort',
  replyFiles: 'Anhänge hinzufügen',
  replyDrop: 'Oder ziehen Sie Dateien in dieses Feld.',
  replyLimits: 'Höchstens 10 Dateien, 25 MB pro Datei und 50 MB insgesamt.',
  replyChosen: 'Ausgewählte Dateien',
  replyRemove: 'Entfernen',
  replySend: 'Antwort senden',
  replySending: 'Wird gesendet…',
  replySent: 'Ihre Antwort wurde sicher gesendet.',
  replyEmpty: 'Schreiben Sie eine Antwort oder fügen Sie einen Anhang hinzu.',
  repliesHeading: 'Ihre früheren Antworten',
  replyItem: (date, attachments) =>
    attachments === 0
      ? `${date}, ohne Anhänge`
      : attachments === 1
        ? `${date}, mit 1 Anhang`
        : `${date}, mit ${attachments} Anhängen`,

  signedOutHeading: 'Sie haben sich abgemeldet',
  signedOutText: 'Die Nachricht ist geschlossen. Um sie erneut zu öffnen, benötigen Sie einen neuen Code.',
  reopen: 'Nachricht erneut öffnen',

  notFoundHeading: 'Link nicht gefunden',
  notFoundText: 'Dieser Link ist unbekannt. Prüfen Sie, ob Sie den vollständigen Link aus der E-Mail verwendet haben.',
  withdrawnHeading: 'Nachricht zurückgezogen',
  withdrawnText:
    'Der Absender hat diese Nachricht zurückgezogen. Sie ist nicht mehr verfügbar. Wenden Sie sich bei Fragen an den Absender.',
  expiredHeading: 'Nachricht abgelaufen',
  expiredText:
    'Diese Nachricht ist abgelaufen und nicht mehr verfügbar. Wenden Sie sich an den Absender, wenn Sie sie noch benötigen.',
  failedHeading: 'Etwas ist schiefgelaufen',
  failedText: 'Die Nachricht konnte nicht geladen werden. Bitte versuchen Sie es in einigen Minuten erneut.',
  retry: 'Erneut versuchen',

  errorWrongCode: (left) =>
    left === 1
      ? 'Der Code ist nicht korrekt. Sie haben noch 1 Versuch.'
      : `Der Code ist nicht korrekt. Sie haben noch ${left} Versuche.`,
  errorCodeExpired: 'Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.',
  errorNoCode: 'Es gibt noch keinen gültigen Code. Fordern Sie zuerst einen Code an.',
  errorLocked: (until) => `Zu viele falsche Codes. Die Nachricht ist gesperrt bis ${until}.`,
  errorLockedNoTime:
    'Zu viele falsche Codes. Die Nachricht ist vorübergehend gesperrt. Bitte versuchen Sie es später erneut.',
  errorResendLimit: (after) => `Sie können vorerst keinen neuen Code anfordern. Wieder möglich nach ${after}.`,
  errorResendLimitNoTime: 'Sie können vorerst keinen neuen Code anfordern.',
  errorDeliveryFailed: 'Der Code konnte nicht gesendet werden. Bitte versuchen Sie es in einigen Minuten erneut.',
  errorSessionExpired:
    'Ihre Sitzung ist abgelaufen. Fordern Sie einen neuen Code an, um die Nachricht wieder zu öffnen.',
  errorFileTooLarge: (name) => `${name} ist größer als 25 MB und kann nicht angehängt werden.`,
  errorSomeFileTooLarge: 'Einer der Anhänge ist größer als 25 MB.',
  errorTooManyFiles: 'Sie können höchstens 10 Dateien anhängen.',
  errorTotalTooLarge: 'Die Anhänge sind zusammen größer als 50 MB.',
  errorTextTooLong: 'Ihre Antwort ist zu lang.',
  errorTooLarge: 'Ihre Antwort ist zu groß.',
  errorRateLimited: 'Zu viele Anfragen. Warten Sie einen Moment und versuchen Sie es erneut.',
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
