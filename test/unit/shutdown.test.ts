import { afterEach, describe, expect, it, vi } from 'vitest';
import { listenForShutdown, SHUTDOWN_GRACE_MS, type ShutdownSignal, type SignalHost } from '../../core/shutdown';

/** A process stand-in: signals are delivered by hand, exits recorded. */
function fakeHost() {
  const listeners = new Map<ShutdownSignal, Set<() => void>>();
  const exits: number[] = [];
  const host: SignalHost = {
    on: (signal, listener) => listeners.set(signal, (listeners.get(signal) ?? new Set()).add(listener)),
    off: (signal, listener) => listeners.get(signal)?.delete(listener),
    exit: (code) => exits.push(code),
  };
  const send = (signal: ShutdownSignal) => {
    for (const listener of [...(listeners.get(signal) ?? [])]) listener();
  };
  const listening = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { host, send, exits, listening };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SIGINT / SIGTERM during a run', () => {
  it('without a signal: nothing aborted, no exit, and the listeners are gone after the run', () => {
    const fake = fakeHost();
    const notes: string[] = [];
    const shutdown = listenForShutdown({ notify: (m) => notes.push(m), host: fake.host });
    expect(fake.listening()).toBe(2);
    shutdown.finish();
    expect(shutdown.signal.aborted).toBe(false);
    expect(shutdown.cancelledBy).toBeUndefined();
    expect(fake.exits).toEqual([]);
    expect(fake.listening()).toBe(0);
    expect(notes).toEqual([]);
  });

  it('the first signal aborts the run and says so; the process exits 143 (SIGTERM) once the run has finished', () => {
    const fake = fakeHost();
    const notes: string[] = [];
    const shutdown = listenForShutdown({ notify: (m) => notes.push(m), host: fake.host });
    fake.send('SIGTERM');
    expect(shutdown.signal.aborted).toBe(true);
    expect(String(shutdown.signal.reason)).toContain('the run was cancelled (SIGTERM)');
    expect(shutdown.cancelledBy).toBe('SIGTERM');
    expect(notes).toEqual([expect.stringContaining('Received SIGTERM: cancelling the run')]);
    expect(fake.exits, 'not before the summary is written').toEqual([]);
    shutdown.finish();
    expect(fake.exits).toEqual([143]);
    expect(fake.listening()).toBe(0);
  });

  it('a second signal exits at once with the first one\'s code (130 for SIGINT)', () => {
    const fake = fakeHost();
    const notes: string[] = [];
    const shutdown = listenForShutdown({ notify: (m) => notes.push(m), host: fake.host });
    fake.send('SIGINT');
    fake.send('SIGTERM');
    expect(fake.exits).toEqual([130]);
    expect(notes.at(-1)).toBe('Received SIGTERM again: exiting now.');
    shutdown.finish();
    expect(fake.exits, 'finish does not exit twice').toEqual([130]);
  });

  it('a run that does not wind down within the grace period: the process exits anyway', () => {
    vi.useFakeTimers();
    const fake = fakeHost();
    const notes: string[] = [];
    listenForShutdown({ notify: (m) => notes.push(m), host: fake.host });
    fake.send('SIGINT');
    vi.advanceTimersByTime(SHUTDOWN_GRACE_MS - 1);
    expect(fake.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fake.exits).toEqual([130]);
    expect(notes.at(-1)).toBe(`The run did not stop within ${SHUTDOWN_GRACE_MS / 1000} s of SIGINT: exiting now.`);
  });

  it('a caller\'s own signal (tests, embedding) aborts the run too, without exiting the process', () => {
    const fake = fakeHost();
    const parent = new AbortController();
    const shutdown = listenForShutdown({ notify: () => undefined, host: fake.host, parent: parent.signal });
    parent.abort(new Error('stop'));
    expect(shutdown.signal.aborted).toBe(true);
    shutdown.finish();
    expect(fake.exits).toEqual([]);
  });
});
