/** Number of preset avatars shipped in public/avatars (1.svg … N.svg). */
export const PRESET_AVATAR_COUNT = 12;

export const presetAvatars = Array.from({ length: PRESET_AVATAR_COUNT }, (_, i) => ({
  id: i + 1,
  url: avatarUrl(`preset:${i + 1}`),
}));

/** Turns the stored avatar reference into the URL clients load. */
export function avatarUrl(stored: string): string {
  const preset = /^preset:(\d{1,2})$/.exec(stored);
  if (preset) return `/avatars/${preset[1]}.svg`;
  const upload = /^upload:([\w-]{1,32})$/.exec(stored);
  return upload ? `/uploads/${upload[1]}` : '/avatars/1.svg';
}
