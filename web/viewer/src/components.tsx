// The shared screen pieces (web/shared/components.tsx) bound to the Viewer's texts: the texts of the
// chosen language travel in a context, and the notice area and language switcher read them from it.
import { textsBinding } from '../../shared/components.tsx';
import { textsFor } from './i18n.ts';

export { StepHeading } from '../../shared/components.tsx';

export const { TextsContext, useTexts, NoticeArea, LanguageSwitcher } = textsBinding(textsFor('nl'));
