import { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { reportUnhandled } from './reportUnhandled';
import { getOrMake } from '../model/getOrMake';

/** What a deadline queue holds: when it is due, and what to do then. */
export interface Deadline {
  /** When it is due (scheduler time, ms). The queue reads it when the deadline is added. */
  dueAt: number;
  /** Its place in the queue; -1 when not queued. Written by the queue only. */
  queueIndex: number;
  /** When it was queued, among the queue's deadlines (ties come in this order). Written by the queue only. */
  queueOrder: number;
  /** Called once when due, with the queue it was in: `queue.add(this)` again to come again. */
  due(queue: DeadlineQueue): void;
}

/**
 * One timer for every deadline on a scheduler (the pings of ten thousand links, each due every second
 * at its own phase; their status reports, every ten minutes): a binary heap by due time, with one
 * scheduler action for the earliest. A scheduler action is a timer of ~370 B (the action, Node's
 * Timeout, a bound function); a deadline here is three fields of the object that is due. Adding and
 * removing are O(log n); deadlines due at the same time come in the order added, and all of them
 * in one firing. With pings spread over a second, the action is re-armed at most once per
 * millisecond of the clock, however many links there are.
 *
 * ```
 * report a:  ^-----------a-----------a      (every 12, from 0)
 * report b:      ^-----------b-----------b  (every 12, from 4)
 * timer:     armed for a, then b, then a…   (one action, rescheduled as the earliest changes)
 * ```
 *
 * @example
 * const run = { dueAt: scheduler.now() + 600_000, queueIndex: -1, queueOrder: 0, due: () => report() };
 * DeadlineQueue.of(scheduler).add(run);
 * DeadlineQueue.of(scheduler).remove(run); // on unsubscribe
 */
export class DeadlineQueue {
  private static readonly shared = new WeakMap<SchedulerLike, DeadlineQueue>();

  /** The queue of `scheduler`, made on first use. */
  static of(scheduler: SchedulerLike): DeadlineQueue {
    return getOrMake(DeadlineQueue.shared, scheduler, () => new DeadlineQueue(scheduler));
  }

  private readonly heap: Deadline[] = [];
  /** Counts the additions: deadlines due at the same time come in the order added. */
  private added = 0;
  private action: Subscription | undefined;
  private armedFor = Infinity;
  /** While the due deadlines are called: the timer is armed once, after them. */
  private firing = false;

  private constructor(private readonly scheduler: SchedulerLike) {}

  /** How many deadlines are queued. */
  get size(): number {
    return this.heap.length;
  }

  /** Queues `deadline` for its `dueAt` (a queued one is moved). */
  add(deadline: Deadline): void {
    if (deadline.queueIndex >= 0) this.remove(deadline);
    deadline.queueOrder = ++this.added;
    deadline.queueIndex = this.heap.length;
    this.heap.push(deadline);
    this.up(deadline.queueIndex);
    this.arm();
  }

  /** Takes `deadline` out of the queue; the timer stops with the last one. */
  remove(deadline: Deadline): void {
    const index = deadline.queueIndex;
    if (index < 0 || this.heap[index] !== deadline) return;
    deadline.queueIndex = -1;
    const last = this.heap.pop() as Deadline;
    if (index < this.heap.length) {
      this.heap[index] = last;
      last.queueIndex = index;
      this.down(index);
      this.up(last.queueIndex);
    }
    this.arm();
  }

  /** Keeps the one action armed for the earliest deadline, or none when the queue is empty. */
  private arm(): void {
    if (this.firing) return;
    const first = this.heap[0];
    const at = first === undefined ? Infinity : first.dueAt;
    if (at === this.armedFor) return;
    this.action?.unsubscribe();
    this.action = undefined;
    this.armedFor = at;
    if (first === undefined) return;
    this.action = this.scheduler.schedule(DeadlineQueue.run, Math.max(0, at - this.scheduler.now()), this);
  }

  private static run(this: SchedulerAction<DeadlineQueue>, queue?: DeadlineQueue): void {
    if (queue === undefined) return;
    queue.action = undefined;
    queue.armedFor = Infinity;
    const now = queue.scheduler.now();
    queue.firing = true;
    try {
      // Those due now, earliest first; one that re-adds itself for now or earlier comes once more.
      for (let first = queue.heap[0]; first !== undefined && first.dueAt <= now; first = queue.heap[0]) {
        queue.remove(first);
        try {
          first.due(queue);
        } catch (error) {
          // One deadline's failure is not the others': they are still called.
          reportUnhandled(error);
        }
      }
    } finally {
      queue.firing = false;
    }
    // Re-armed as this same action: RxJS keeps its interval timer when the delay is the same (pings
    // spread over a second come a millisecond apart), instead of a new action and timer per firing.
    const next = queue.heap[0];
    if (next === undefined) return;
    queue.armedFor = next.dueAt;
    queue.action = this.schedule(queue, Math.max(0, next.dueAt - queue.scheduler.now()));
  }

  private before(a: Deadline, b: Deadline): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.queueOrder < b.queueOrder);
  }

  private up(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index] as Deadline, heap[parent] as Deadline)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private down(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < heap.length && this.before(heap[left] as Deadline, heap[first] as Deadline)) first = left;
      if (right < heap.length && this.before(heap[right] as Deadline, heap[first] as Deadline)) first = right;
      if (first === index) return;
      this.swap(index, first);
      index = first;
    }
  }

  private swap(i: number, j: number): void {
    const heap = this.heap;
    const a = heap[i] as Deadline;
    const b = heap[j] as Deadline;
    heap[i] = b;
    heap[j] = a;
    a.queueIndex = j;
    b.queueIndex = i;
  }
}
