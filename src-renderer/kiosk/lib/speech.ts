/**
 * Speech output: the Web Speech API where the browser has a voice for the language; otherwise,
 * where the kiosk has espeak-ng (state.serverSpeech), the kiosk's main process speaks
 * (POST /api/speech). Where neither exists the speech buttons are not shown.
 */

const api = (path: string): string => new URL(`../api/${path}`, location.href).href;

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

/** Reads `text` aloud at `volume` (0–1), stopping anything being read; false when it cannot. */
export function speak(text: string, lang: string, volume: number, serverSpeech: boolean): boolean {
  const voice = voiceFor(lang);
  if (voice) {
    speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.volume = Math.min(1, Math.max(0, volume));
    speechSynthesis.speak(u);
    return true;
  }
  if (!serverSpeech) return false;
  void fetch(api('speech'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, lang, volume }) }).catch(() => undefined);
  return true;
}

export function stopSpeaking(serverSpeech: boolean): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
  if (serverSpeech) void fetch(api('speech/stop'), { method: 'POST' }).catch(() => undefined);
}
