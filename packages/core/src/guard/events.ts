/** A listener set whose `on` returns the function that removes the listener. */
export class Listeners<T> {
  #listeners = new Set<(event: T) => void>();

  on(listener: (event: T) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A throwing listener must not break the request that triggered the event.
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
