// The shared screen pieces (web/shared/components.tsx) bound to the portal's texts.
import { textsBinding } from '../../shared/components.tsx';
import { textsFor } from './i18n.ts';

export { StepHeading } from '../../shared/components.tsx';

export const { TextsContext, useTexts, NoticeArea, LanguageSwitcher } = textsBinding(textsFor('nl'));
