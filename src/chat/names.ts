// Rules for the names people choose: usernames and room names.

const USERNAME = /^[\p{L}\p{M}\p{N}_.-]{2,32}$/u;
// Letters, marks, digits, punctuation, symbols (emoji) and single spaces; no control or format characters.
const ROOM_NAME = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]+(?: [\p{L}\p{M}\p{N}\p{P}\p{S}]+)*$/u;
/** The zero-width joiner inside an emoji sequence (👨‍👩‍👧, 🏳️‍🌈): allowed there, nowhere else. */
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]?)\u200D(?=\p{Extended_Pictographic})/gu;
/** Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern. */
const INVISIBLE = /[\u115f\u1160\u3164\uffa0\u2800]/u;

/** A username's shape (also how a login finds an account made before the newer rules). */
export function cleanUsername(raw: string): string | null {
  const name = raw.normalize('NFC');
  return USERNAME.test(name) ? name : null;
}

/** A name a new account may take: also one that is visible. */
export function cleanNewUsername(raw: string): string | null {
  const name = cleanUsername(raw);
  return name && !INVISIBLE.test(name) ? name : null;
}

export function cleanRoomName(raw: string): string | null {
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  const length = [...name].length;
  const shape = name.replace(EMOJI_JOINER, '');
  return length >= 1 && length <= 64 && ROOM_NAME.test(shape) && !INVISIBLE.test(name) ? name : null;
}

/** The key two names collide on: case and compatibility forms folded. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFC');
}
