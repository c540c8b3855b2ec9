import { MicGate } from './mic-gate';

const fakeTrack = () => ({ enabled: true }) as MediaStreamTrack;

describe('MicGate', () => {
  it('mutes the track before it is used when mute was pressed before connecting', () => {
    const gate = new MicGate();
    gate.setMuted(true);
    const track = fakeTrack();
    gate.attach(track);
    expect(track.enabled).toBe(false);
    gate.setMuted(false);
    expect(track.enabled).toBe(true);
  });

  it('with push to talk, opens the microphone only while talking, and never while muted', () => {
    const gate = new MicGate();
    const track = fakeTrack();
    gate.setPushToTalk(true);
    gate.attach(track);
    expect(track.enabled).toBe(false);
    gate.setTalking(true);
    expect(track.enabled).toBe(true);
    gate.setMuted(true);
    expect(track.enabled).toBe(false);
    gate.setMuted(false);
    gate.setTalking(false);
    expect(track.enabled).toBe(false);
    gate.setPushToTalk(false);
    expect(track.enabled).toBe(true);
  });
});
