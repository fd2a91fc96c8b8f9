import type { Charge } from './Charge.ts';
import type { Claim } from './Slot.ts';
import { safeLabel } from './throttleErrors.ts';
import type { AcquireRequest, Permit } from './types.ts';

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

  /**
   * @param of the request's label and `weightOnSuccess` (its `AcquireRequest`, or its `Waiter` in the queue)
   * @param enqueuedAt server ms when it asked, for `waitedMs`
   */
  constructor(
    owner: object,
    of: Pick<AcquireRequest, 'label' | 'weightOnSuccess'>,
    claim: Claim,
    enqueuedAt: number,
    grantedAt: number,
    grantedMono: number,
    edgeGuardMs: number,
    charges: Charge[],
  ) {
    this.owner = owner;
    this.weight = claim.weight;
    this.orders = claim.orders;
    this.label = of.label;
    this.grantedAt = grantedAt;
    this.waitedMs = grantedAt - enqueuedAt;
    this.weightOnSuccess = of.weightOnSuccess;
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
