// Text and time formatting shared by every page. Keep splitLinks in step with views/partials/message.ejs.

export type Segment = { text: string } | { url: string };

// Linear: a character class repeated once, no nesting, no alternation to backtrack into.
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
const TRAILING = '.,;:!?\'"';
const HAS_HOST = /^https?:\/\/[^/?#\s]/;

/** Splits message text into plain text and http(s) links (trailing punctuation stays text). */
export function splitLinks(text: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const found of text.matchAll(URL_PATTERN)) {
    let url = found[0];
    let open = 0;
    let close = 0;
    for (const ch of url) {
      if (ch === '(') open++;
      else if (ch === ')') close++;
    }
    for (;;) {
      const last = url[url.length - 1] ?? '';
      if (last !== '' && TRAILING.includes(last)) url = url.slice(0, -1);
      else if (last === ')' && close > open) {
        url = url.slice(0, -1);
        close--;
      } else break;
    }
    if (!HAS_HOST.test(url)) continue;
    const index = found.index ?? 0;
    if (index > at) segments.push({ text: text.slice(at, index) });
    segments.push({ url });
    at = index + url.length;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  year: 'numeric',
});

export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

export function formatFull(date: Date): string {
  return fullFormat.format(date);
}

/** A key that is equal for two instants on the same local calendar day. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** "Today", "Yesterday", or the weekday and date (with the year when it is not this year). */
export function formatDay(date: Date, now = new Date()): string {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return date.getFullYear() === now.getFullYear() ? dayFormat.format(date) : dayYearFormat.format(date);
}

/** Length as the server counts it: Unicode code points. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
