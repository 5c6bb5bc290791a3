/**
 * A small markdown subset rendered as React elements (never as HTML strings): **bold**, *italic*,
 * ~~strike~~, `code`, fenced ``` blocks, http(s) links and `@Name` mentions of the names given.
 * Anything else is text, so a message cannot inject markup, scripts or `javascript:` links.
 */
import type { ReactNode } from 'react';

const INLINE_SOURCE = '`[^`\\n]+`|\\*\\*[^*\\n]+\\*\\*|\\*[^*\\n]+\\*|~~[^~\\n]+~~|https?:\\/\\/[^\\s<>"\']+';
const INLINE = new RegExp(`(${INLINE_SOURCE})`, 'g');
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The inline pattern with `@Name` for each mentioned name (longest first). */
const inlineWith = (names: readonly string[]): RegExp => {
  if (names.length === 0) return INLINE;
  const alts = [...names].sort((a, b) => b.length - a.length).map((n) => `@${escapeRegExp(n)}`);
  return new RegExp(`(${alts.join('|')}|${INLINE_SOURCE})`, 'g');
};

const safeHref = (raw: string): string | undefined => {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
};

const inline = (text: string, key: string, pattern: RegExp): ReactNode[] => {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(pattern)) {
    const tok = m[0];
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${i++}`;
    if (tok.startsWith('@'))
      out.push(
        <span key={k} data-testid="mention" className="rounded bg-[#5865f2]/30 px-0.5 font-medium text-[#c9cdfb]">
          {tok}
        </span>,
      );
    else if (tok.startsWith('`'))
      out.push(
        <code key={k} className="rounded bg-black/30 px-1 font-mono text-[0.9em]">
          {tok.slice(1, -1)}
        </code>,
      );
    else if (tok.startsWith('**')) out.push(<strong key={k}>{tok.slice(2, -2)}</strong>);
    else if (tok.startsWith('~~')) out.push(<s key={k}>{tok.slice(2, -2)}</s>);
    else if (tok.startsWith('*')) out.push(<em key={k}>{tok.slice(1, -1)}</em>);
    else {
      const href = safeHref(tok);
      out.push(
        href === undefined ? (
          tok
        ) : (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-sky-300 underline">
            {tok}
          </a>
        ),
      );
    }
    last = at + tok.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
};

/** Renders `text` as React nodes: fenced code blocks first, then inline marks line by line; `@Name` of `mentions` highlighted. */
export const renderMarkdown = (text: string, mentions: readonly string[] = []): ReactNode[] => {
  const pattern = inlineWith(mentions);
  const parts = text.split(/```/);
  return parts.map((part, i) => {
    const key = `b${i}`;
    // Odd parts sit between fences: code, shown verbatim.
    if (i % 2 === 1 && i < parts.length - 1) {
      return (
        <pre key={key} className="my-1 overflow-x-auto rounded bg-black/30 p-2 font-mono text-sm">
          {part.replace(/^\n/, '')}
        </pre>
      );
    }
    const body = i % 2 === 1 ? `\`\`\`${part}` : part;
    const lines = body.split('\n');
    return (
      <span key={key}>
        {lines.map((line, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a message's text never reorders; a line's position is its identity
          <span key={`${key}-l${j}`}>
            {j > 0 && <br />}
            {inline(line, `${key}-l${j}`, pattern)}
          </span>
        ))}
      </span>
    );
  });
};
