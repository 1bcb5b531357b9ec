// Alert the associate: a short beep (WebAudio, no audio file) and a vibration where the
// device allows. Browsers only let a page make sound after a tap: the audio is prepared
// on the first one.
let audio = null;

document.addEventListener("pointerdown", () => {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) audio = new Context();
}, { once: true });

function beep() {
  if (!audio) return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.2, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.35);
}

export function alertMe() {
  beep();
  if (navigator.vibrate) { try { navigator.vibrate([120, 60, 120]); } catch (e) { /* not allowed */ } }
}
