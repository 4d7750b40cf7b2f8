// Keys that could reach an object's prototype if merged naively anywhere downstream.
const POLLUTION_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export class PollutionKeyError extends SyntaxError {}

/** JSON.parse reviver that refuses prototype-pollution keys at any depth. */
export function rejectPollutionKeys(key: string, value: unknown): unknown {
  if (POLLUTION_KEYS.has(key)) throw new PollutionKeyError(`The key "${key}" is not allowed.`);
  return value;
}
