// A received message's HTML made safe to show (SPEC R25, issue 5): sanitised here on the server with
// sanitize-html, then served in a sandboxed frame under a CSP that allows no script and nothing remote
// — two independent layers, so a gap in one is covered by the other.
// What goes: script and every other active element (iframe, object, embed, form, svg, math, meta,
// link, base), <style> blocks (CSS can fetch URLs and read attribute values), event-handler
// attributes, any link that is not http(s), mailto or tel, data: anything except images, and in style
// attributes everything but a list of layout properties with plain values (no url(), no expression(),
// no escapes). Remote images (src, srcset, background) become a local placeholder unless the reader
// allowed them; cid: images point at the message's own inline parts. Links open in a new tab without
// a referrer or an opener.
import sanitizeHtml from 'sanitize-html';

export interface SanitiseOptions {
  allowRemoteImages: boolean;
  /** The URL to show for an inline part (a cid: reference), or null when the message has none. */
  resolveCid(contentId: string): string | null;
}

export interface SanitiseResult {
  html: string;
  /** Remote images shown as placeholders (0 when they were allowed). */
  remoteImages: number;
}

/** What a blocked remote image shows instead: a grey frame with a crossed-out picture. */
export const BLOCKED_IMAGE =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">' +
      '<rect x="1" y="1" width="22" height="22" rx="2" fill="#eee" stroke="#999"/>' +
      '<path d="M5 17l4-5 3 3 2-2 5 4M5 5l14 14" fill="none" stroke="#999" stroke-width="1.5"/></svg>',
  );

const ALLOWED_TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col',
  'colgroup', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span',
  'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var',
  'wbr',
];

/** Disallowed elements whose text is dropped too (their content is code or metadata, not prose). */
const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'svg', 'math', 'template', 'iframe',
  'object', 'embed', 'applet', 'noembed', 'noframes', 'xmp', 'select', 'button', 'frameset', 'audio', 'video',
];

const TABLE_CELL = ['align', 'valign', 'width', 'height', 'bgcolor', 'colspan', 'rowspan', 'nowrap', 'background'];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': ['style', 'dir', 'lang', 'title', 'align'],
  a: ['href', 'name', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height', 'border', 'hspace', 'vspace'],
  font: ['color', 'face', 'size'],
  table: ['width', 'height', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'background', 'summary'],
  td: TABLE_CELL,
  th: TABLE_CELL,
  tr: ['valign', 'bgcolor', 'height'],
  col: ['span', 'width'],
  colgroup: ['span', 'width'],
  ol: ['start', 'type', 'reversed'],
  ul: ['type'],
  li: ['value'],
  blockquote: ['cite'],
  q: ['cite'],
  hr: ['width', 'size', 'noshade', 'color'],
};

// A CSS value of words, numbers, colours and the functions rgb()/rgba()/hsl()/hsla()/calc() only:
// no url(), image-set(), expression(), var(), no backslash escapes, no quotes closing early.
const CSS_VALUE = /^(?:[-\w\s#%.,'"!/+]|(?:rgba?|hsla?|calc)\([-\w\s#%.,/+*]*\))*$/i;
const STYLE_PROPERTIES = [
  'color', 'background-color', 'background', 'font', 'font-family', 'font-size', 'font-style', 'font-weight',
  'font-variant', 'text-align', 'text-decoration', 'text-transform', 'text-indent', 'line-height',
  'letter-spacing', 'word-spacing', 'white-space', 'word-break', 'word-wrap', 'overflow-wrap', 'vertical-align',
  'direction', 'display', 'float', 'clear', 'width', 'height', 'min-width', 'max-width', 'min-height',
  'max-height', 'list-style', 'list-style-type', 'list-style-position', 'table-layout', 'border-collapse',
  'border-spacing', 'caption-side', 'empty-cells', 'overflow', 'visibility', 'opacity',
  ...['margin', 'padding'].flatMap((p) => [p, `${p}-top`, `${p}-right`, `${p}-bottom`, `${p}-left`]),
  ...['', '-top', '-right', '-bottom', '-left'].flatMap((side) =>
    ['', '-color', '-style', '-width'].map((what) => `border${side}${what}`),
  ),
  'border-radius',
];
const ALLOWED_STYLES = { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [CSS_VALUE]])) };

