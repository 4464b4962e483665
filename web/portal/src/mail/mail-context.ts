// The webmail's texts travel in a context beside the portal's (both follow the chosen language).
import { createContext, useContext } from 'react';
import { mailTextsFor, type MailTexts } from './mail-texts.ts';

export const MailTextsContext = createContext<MailTexts>(mailTextsFor('nl'));

export function useMailTexts(): MailTexts {
  return useContext(MailTextsContext);
}
