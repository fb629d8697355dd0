// Reconnect delays: "full jitter" exponential backoff. Attempt n (from 0) waits a uniformly random time in
// [0, min(maxMs, baseMs * 2^n)], so that thousands of phones dropped by one node restart do not come back in step.
export class Backoff {
  constructor({ baseMs = 500, maxMs = 30000, random = Math.random } = {}) {
    if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new RangeError('backoff needs 0 < baseMs <= maxMs');
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
    this.attempt = 0;
  }

  // The delay before the next attempt, in ms; each call counts one attempt.
  next() {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor(this.random() * ceiling);
  }

  // After a successful session: start again from the shortest delays.
  reset() {
    this.attempt = 0;
  }
}
