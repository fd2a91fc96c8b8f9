import type { Charge } from './Charge.ts';
import { safeLabel } from './throttleErrors.ts';
import type { Permit } from './types.ts';
import type { Waiter } from './WaitQueue.ts';

/** A {@link Permit} as the limiter grants it: the public fields, plus its owner and charges (internal). */
export class GrantedPermit implements Permit {
  /** The limiter that granted it; a permit settles only with its owner. */
  readonly owner: object;
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  readonly grantedAt: number;
  readonly waitedMs: number;
  readonly weightOnSuccess: number | undefined;
  /** Monotonic ms at the grant, for the round trip the edge guard learns from. */
  readonly grantedMono: number;
  /** The edge guard the charges were made with, ms. */
  readonly edgeGuardMs: number;
  readonly charges: Charge[];
  done = false;

  constructor(
    owner: object,
    waiter: Waiter,
    grantedAt: number,
    grantedMono: number,
    edgeGuardMs: number,
    charges: Charge[],
  ) {
    this.owner = owner;
    this.weight = waiter.claim.weight;
    this.orders = waiter.claim.orders;
    this.label = waiter.label;
    this.grantedAt = grantedAt;
    this.waitedMs = grantedAt - waiter.enqueuedAt;
    this.weightOnSuccess = waiter.weightOnSuccess;
    this.grantedMono = grantedMono;
    this.edgeGuardMs = edgeGuardMs;
    this.charges = charges;
  }

  /** The public fields only: the limiter and the charges are internal. */
  toJSON(): Permit {
    return {
      weight: this.weight,
      orders: this.orders,
      label: safeLabel(this.label),
      grantedAt: this.grantedAt,
      waitedMs: this.waitedMs,
      weightOnSuccess: this.weightOnSuccess,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): Permit {
    return this.toJSON();
  }
}
