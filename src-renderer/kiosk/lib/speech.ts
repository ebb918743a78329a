/**
 * Speech output through the Web Speech API, where the system has a voice for the language.
 * Where it has none (a plain Linux kiosk without speech-dispatcher voices) the speech buttons
 * are not shown; an espeak-ng fallback driven from the main process is not built yet.
 */

/** A voice for the language, or null (voices load asynchronously; ask again on "voiceschanged"). */
export function voiceFor(lang: string): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  return speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang)) ?? null;
}

/** Calls `fn` whenever the list of voices changes; returns the unsubscriber. */
export function onVoices(fn: () => void): () => void {
  if (typeof speechSynthesis === 'undefined') return () => undefined;
  speechSynthesis.addEventListener('voiceschanged', fn);
  return () => speechSynthesis.removeEventListener('voiceschanged', fn);
}

/** Reads `text` aloud in the language's voice at `volume` (0–1); stops anything being read. */
export function speak(text: string, lang: string, volume: number): boolean {
  const voice = voiceFor(lang);
  if (!voice) return false;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  u.volume = Math.min(1, Math.max(0, volume));
  speechSynthesis.speak(u);
  return true;
}

export function stopSpeaking(): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
}
