// A small event emitter that works the same in Node and in browsers (no EventTarget subclassing quirks).
export class Emitter {
  #handlers = new Map();

  // Calls `handler(payload)` for every `event`; returns a function that removes it.
  on(event, handler) {
    if (!this.#handlers.has(event)) this.#handlers.set(event, new Set());
    this.#handlers.get(event).add(handler);
    return () => this.off(event, handler);
  }

  off(event, handler) {
    this.#handlers.get(event)?.delete(handler);
  }

  // Resolves with the next `event` whose payload passes `test`; rejects after `timeoutMs` (0: never).
  once(event, { test = () => true, timeoutMs = 0 } = {}) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const off = this.on(event, (payload) => {
        if (!test(payload)) return;
        off();
        if (timer) clearTimeout(timer);
        resolve(payload);
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`no '${event}' within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  emit(event, payload) {
    for (const handler of [...(this.#handlers.get(event) ?? [])]) {
      // A throwing handler must not stop the session's own bookkeeping (acks, seq) or the other handlers.
      try {
        handler(payload);
      } catch (error) {
        if (event !== 'handlerError') this.emit('handlerError', { event, error });
      }
    }
  }
}
