// The voices of the OpenAI Realtime API (GA), in the order the picker lists them.

export const VOICES = ['marin', 'cedar', 'alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse'] as const;

export type Voice = (typeof VOICES)[number];

export function isVoice(value: unknown): value is Voice {
  return typeof value === 'string' && (VOICES as readonly string[]).includes(value);
}

/** "marin" → "Marin". */
export function voiceLabel(voice: string): string {
  return voice.charAt(0).toUpperCase() + voice.slice(1);
}
