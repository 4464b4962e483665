// What the reader is told after each step. A notice is kept as a function of the texts, not as a
// finished sentence, so switching the language also translates the notice on screen.
export type NoticeTone = 'error' | 'info' | 'success';

export interface Notice<Texts> {
  tone: NoticeTone;
  text: (texts: Texts) => string;
}

export function noticeMaker<Texts>() {
  return {
    error: (text: Notice<Texts>['text']): Notice<Texts> => ({ tone: 'error', text }),
    info: (text: Notice<Texts>['text']): Notice<Texts> => ({ tone: 'info', text }),
    success: (text: Notice<Texts>['text']): Notice<Texts> => ({ tone: 'success', text }),
  };
}
