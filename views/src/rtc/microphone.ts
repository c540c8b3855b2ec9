import { TimeoutError, withTimeout } from '../timeout';

// Asking for the microphone, with every way it can fail named, so the page can say what to do.

export type MicrophoneProblem = 'denied' | 'missing' | 'busy' | 'insecure' | 'unsupported' | 'timeout';

export class MicrophoneError extends Error {
  constructor(readonly problem: MicrophoneProblem, cause?: unknown) {
    super(`microphone: ${problem}`, { cause });
    this.name = 'MicrophoneError';
  }
}

/** The DOMException names getUserMedia rejects with, mapped to what the person can do about them. */
function problemOf(error: unknown): MicrophoneProblem {
  const name = (error as { name?: string } | undefined)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'unsupported';
  }
}

/**
 * One microphone track with echo cancellation (DUCK-E's voice must not talk to itself).
 * `timeoutMs` bounds a permission prompt nobody answers.
 */
export async function openMicrophone(timeoutMs: number): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError(window.isSecureContext ? 'unsupported' : 'insecure');
  }
  const request = navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  let stream: MediaStream;
  try {
    stream = await withTimeout(request, timeoutMs, 'the microphone permission prompt');
  } catch (error) {
    // A prompt answered after we gave up must not leave the microphone on.
    if (error instanceof TimeoutError) void request.then((late) => late.getTracks().forEach((track) => track.stop())).catch(() => undefined);
    throw new MicrophoneError(error instanceof TimeoutError ? 'timeout' : problemOf(error), error);
  }
  const [track] = stream.getAudioTracks();
  if (!track) throw new MicrophoneError('missing');
  return track;
}