const REMOTE = /^\s*(?:https?:)?\/\//i;
const DATA_IMAGE = /^\s*data:image\/(?:png|gif|jpe?g|webp|bmp|svg\+xml)[;,]/i;
const LINK = /^\s*(?:https?:|mailto:|tel:|#)/i;

export function sanitiseHtml(html: string, options: SanitiseOptions): SanitiseResult {
  let remoteImages = 0;
  /** The image source to keep: data: images, resolved cid: parts, remote ones when allowed. */
  const imageSource = (src: string | undefined, srcset: string | undefined): string | null => {
    const value = src?.trim() ?? '';
    if (/^cid:/i.test(value)) return options.resolveCid(decodeCid(value.slice(4)));
    if (DATA_IMAGE.test(value)) return value;
    if (REMOTE.test(value) || (!value && srcset && /(?:https?:)?\/\//i.test(srcset))) {
      if (options.allowRemoteImages && REMOTE.test(value)) return value;
      if (options.allowRemoteImages) return null;
      remoteImages++;
      return BLOCKED_IMAGE;
    }
    // Relative and other sources would resolve against this server: never from a received message.
    return null;
  };
  const remoteBackground = (attribs: sanitizeHtml.Attributes): void => {
    const background = attribs.background;
    if (background === undefined) return;
    delete attribs.background;
    if (!REMOTE.test(background)) return;
    if (options.allowRemoteImages) attribs.background = background.trim();
    else remoteImages++;
  };
  const withBackground = (tagName: string, attribs: sanitizeHtml.Attributes) => {
    remoteBackground(attribs);
    return { tagName, attribs };
  };

  const clean = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: ALLOWED_STYLES,
    nonTextTags: NON_TEXT_TAGS,
    disallowedTagsMode: 'discard',
    enforceHtmlBoundary: false,
    allowProtocolRelative: options.allowRemoteImages,
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: options.allowRemoteImages ? ['data', 'http', 'https'] : ['data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'background'],
    // An image whose source went shows nothing: leave no empty element behind.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href?.trim();
        const kept: sanitizeHtml.Attributes = {};
        if (href && LINK.test(href)) kept.href = href;
        if (attribs.name) kept.name = attribs.name;
        if (attribs.style) kept.style = attribs.style;
        if (attribs.title) kept.title = attribs.title;
        // Opened outside the frame, without telling the site where the link was (no tracking via Referer).
        if (kept.href && !kept.href.startsWith('#')) Object.assign(kept, { target: '_blank', rel: 'noopener noreferrer' });
        return { tagName, attribs: kept };
      },
      img: (tagName, attribs) => {
        const src = imageSource(attribs.src, attribs.srcset);
        const { srcset: _srcset, src: _src, ...rest } = attribs;
        if (src === null) return { tagName, attribs: rest };
        if (src === BLOCKED_IMAGE) rest.alt = rest.alt ?? '';
        return { tagName, attribs: { ...rest, src } };
      },
      // The document's own background and colours carry over to the block that replaces it.
      body: (_tagName, attribs) => {
        remoteBackground(attribs);
        const kept: sanitizeHtml.Attributes = attribs.bgcolor ? { style: `background-color: ${attribs.bgcolor}` } : {};
        return { tagName: 'div', attribs: kept };
      },
      table: withBackground,
      td: withBackground,
      th: withBackground,
    },
  });
  return { html: clean, remoteImages };
}

/** A cid: URL's Content-ID (RFC 2392 §2: %-encoded addr-spec). */
function decodeCid(value: string): string {
  try {
    return decodeURIComponent(value.trim()).replace(/^<|>$/g, '');
  } catch {
    return value.trim();
  }
}

/** The text a reader would see, for a message that has only HTML (and for replies quoting it). */
export function htmlToText(html: string): string {
  const marked = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(?:p|div|tr|h[1-6]|li|blockquote|pre|table|ul|ol)\s*>/gi, '$&\n')
    .replace(/<(?:td|th)\b/gi, ' $&');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: NON_TEXT_TAGS, enforceHtmlBoundary: false });
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
