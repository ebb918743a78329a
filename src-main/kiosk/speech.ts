/**
 * Speech output from the kiosk's main process with espeak-ng, for machines whose browser has no
 * Web Speech voice for the language (the UI prefers the Web Speech API where a voice exists).
 * One utterance at a time: a new one, or stop(), ends the one being spoken. The sound goes to
 * the system's default output (the headphone socket: docs/kiosk-setup.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where espeak-ng is looked for (ESPEAK_NG overrides). */
export const espeakPath = (): string => process.env.ESPEAK_NG ?? '/usr/bin/espeak-ng';

/** Longest text read in one go (a notice's details and one page). */
export const SPEECH_MAX_CHARS = 20_000;

/** espeak-ng voices for the kiosk's languages. */
const VOICES: Record<string, string> = { cs: 'cs', pl: 'pl', en: 'en-gb', de: 'de' };

export interface Speaker {
  /** Reads `text` in the language's voice at `volume` (0–1), ending anything being read. */
  speak(text: string, lang: string, volume: number): void;
  stop(): void;
}

/** The espeak-ng speaker, or null where espeak-ng is not installed. */
export function espeakSpeaker(log: (line: string) => void, path = espeakPath()): Speaker | null {
  if (!existsSync(path)) return null;
  let child: ChildProcess | null = null;
  const stop = (): void => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    child = null;
  };
  return {
    speak(text, lang, volume) {
      stop();
      const amplitude = String(Math.round(Math.min(1, Math.max(0, volume)) * 200));
      // Own keys only: "__proto__" or "constructor" must not reach espeak-ng as a voice argument.
      const voice = Object.hasOwn(VOICES, lang) ? VOICES[lang]! : 'cs';
      const c = spawn(path, ['-v', voice, '-a', amplitude, '--stdin'], { stdio: ['pipe', 'ignore', 'pipe'] });
      child = c;
      c.on('error', (e) => log(`[speech] espeak-ng failed: ${e.message}`));
      c.stderr?.on('data', (d: Buffer) => log(`[speech] ${d.toString('utf8').trim().slice(0, 300)}`));
      c.stdin?.on('error', () => undefined);
      c.stdin?.end(text.slice(0, SPEECH_MAX_CHARS));
    },
    stop,
  };
}
