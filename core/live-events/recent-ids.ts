/**
 * The ids of recently accepted events, bounded: the oldest are forgotten first. Azure DevOps does
 * not document how late a redelivery can come (azure-devops-api.md §4.6); a few thousand events
 * cover any retry window while keeping memory flat however long the receiver runs.
 */
export class RecentIds {
  // A Map iterates in insertion order: its first key is the oldest.
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.set(id, true);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next();
      if (oldest.done) break;
      this.ids.delete(oldest.value);
    }
  }

  /** Forgets an id, so a redelivery of an event that failed is processed again. */
  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
