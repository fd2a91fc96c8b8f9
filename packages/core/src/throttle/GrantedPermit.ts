import type { Charge } from './Charge.ts';
import type { Claim } from './Slot.ts';
import { safeLabel } from './throttleErrors.ts';
import type { AcquireRequest, Permit } from './types.ts';

/**
 * A {@link Permit} as a limiter grants it: the public fields, plus what only the limiter reads — its owner, when it
 * was granted on the monotonic clock, whether it is settled. A lane's permit (`LanePermit`) holds its windows; any
 * other, its charges ({@link GrantedPermit}).
 */
export abstract class IssuedPermit implements Permit {
  abstract readonly weight: number;
  abstract readonly orders: number;
  abstract readonly label: string | undefined;
  abstract readonly waitedMs: number;
  abstract readonly weightOnSuccess: number | undefined;
  /** The limiter that granted it; a permit settles only with its owner. */
  readonly owner: object;
  readonly grantedAt: number;
  /** Monotonic ms at the grant, for the round trip the edge guard learns from. */
  readonly grantedMono: number;
  done = false;

  constructor(owner: object, grantedAt: number, grantedMono: number) {
    this.owner = owner;
    this.grantedAt = grantedAt;
    this.grantedMono = grantedMono;
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

/** A permit granted through the store's general entry: it holds the charges the store settles. */
export class GrantedPermit extends IssuedPermit {
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  readonly waitedMs: number;
  readonly weightOnSuccess: number | undefined;
  /** The edge guard the charges were made with, ms. */
  readonly edgeGuardMs: number;
  readonly charges: Charge[];

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
    super(owner, grantedAt, grantedMono);
    this.weight = claim.weight;
    this.orders = claim.orders;
    this.label = of.label;
    this.waitedMs = grantedAt - enqueuedAt;
    this.weightOnSuccess = of.weightOnSuccess;
    this.edgeGuardMs = edgeGuardMs;
    this.charges = charges;
  }
}
